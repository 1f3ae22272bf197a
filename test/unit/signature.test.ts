import { createHmac } from 'node:crypto';
import fc from 'fast-check';
import { signMonimeWebhook, signMonimeWebhookWithSecrets, verifyMonimeSignature } from '../../monime/signature';

const body = '{"apiVersion":"caph.2025-08-23","event":{"id":"evt-1"}}';
const now = 1_795_000_000;
const verify = (header: string | undefined, overrides: Partial<Parameters<typeof verifyMonimeSignature>[0]> = {}) =>
  verifyMonimeSignature({ header, rawBody: body, secrets: ['s3cret'], nowSeconds: now, ...overrides });

describe('verifyMonimeSignature', () => {
  it('accepts a signature made with the configured secret', () => {
    expect(verify(signMonimeWebhook('s3cret', body, now))).toEqual({ ok: true });
  });

  it('computes base64(HMAC-SHA256(secret, "<t>." + body)) as the contract says', () => {
    const expected = createHmac('sha256', 's3cret').update(`${now}.${body}`).digest('base64');
    expect(signMonimeWebhook('s3cret', body, now)).toBe(`t=${now},v1=${expected}`);
  });

  it('rejects another secret, and a tampered body', () => {
    expect(verify(signMonimeWebhook('other', body, now))).toEqual({ ok: false, reason: 'mismatch' });
    expect(verify(signMonimeWebhook('s3cret', body, now), { rawBody: `${body} ` })).toEqual({ ok: false, reason: 'mismatch' });
  });

  it('accepts any configured secret while one is rotated', () => {
    const header = signMonimeWebhook('old', body, now);
    expect(verify(header, { secrets: ['new', 'old'] })).toEqual({ ok: true });
  });

  it('accepts a header with several v1 entries when one matches', () => {
    expect(verify(signMonimeWebhookWithSecrets(['unknown', 's3cret'], body, now))).toEqual({ ok: true });
  });

  it('rejects timestamps more than 300 s away, either way, and accepts the boundary', () => {
    expect(verify(signMonimeWebhook('s3cret', body, now - 301))).toEqual({ ok: false, reason: 'stale' });
    expect(verify(signMonimeWebhook('s3cret', body, now + 301))).toEqual({ ok: false, reason: 'stale' });
    expect(verify(signMonimeWebhook('s3cret', body, now - 300))).toEqual({ ok: true });
  });

  it('skips entries that do not parse when another v1 entry is valid', () => {
    const valid = signMonimeWebhook('s3cret', body, now);
    for (const header of [
      `${valid},v1=`,
      `${valid},v1=not base64!`,
      `t=${now},v1=%%%,${valid.split(',')[1]}`,
      `${valid},`,
      `,${valid}`,
      `${valid},stray`,
    ]) {
      expect(verify(header)).toEqual({ ok: true });
    }
  });

  it('names a missing or malformed header', () => {
    expect(verify(undefined)).toEqual({ ok: false, reason: 'missing' });
    for (const header of [
      't=abc,v1=xyz',
      `v1=${'a'.repeat(44)}`,
      `t=${now}`,
      'garbage',
      `t=${now},v1=not base64!`,
      `t=${now},t=${now},v1=AAAA`,
    ]) {
      expect(verify(header)).toEqual({ ok: false, reason: 'malformed' });
    }
  });

  it('never throws, whatever the header', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 300 }), (header) => {
        const result = verify(header);
        expect(result.ok === false || result.ok === true).toBe(true);
      }),
      { seed: 42, numRuns: 500 },
    );
  });

  it('verifies whatever it signs', () => {
    fc.assert(
      fc.property(fc.string({ minLength: 1 }), fc.uint8Array(), (secret, bytes) => {
        const raw = Buffer.from(bytes);
        expect(
          verifyMonimeSignature({ header: signMonimeWebhook(secret, raw, now), rawBody: raw, secrets: [secret], nowSeconds: now }),
        ).toEqual({ ok: true });
      }),
      { seed: 7, numRuns: 200 },
    );
  });
});
