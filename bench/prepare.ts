import type { Envelope } from './sender';
import type { BenchTarget } from './target';

/** A company with a route, to reserve tickets on. */
export interface Catalog {
  routeId: string;
}

async function postJson<T>(target: BenchTarget, url: string, body: unknown): Promise<T> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { authorization: `Bearer ${target.apiToken}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  if (!response.ok) throw new Error(`POST ${url}: ${response.status} ${await response.text()}`);
  return (await response.json()) as T;
}

export async function createCatalog(target: BenchTarget): Promise<Catalog> {
  const api = target.apiUrls[0];
  const company = await postJson<{ id: string }>(target, `${api}/api/companies`, {
    name: 'Bench Lines',
    financialAccountId: 'fac-bench',
    commissionBps: 250,
  });
  const route = await postJson<{ id: string }>(target, `${api}/api/companies/${company.id}/routes`, {
    origin: 'Freetown',
    destination: 'Kenema',
    priceMinor: 12_000,
    currency: 'SLE',
  });
  return { routeId: route.id };
}

/** Runs `work` over `count` indexes, at most `limit` at once. */
async function pool(count: number, limit: number, work: (index: number) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, count) }, async () => {
      while (next < count) await work(next++);
    }),
  );
}

/**
 * `count` tickets reserved through the API and paid at the simulator without delivering the
 * webhook: the step then sends those webhooks on its own schedule. Not measured.
 */
export async function paidEnvelopes(
  target: BenchTarget,
  catalog: Catalog,
  count: number,
  onProgress: (done: number) => void,
): Promise<Envelope[]> {
  const envelopes: Envelope[] = new Array(count);
  let done = 0;
  await pool(count, 16, async (i) => {
    const api = target.apiUrls[i % target.apiUrls.length];
    const ticket = await postJson<{ paymentCode: { id: string } }>(target, `${api}/api/tickets`, {
      routeId: catalog.routeId,
      passengerName: 'Bench',
      passengerPhone: '+23278000000',
    });
    const paid = await target.simulator.pay(ticket.paymentCode.id, { deliver: false });
    envelopes[i] = { paymentId: paid.paymentId, rawBody: paid.rawBody };
    onProgress(++done);
  });
  return envelopes;
}
