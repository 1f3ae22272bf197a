/**
 * Issue 6: with REDIS_URL, API instances share one count of rejected requests per IP, so
 * a prober cannot multiply the limit by the number of instances. Real Redis on 6379.
 */
import { randomUUID } from 'node:crypto';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import Koa from 'koa';
import { handleErrors } from '../../api/middleware/handleErrors';
import { createRejectionLimiter, type RejectionLimiter } from '../../api/middleware/limitRejectedCallers';
import { requireBearerToken } from '../../api/middleware/requireBearerToken';

const REDIS_URL = 'redis://127.0.0.1:6379';

async function instance(limiter: RejectionLimiter): Promise<{ url: string; server: Server }> {
  const app = new Koa();
  app.use(handleErrors());
  app.use(requireBearerToken('the-token', limiter));
  app.use((ctx) => {
    ctx.body = { ok: true };
  });
  const server = await new Promise<Server>((resolve) => {
    const listening = app.listen(0, '127.0.0.1', () => resolve(listening));
  });
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server };
}

it('counts rejected requests across instances in Redis, and never limits valid callers', async () => {
  const sameDb = createRejectionLimiter({ redisUrl: REDIS_URL, max: 10, durationMs: 60_000 });
  const shared = [await instance(sameDb), await instance(sameDb)];
  try {
    const probe = (url: string, token: string) =>
      fetch(url, { headers: { authorization: `Bearer ${token}` } }).then((response) => response.status);
    const wrong = `wrong-${randomUUID()}`;
    const statuses: number[] = [];
    for (let i = 0; i < 12; i++) statuses.push(await probe(shared[i % 2].url, wrong));
    // Two instances, one count: at most 10 rejections in all (fewer if an earlier run left its count).
    expect(statuses.filter((status) => status === 401).length).toBeLessThanOrEqual(10);
    expect(statuses.slice(-1)).toEqual([429]);
    const limited = await fetch(shared[0].url, { headers: { authorization: `Bearer ${wrong}` } });
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
    // A caller with the right token is never counted nor stopped.
    for (let i = 0; i < 20; i++) expect(await probe(shared[i % 2].url, 'the-token')).toBe(200);
  } finally {
    for (const { server } of shared) server.close();
    await sameDb.close();
  }
});
