import http from 'node:http';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import { signMonimeWebhook } from '../monime/signature';
import type { SenderMode } from './settings';

/** A payment's webhook as MoniMe would send it: the body it signs again at every delivery. */
export interface Envelope {
  paymentId: string;
  rawBody: string;
}

/** What happened to one payment's webhook. Times are ms since epoch. */
export interface SentPayment {
  paymentId: string;
  /** When the schedule said to send it: latencies count from here, so a slow sender or server cannot hide them. */
  intendedAt: number;
  /** HTTP status of the first delivery; 0: no answer (connection refused or reset). */
  firstStatus: number;
  /** First delivery's answer, from the intended time. */
  firstAckMs: number;
  /** When a delivery was first answered 2xx; null: never, within the redelivery budget. */
  ackedAt: number | null;
  deliveries: number;
}

export interface SenderOptions {
  apiUrls: string[];
  secret: string;
  /** Stop redelivering a payment this long after its intended time (MoniMe gives up eventually too). */
  giveUpAfterMs: number;
  /** Live counters for the progress line. */
  counters: SenderCounters;
}

export interface SenderCounters {
  sent: number;
  acked: number;
  refused: number;
}

const COUNTER_CELLS = { sent: 0, acked: 1, refused: 2 } as const;

/**
 * SenderCounters in a SharedArrayBuffer: the sender thread writes them (it is their only
 * writer), the main thread's progress line and samplers read them live, without messages.
 */
export class SharedSenderCounters implements SenderCounters {
  private readonly cells: Int32Array;
  constructor(readonly buffer = new SharedArrayBuffer(3 * Int32Array.BYTES_PER_ELEMENT)) {
    this.cells = new Int32Array(buffer);
  }
  get sent() {
    return Atomics.load(this.cells, COUNTER_CELLS.sent);
  }
  set sent(value: number) {
    Atomics.store(this.cells, COUNTER_CELLS.sent, value);
  }
  get acked() {
    return Atomics.load(this.cells, COUNTER_CELLS.acked);
  }
  set acked(value: number) {
    Atomics.store(this.cells, COUNTER_CELLS.acked, value);
  }
  get refused() {
    return Atomics.load(this.cells, COUNTER_CELLS.refused);
  }
  set refused(value: number) {
    Atomics.store(this.cells, COUNTER_CELLS.refused, value);
  }
}

/**
 * MoniMe's connections: many, kept alive. Bounded, as any real sender's are: a burst beyond it
 * waits for a socket, and that wait counts in the latencies (measured from the intended time).
 */
const agent = new http.Agent({ keepAlive: true, maxSockets: 512 });

/** How long to wait before the next delivery: the server's Retry-After, else a doubling backoff up to 30 s. */
function redeliveryDelayMs(retryAfter: string | undefined, attempt: number): number {
  const seconds = Number(retryAfter);
  if (retryAfter !== undefined && Number.isFinite(seconds) && seconds >= 0) return seconds * 1000;
  return Math.min(1000 * 2 ** (attempt - 1), 30_000);
}

function post(url: string, body: string, signature: string): Promise<{ status: number; retryAfter?: string }> {
  return new Promise((resolve) => {
    const request = http.request(
      url,
      {
        method: 'POST',
        agent,
        headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), 'monime-signature': signature },
      },
      (response) => {
        response.resume();
        response.once('end', () => resolve({ status: response.statusCode ?? 0, retryAfter: response.headers['retry-after'] as string }));
      },
    );
    request.once('error', () => resolve({ status: 0 }));
    request.end(body);
  });
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Delivers one payment's webhook until a 2xx, honouring Retry-After, as MoniMe redelivers. */
async function deliver(envelope: Envelope, index: number, intendedAt: number, opts: SenderOptions): Promise<SentPayment> {
  const sent: SentPayment = { paymentId: envelope.paymentId, intendedAt, firstStatus: 0, firstAckMs: 0, ackedAt: null, deliveries: 0 };
  for (;;) {
    const url = `${opts.apiUrls[(index + sent.deliveries) % opts.apiUrls.length]}/webhooks/monime`;
    const signature = signMonimeWebhook(opts.secret, envelope.rawBody, Math.floor(Date.now() / 1000));
    if (sent.deliveries === 0) opts.counters.sent++;
    const { status, retryAfter } = await post(url, envelope.rawBody, signature);
    sent.deliveries++;
    if (sent.deliveries === 1) {
      sent.firstStatus = status;
      sent.firstAckMs = Date.now() - intendedAt;
    }
    if (status >= 200 && status < 300) {
      sent.ackedAt = Date.now();
      opts.counters.acked++;
      return sent;
    }
    if (status === 503) opts.counters.refused++;
    const delay = redeliveryDelayMs(retryAfter, sent.deliveries);
    if (Date.now() + delay - intendedAt > opts.giveUpAfterMs) return sent;
    await sleep(delay);
  }
}

