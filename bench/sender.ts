import http from 'node:http';
import { signMonimeWebhook } from '../monime/signature';

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
