import { randomUUID } from 'node:crypto';
import { MonimeError, classifyHttpFailure } from './errors';
import type { CreateInternalTransferRequest, CreatePaymentCodeRequest, InternalTransfer, MonimeEnvelope, PaymentCode } from './types';

export interface MonimeClientOptions {
  baseUrl: string;
  accessToken: string;
  spaceId: string;
  version: string;
  /** Per call; a hanging MoniMe must not hold an activity past its own timeout. */
  timeoutMs?: number;
  fetchImpl?: typeof fetch;
}

/** The three MoniMe calls fareflow makes (contract §5). */
export class MonimeClient {
  private readonly baseUrl: string;
  private readonly fetchImpl: typeof fetch;

  constructor(private readonly options: MonimeClientOptions) {
    this.baseUrl = options.baseUrl.replace(/\/+$/, '');
    this.fetchImpl = options.fetchImpl ?? globalThis.fetch;
  }

  createPaymentCode(request: CreatePaymentCodeRequest, idempotencyKey: string): Promise<PaymentCode> {
    return this.call<PaymentCode>('POST', '/v1/payment-codes', request, idempotencyKey);
  }

  createInternalTransfer(request: CreateInternalTransferRequest, idempotencyKey: string): Promise<InternalTransfer> {
    return this.call<InternalTransfer>('POST', '/v1/internal-transfers', request, idempotencyKey);
  }

  getInternalTransfer(id: string): Promise<InternalTransfer> {
    return this.call<InternalTransfer>('GET', `/v1/internal-transfers/${encodeURIComponent(id)}`);
  }

  private async call<T>(method: 'GET' | 'POST', path: string, body?: unknown, idempotencyKey?: string): Promise<T> {
    const headers: Record<string, string> = {
      authorization: `Bearer ${this.options.accessToken}`,
      'monime-space-id': this.options.spaceId,
      'monime-version': this.options.version,
      'content-type': 'application/json',
      'x-request-id': randomUUID(),
    };
    if (method === 'POST') {
      if (!idempotencyKey) throw new MonimeError(`BUG: POST ${path} without an Idempotency-Key`, 'non_retryable');
      headers['idempotency-key'] = idempotencyKey;
    }
    let response: Response;
    try {
      response = await this.fetchImpl(`${this.baseUrl}${path}`, {
        method,
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(this.options.timeoutMs ?? 10_000),
      });
    } catch (error) {
      // Timeouts and connection failures: the request may or may not have arrived; the idempotency key makes a retry safe.
      throw new MonimeError(`MoniMe unreachable on ${method} ${path}: ${(error as Error).message}`, 'retryable');
    }
    let envelope: MonimeEnvelope<T> | null = null;
    try {
      envelope = (await response.json()) as MonimeEnvelope<T>;
    } catch {
      envelope = null;
    }
    if (!response.ok) throw classifyHttpFailure(response.status, envelope, response.headers.get('retry-after'));
    if (!envelope || envelope.success !== true || envelope.result === null || envelope.result === undefined) {
      // A 2xx says MoniMe took the request, so a POST may have been applied: this must not read
      // as a rejection (which would let an operator close a transaction whose money moved).
      // Asking again under the same Idempotency-Key returns what was done, if anything was.
      const message = envelope?.error?.message ?? 'success:false or no result';
      throw new MonimeError(`MoniMe answered ${response.status} without a result on ${method} ${path}: ${message}`, 'retryable', {
        httpStatus: response.status,
      });
    }
    return envelope.result;
  }
}
