import Router from '@koa/router';
import Koa from 'koa';
import { adminRouter } from './admin';
import { injectFaults, parseJsonBody, replayIdempotentPosts, requireMonimeCredentials } from './middleware';
import { createPaymentCode } from './paymentCodes';
import type { SimulatorState } from './state';
import { createInternalTransfer, getInternalTransfer } from './transfers';

/** MoniMe's three calls (contract §5), with the envelope, credentials and idempotency MoniMe has. */
export function createSimulatorApp(state: SimulatorState): Koa {
  const app = new Koa();
  const monime = new Router({ prefix: '/v1' });
  monime.use(requireMonimeCredentials(state), replayIdempotentPosts(state));
  monime.post('/payment-codes', injectFaults(state, 'payment_codes'), createPaymentCode(state));
  monime.post('/internal-transfers', injectFaults(state, 'transfers'), createInternalTransfer(state));
  monime.get('/internal-transfers/:id', injectFaults(state, 'transfers'), getInternalTransfer(state));

  const admin = adminRouter(state);
  app.use(parseJsonBody());
  app.use(monime.routes()).use(monime.allowedMethods());
  app.use(admin.routes()).use(admin.allowedMethods());
  return app;
}
