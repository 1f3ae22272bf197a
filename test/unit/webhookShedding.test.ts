/**
 * A receiver at capacity refuses a webhook before the work it would do first: no database
 * read, no Temporal call, just the 503 with Retry-After, counted as shed.
 */
import type { Context } from 'koa';
import type { Client } from '@temporalio/client';
import { HttpError } from '../../api/errors';
import type { WebhookDeps } from '../../api/webhooks/context';
import { receiveMonimeWebhook } from '../../api/webhooks/receiveMonimeWebhook';
import { AtCapacity, type TemporalSlots } from '../../api/webhooks/temporalSlots';
import { loadConfig } from '../../config';
import type { Db } from '../../db/pool';
import { createApiMetrics } from '../../observability/metrics';

function paymentWebhook(paymentId: string): Buffer {
  return Buffer.from(
    JSON.stringify({
      apiVersion: 'caph.2025-08-23',
      event: { id: `evt-${paymentId}`, name: 'payment_code.completed', timestamp: '2026-11-26T08:00:00Z' },
      object: { id: 'pmc-1', type: 'payment_code' },
      data: { id: 'pmc-1', processedPaymentData: { paymentId, amount: { currency: 'SLE', value: 1500 } } },
    }),
  );
}

function fullSlots(): TemporalSlots & { ran: number } {
  return {
    ran: 0,
    run() {
      this.ran++;
      return Promise.reject(new AtCapacity(3));
    },
    refuseIfFull() {
      throw new AtCapacity(3);
    },
    inFlight: () => 64,
    waiting: () => 8,
    retryAfterSeconds: () => 3,
  };
}

it('sheds a payment webhook before its database pre-check when no slot could be had', async () => {
  const queries: string[] = [];
  const db = {
    query: async (sql: string) => {
      queries.push(sql);
      return { rows: [] };
    },
  } as unknown as Db;
  const metrics = createApiMetrics();
  const slots = fullSlots();
  const deps: WebhookDeps = { config: loadConfig({}), db, temporal: {} as Client, metrics, slots };
  const ctx = { state: { rawBody: paymentWebhook('pay-shed-1') } } as unknown as Context;

  const refused = await receiveMonimeWebhook(deps)(ctx).catch((error: unknown) => error);

  expect(refused).toBeInstanceOf(AtCapacity);
  expect((refused as HttpError).status).toBe(503);
  expect((refused as HttpError).headers['Retry-After']).toBe('3');
  expect(queries).toEqual([]);
  expect(slots.ran).toBe(0);
  expect(ctx.state.webhookOutcome).toBe('shed');
  expect(await metrics.registry.metrics()).toMatch(/^fareflow_webhooks_shed_total\{event="payment_code.completed"\} 1$/m);
});
