import { ApplicationFailure } from '@temporalio/common';
import { MonimeClient } from '../../monime/client';
import { MonimeError, classifyHttpFailure, monimeErrorToApplicationFailure, parseRetryAfter } from '../../monime/errors';

const body = (reason: string) => ({ error: { reason, message: `because ${reason}` } });

describe('MoniMe failures become Temporal failures that say whether a retry can help', () => {
  it.each([400, 401, 403, 404, 422])('%i is non-retryable, with MoniMe’s reason', (status) => {
    const failure = monimeErrorToApplicationFailure(classifyHttpFailure(status, body('invalid_account'), null));
    expect(failure).toBeInstanceOf(ApplicationFailure);
    expect(failure).toMatchObject({ type: 'MonimeRejected', nonRetryable: true });
    expect(failure.message).toContain('invalid_account');
  });

  it.each([408, 409, 425, 500, 502, 503, 504])('%i is retryable', (status) => {
    expect(monimeErrorToApplicationFailure(classifyHttpFailure(status, body('busy'), null))).toMatchObject({
      type: 'MonimeUnavailable',
      nonRetryable: false,
    });
  });

  it('429 retries no earlier than Retry-After, in seconds or as an HTTP date', () => {
    const failure = monimeErrorToApplicationFailure(classifyHttpFailure(429, body('too_many_requests'), '2'));
    expect(failure).toMatchObject({ type: 'MonimeRateLimited', nonRetryable: false, nextRetryDelay: '2000 milliseconds' });
    expect(parseRetryAfter(new Date(Date.UTC(2026, 0, 1, 0, 0, 30)).toUTCString(), Date.UTC(2026, 0, 1))).toBe(30_000);
    expect(parseRetryAfter('soon')).toBeUndefined();
  });

  it('an idempotency-key conflict is a loud, non-retryable bug', () => {
    const failure = monimeErrorToApplicationFailure(classifyHttpFailure(409, body('idempotency_key_conflict'), null));
    expect(failure).toMatchObject({ type: 'MonimeIdempotencyConflict', nonRetryable: true });
    expect(failure.message).toMatch(/^BUG/);
  });
});

describe('MonimeClient', () => {
  const calls: Array<{ url: string; init: RequestInit }> = [];
  const client = (respond: () => Promise<Response>) =>
    new MonimeClient({
      baseUrl: 'https://monime.test/',
      accessToken: 'tok',
      spaceId: 'spc-1',
      version: 'caph.2025-08-23',
      timeoutMs: 50,
      fetchImpl: (async (url: string, init: RequestInit) => {
        calls.push({ url, init });
        return respond();
      }) as unknown as typeof fetch,
    });
  const transfer = {
    amount: { currency: 'SLE', value: 10 },
    sourceFinancialAccount: { id: 'a' },
    destinationFinancialAccount: { id: 'b' },
    metadata: { transactionId: 'pay-1' },
  };

  it('sends the contract’s headers, the Idempotency-Key on POST, and unwraps the envelope', async () => {
    const result = await client(
      async () =>
        new Response(JSON.stringify({ success: true, messages: [], result: { id: 'trn-1', status: 'completed' } }), { status: 201 }),
    ).createInternalTransfer(transfer, 'key-1');
    expect(result).toMatchObject({ id: 'trn-1', status: 'completed' });
    const { url, init } = calls[calls.length - 1];
    expect(url).toBe('https://monime.test/v1/internal-transfers');
    expect(init.headers).toMatchObject({
      authorization: 'Bearer tok',
      'monime-space-id': 'spc-1',
      'monime-version': 'caph.2025-08-23',
      'content-type': 'application/json',
      'idempotency-key': 'key-1',
    });
  });

  it('a timeout or network failure is retryable', async () => {
    const hanging = client(() => new Promise<Response>((_, reject) => setTimeout(() => reject(new Error('aborted')), 60)));
    await expect(hanging.getInternalTransfer('trn-1')).rejects.toMatchObject({ kind: 'retryable' });
  });

  it('2xx with success:false is not a result, and is retried under the same key rather than read as a refusal', async () => {
    const error = await client(async () => new Response(JSON.stringify({ success: false, messages: [], result: null }), { status: 200 }))
      .getInternalTransfer('trn-1')
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MonimeError);
    expect(error).toMatchObject({ kind: 'retryable' });
  });
});
