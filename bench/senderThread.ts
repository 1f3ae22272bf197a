/**
 * The sender's worker thread (started by sendOpenLoopInThread in bench/sender.ts): runs
 * sendOpenLoop on an event loop of its own, counting in the shared counters, and posts the
 * SentPayment[] back. An error is left uncaught, so the Worker's 'error' event carries it.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { sendOpenLoop, SharedSenderCounters, type SenderThreadInput } from './sender';

const input = workerData as SenderThreadInput;
const port = parentPort;
if (!port) throw new Error('bench/senderThread.ts runs as a worker thread (sendOpenLoopInThread), not on its own');

void sendOpenLoop(input.envelopes, (index) => input.offsetsMs[index], {
  apiUrls: input.apiUrls,
  secret: input.secret,
  giveUpAfterMs: input.giveUpAfterMs,
  counters: new SharedSenderCounters(input.counters),
}).then((sent) => port.postMessage(sent));
