/** Steps a test takes the way a client of the HTTP API would. */
import { randomUUID } from 'node:crypto';
import { signMonimeWebhook } from '../../monime/signature';
import { readAnswer } from '../../simulator/webhooks';
import type { Stack } from './harness';

export interface Reservation {
  companyId: string;
  financialAccountId: string;
  routeId: string;
  ticketId: string;
  paymentCodeId: string;
  priceMinor: number;
}

async function created<T>(response: Response): Promise<T> {
  const body = await response.json();
  if (response.status !== 201) throw new Error(`expected 201, got ${response.status}: ${JSON.stringify(body)}`);
  return body as T;
}

export async function reserveTicket(
  stack: Stack,
  opts: { commissionBps: number; priceMinor: number; currency?: string },
): Promise<Reservation> {
  const financialAccountId = `fac-company-${randomUUID().slice(0, 8)}`;
  const company = await created<{ id: string }>(
    await stack.api('/api/companies', {
      method: 'POST',
      body: JSON.stringify({ name: 'Freetown Express', financialAccountId, commissionBps: opts.commissionBps }),
    }),
  );
  const route = await created<{ id: string }>(
    await stack.api(`/api/companies/${company.id}/routes`, {
      method: 'POST',
      body: JSON.stringify({ origin: 'Freetown', destination: 'Bo', priceMinor: opts.priceMinor, currency: opts.currency ?? 'SLE' }),
    }),
  );
  const ticket = await created<{ ticket: { id: string; status: string }; paymentCode: { id: string } }>(
    await stack.api('/api/tickets', {
      method: 'POST',
      body: JSON.stringify({ routeId: route.id, passengerName: 'Aminata Kamara', passengerPhone: '+23276123456' }),
    }),
  );
  return {
    companyId: company.id,
    financialAccountId,
    routeId: route.id,
    ticketId: ticket.ticket.id,
    paymentCodeId: ticket.paymentCode.id,
    priceMinor: opts.priceMinor,
  };
}

/** POSTs a raw webhook body the way MoniMe does, signed unless told otherwise. */
export async function postWebhook(
  stack: Stack,
  rawBody: string,
  /** `apiUrl`: another API on the same stack (a separate process). */
  opts: { signature?: string; timestamp?: number; headers?: Record<string, string>; apiUrl?: string } = {},
): Promise<{ status: number; body: unknown }> {
  const timestamp = opts.timestamp ?? Math.floor(Date.now() / 1000);
  const signature = opts.signature ?? signMonimeWebhook(stack.config.monime.webhookSecrets[0], rawBody, timestamp);
  const response = await fetch(`${opts.apiUrl ?? stack.apiUrl}/webhooks/monime`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'monime-signature': signature, ...opts.headers },
    body: rawBody,
  });
  return { status: response.status, body: await readAnswer(response) };
}
