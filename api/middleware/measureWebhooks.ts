import type Koa from 'koa';
import type { ApiMetrics } from '../../observability/metrics';

/** Outcome counters and the ack-latency histogram; outermost on the webhook route so errors count too. */
export function measureWebhooks(metrics: ApiMetrics): Koa.Middleware {
  return async (ctx, next) => {
    const stopTimer = metrics.webhookAckSeconds.startTimer();
    try {
      await next();
    } finally {
      stopTimer();
      const outcome = ctx.state.webhookOutcome ?? (ctx.status === 503 ? 'unavailable' : ctx.status >= 400 ? 'rejected' : 'unknown');
      metrics.webhookOutcomes.inc({ outcome, status: String(ctx.status), event: ctx.state.webhookEvent ?? 'unparsed' });
    }
  };
}
