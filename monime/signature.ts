import { createHmac, timingSafeEqual } from 'node:crypto';

/** MoniMe webhook signatures (contract §2): `t=<unix seconds>,v1=<base64 HMAC-SHA256>`. */

export const SIGNATURE_TOLERANCE_SECONDS = 300;
const MAX_HEADER_LENGTH = 4096;

function hmac(secret: string, rawBody: Buffer | string, timestampSeconds: number): Buffer {
  return createHmac('sha256', secret).update(`${timestampSeconds}.`).update(rawBody).digest();
}

export function signMonimeWebhook(secret: string, rawBody: Buffer | string, timestampSeconds: number): string {
  return signMonimeWebhookWithSecrets([secret], rawBody, timestampSeconds);
}

/** Several `v1=` entries: what MoniMe sends while a secret is being rotated. */
export function signMonimeWebhookWithSecrets(secrets: string[], rawBody: Buffer | string, timestampSeconds: number): string {
  const entries = secrets.map((secret) => `v1=${hmac(secret, rawBody, timestampSeconds).toString('base64')}`);
  return [`t=${timestampSeconds}`, ...entries].join(',');
}

export type SignatureCheck = { ok: true } | { ok: false; reason: 'missing' | 'malformed' | 'stale' | 'mismatch' };

interface ParsedHeader {
  timestamp: number;
  signatures: Buffer[];
}

/**
 * One valid `v1` entry suffices (contract §2), so an entry that does not parse — empty, not
 * base64, a stray comma — is skipped rather than spoiling its neighbours. The timestamp is
 * another matter: absent, unreadable or given twice, nothing can be verified.
 */
function parseHeader(header: string): ParsedHeader | null {
  if (header.length > MAX_HEADER_LENGTH) return null;
  let timestamp: number | null = null;
  let timestamps = 0;
  const signatures: Buffer[] = [];
  for (const part of header.split(',')) {
    const separator = part.indexOf('=');
    if (separator <= 0) continue;
    const key = part.slice(0, separator).trim();
    const value = part.slice(separator + 1).trim();
    if (key === 't') {
      timestamps += 1;
      timestamp = /^\d{1,12}$/.test(value) ? Number(value) : null;
    } else if (key === 'v1' && /^[A-Za-z0-9+/]+={0,2}$/.test(value)) {
      signatures.push(Buffer.from(value, 'base64'));
    }
    // Unknown schemes (a future v2) are skipped, as MoniMe's own verifiers do.
  }
  if (timestamps !== 1 || timestamp === null || signatures.length === 0) return null;
  return { timestamp, signatures };
}

export function verifyMonimeSignature(input: {
  header: string | undefined | null;
  rawBody: Buffer | string;
  secrets: string[];
  nowSeconds: number;
  toleranceSeconds?: number;
}): SignatureCheck {
  if (input.header === undefined || input.header === null || input.header === '') return { ok: false, reason: 'missing' };
  const parsed = parseHeader(input.header);
  if (!parsed) return { ok: false, reason: 'malformed' };
  if (Math.abs(input.nowSeconds - parsed.timestamp) > (input.toleranceSeconds ?? SIGNATURE_TOLERANCE_SECONDS)) {
    return { ok: false, reason: 'stale' };
  }
  for (const secret of input.secrets) {
    const expected = hmac(secret, input.rawBody, parsed.timestamp);
    // Every entry is compared in constant time; the loop does not stop at the first length match.
    let matched = false;
    for (const candidate of parsed.signatures) {
      if (candidate.length === expected.length && timingSafeEqual(candidate, expected)) matched = true;
    }
    if (matched) return { ok: true };
  }
  return { ok: false, reason: 'mismatch' };
}
