import Router from '@koa/router';
import type { ApiMetrics } from '../../observability/metrics';

export interface Readiness {
  temporal(): Promise<boolean>;
  postgres(): Promise<boolean>;
}

export function healthRoutes(readiness: Readiness, metrics: ApiMetrics): Router {
  const router = new Router();
  router.get('/healthz', (ctx) => {
    ctx.body = { status: 'ok' };
  });
  router.get('/readyz', async (ctx) => {
    const [temporal, postgres] = await Promise.all([readiness.temporal().catch(() => false), readiness.postgres().catch(() => false)]);
    ctx.status = temporal && postgres ? 200 : 503;
    ctx.body = { status: temporal && postgres ? 'ready' : 'not_ready', temporal, postgres };
  });
  router.get('/metrics', async (ctx) => {
    ctx.type = metrics.registry.contentType;
    ctx.body = await metrics.registry.metrics();
  });
  return router;
}
