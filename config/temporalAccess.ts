import fs from 'node:fs';
import { z } from 'zod';

/**
 * How fareflow reaches a Temporal cluster that is not the embedded dev server: TLS (optionally
 * mutual, for a self-hosted cluster or Temporal Cloud's mTLS) and/or an API key (Temporal
 * Cloud). Checked at start, so a wrong path or a half-configured pair stops the process with
 * the variable's name instead of a gRPC handshake error on the first webhook.
 */
export interface TemporalAccess {
  /** false: plaintext (the dev server, a cluster behind a private network). */
  tls: false | { clientCertPath?: string; clientKeyPath?: string; caPath?: string; serverName?: string };
  apiKey?: string;
}

const emptyAsUndefined = (value: unknown) => (value === '' ? undefined : value);
const optional = z.preprocess(emptyAsUndefined, z.string().min(1).optional());

export const temporalAccessEnv = {
  /** Unset: on when any other setting below is set. */
  TEMPORAL_TLS: z.preprocess(emptyAsUndefined, z.enum(['true', 'false']).optional()),
  TEMPORAL_TLS_CERT_PATH: optional,
  TEMPORAL_TLS_KEY_PATH: optional,
  TEMPORAL_TLS_CA_PATH: optional,
  TEMPORAL_TLS_SERVER_NAME: optional,
  TEMPORAL_API_KEY: optional,
};

type AccessEnv = { [K in keyof typeof temporalAccessEnv]?: z.infer<(typeof temporalAccessEnv)[K]> };

/** Returns the access settings, or the message of the first problem, naming its variable. */
export function temporalAccessFrom(e: AccessEnv, address: string | undefined): TemporalAccess | { problem: string } {
  const anyTls = Boolean(e.TEMPORAL_TLS_CERT_PATH || e.TEMPORAL_TLS_KEY_PATH || e.TEMPORAL_TLS_CA_PATH || e.TEMPORAL_TLS_SERVER_NAME);
  const tlsOn = e.TEMPORAL_TLS === undefined ? anyTls || Boolean(e.TEMPORAL_API_KEY) : e.TEMPORAL_TLS === 'true';
  if (!tlsOn && anyTls) return { problem: 'TEMPORAL_TLS=false, but TLS certificate settings are set: remove them or the false' };
  if (!tlsOn && e.TEMPORAL_API_KEY) return { problem: 'TEMPORAL_API_KEY: an API key is sent only over TLS; remove TEMPORAL_TLS=false' };
  if (!tlsOn) return { tls: false };
  if (!address) return { problem: 'TEMPORAL_TLS / TEMPORAL_API_KEY: set TEMPORAL_ADDRESS too (the embedded dev server speaks plaintext)' };
  if (Boolean(e.TEMPORAL_TLS_CERT_PATH) !== Boolean(e.TEMPORAL_TLS_KEY_PATH)) {
    const missing = e.TEMPORAL_TLS_CERT_PATH ? 'TEMPORAL_TLS_KEY_PATH' : 'TEMPORAL_TLS_CERT_PATH';
    return { problem: `${missing}: a client certificate and its key go together (mTLS); set both or neither` };
  }
  for (const name of ['TEMPORAL_TLS_CERT_PATH', 'TEMPORAL_TLS_KEY_PATH', 'TEMPORAL_TLS_CA_PATH'] as const) {
    const problem = e[name] ? unreadablePem(e[name]) : null;
    if (problem) return { problem: `${name}: ${problem}` };
  }
  return {
    tls: {
      clientCertPath: e.TEMPORAL_TLS_CERT_PATH,
      clientKeyPath: e.TEMPORAL_TLS_KEY_PATH,
      caPath: e.TEMPORAL_TLS_CA_PATH,
      serverName: e.TEMPORAL_TLS_SERVER_NAME,
    },
    apiKey: e.TEMPORAL_API_KEY,
  };
}

function unreadablePem(file: string): string | null {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (error) {
    return `cannot read ${file} (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`;
  }
  return text.includes('-----BEGIN ') ? null : `${file} is not a PEM file (no -----BEGIN line)`;
}