/**
 * Open loop: payment i is sent at `startAt + offsetMs(i)` whether or not earlier ones have been
 * answered (no coordinated omission: a slow server does not slow the sender down).
 */
export async function sendOpenLoop(
  envelopes: Envelope[],
  offsetMs: (index: number) => number,
  opts: SenderOptions,
): Promise<SentPayment[]> {
  const startAt = Date.now();
  const deliveries: Array<Promise<SentPayment>> = [];
  let next = 0;
  while (next < envelopes.length) {
    const now = Date.now();
    for (; next < envelopes.length && startAt + offsetMs(next) <= now; next++) {
      deliveries.push(deliver(envelopes[next], next, startAt + offsetMs(next), opts));
    }
    if (next < envelopes.length) await sleep(Math.max(0, Math.min(20, startAt + offsetMs(next) - Date.now())));
  }
  return Promise.all(deliveries);
}

/**
 * When the step's schedule started: the earliest intended time (payment 0's offset is 0), else
 * `fallback`. Not the time the sender was called: a sender thread takes a few hundred ms to
 * start, which would otherwise count against the step's settled/s.
 */
export function scheduleStart(sent: SentPayment[], fallback: number): number {
  return sent.length ? sent.reduce((earliest, payment) => Math.min(earliest, payment.intendedAt), Infinity) : fallback;
}

/** What bench/senderThread.ts receives as its workerData. */
export interface SenderThreadInput {
  envelopes: Envelope[];
  /** `offsetMs(i)` for every envelope: a function cannot cross into the thread, its values can. */
  offsetsMs: number[];
  apiUrls: string[];
  secret: string;
  giveUpAfterMs: number;
  /** SharedSenderCounters' buffer. */
  counters: SharedArrayBuffer;
}

/**
 * sendOpenLoop in a worker thread of its own (bench/senderThread.ts): MoniMe is an external
 * sender, so its signing, HTTP client and thousands of redelivery timers get an event loop of
 * their own instead of delaying the API's answers and the sender's own timestamps when the
 * stack runs in this process (the embedded topology). Same machine, same cores.
 *
 * `opts.counters` stay live: a SharedSenderCounters is shared with the thread as it is; any
 * other SenderCounters is kept up to date from a shared one every 100 ms and at the end.
 * Rejects with the thread's error if it throws or exits without a result; the thread is
 * terminated whatever happened.
 */
export async function sendOpenLoopInThread(
  envelopes: Envelope[],
  offsetMs: (index: number) => number,
  opts: SenderOptions,
): Promise<SentPayment[]> {
  const shared = opts.counters instanceof SharedSenderCounters ? opts.counters : new SharedSenderCounters();
  const mirror = () => {
    if (shared === opts.counters) return;
    opts.counters.sent = shared.sent;
    opts.counters.acked = shared.acked;
    opts.counters.refused = shared.refused;
  };
  const input: SenderThreadInput = {
    envelopes,
    offsetsMs: envelopes.map((_, index) => offsetMs(index)),
    apiUrls: opts.apiUrls,
    secret: opts.secret,
    giveUpAfterMs: opts.giveUpAfterMs,
    counters: shared.buffer,
  };
  // Node 20 loads a worker's .ts entry through tsx's CommonJS hook only: neither the inherited
  // execArgv of `tsx bench/run.ts` nor `--import tsx` (ESM hooks) get past ERR_UNKNOWN_FILE_EXTENSION.
  const worker = new Worker(path.join(__dirname, 'senderThread.ts'), {
    workerData: input,
    execArgv: ['--require', require.resolve('tsx/cjs')],
  });
  const mirroring = setInterval(mirror, 100);
  try {
    return await new Promise<SentPayment[]>((resolve, reject) => {
      worker.once('message', (sent: SentPayment[]) => resolve(sent));
      worker.once('error', reject);
      worker.once('messageerror', reject);
      worker.once('exit', (code) => reject(new Error(`the sender thread exited (code ${code}) without its result`)));
    });
  } finally {
    clearInterval(mirroring);
    mirror();
    await worker.terminate();
  }
}

/** The sender `--sender` asks for: in a thread of its own (the default) or in the bench's process, beside an embedded stack. */
export const openLoopSender = (mode: SenderMode = 'in-process') => (mode === 'thread' ? sendOpenLoopInThread : sendOpenLoop);
