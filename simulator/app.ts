import Router from '@koa/router';
import Koa from 'koa';
import { adminRouter } from './admin';
import { injectFaults, parseJsonBody, replayIdempotentPosts, requireMonimeCredentials } from './middleware';
import { createPaymentCode } from './paymentCodes';
import type { SimulatorState } from './state';
import { createInternalTransfer, getInternalTransfer } from './transfers';

export interface SimulatorAppOptions {
  /**
   * NODE_ENV=production: `/_sim/*` is not mounted at all (every path under it is a 404). Those
   * routes pay codes and settle transfers with webhooks signed by the real secret, so no
   * production process may serve them; MoniMe's own `/v1` calls stay.
   */
  production: boolean;
}

/**
 * MoniMe's three calls (contract §5), with the envelope, credentials and idempotency MoniMe
 * has; plus, outside production only, the `/_sim/*` admin routes.
 */
export function createSimulatorApp(state: SimulatorState, options: SimulatorAppOptions): Koa {
  const app = new Koa();
  const monime = new Router({ prefix: '/v1' });
  monime.use(requireMonimeCredentials(state), replayIdempotentPosts(state));
  monime.post('/payment-codes', injectFaults(state, 'payment_codes'), createPaymentCode(state));
  monime.post('/internal-transfers', injectFaults(state, 'transfers'), createInternalTransfer(state));
  monime.get('/internal-transfers/:id', injectFaults(state, 'transfers'), getInternalTransfer(state));

  app.use(parseJsonBody());
  app.use(monime.routes()).use(monime.allowedMethods());
  if (!options.production) {
    const admin = adminRouter(state);
    app.use(admin.routes()).use(admin.allowedMethods());
  }
  return app;
}
