import fs from 'node:fs';
import { Client, Connection, defaultGrpcRetryOptions, makeGrpcRetryInterceptor, type TLSConfig } from '@temporalio/client';
import { NativeConnection } from '@temporalio/worker';
import type { Config } from '../config';
import type { TemporalAccess } from '../config/temporalAccess';

const CONNECT_TIMEOUT_MS = 5_000;
/**
 * The SDK retries an unavailable server ten times, for seconds; a webhook waiting on that
 * holds MoniMe's connection open for nothing, since MoniMe redelivers anyway. Three
 * attempts ride out a blip (about 0.5 s) and then say 503.
 */
const GRPC_ATTEMPTS = 3;

const PLAINTEXT: TemporalAccess = { tls: false };

/** The SDK's TLS options from the configured files, read at connect time (a rotated certificate is picked up on restart). */
export function tlsOptions(access: TemporalAccess): TLSConfig | false {
  if (!access.tls) return false;
  const { clientCertPath, clientKeyPath, caPath, serverName } = access.tls;
  return {
    serverNameOverride: serverName,
    serverRootCACertificate: caPath ? fs.readFileSync(caPath) : undefined,
    clientCertPair:
      clientCertPath && clientKeyPath ? { crt: fs.readFileSync(clientCertPath), key: fs.readFileSync(clientKeyPath) } : undefined,
  };
}

/** Client side (API, ops CLI, activities that signal): bounded so a down server fails fast. */
export async function connectClient(
  address: string,
  namespace: string,
  access: TemporalAccess = PLAINTEXT,
): Promise<{ connection: Connection; client: Client }> {
  const connection = await Connection.connect({
    address,
    tls: tlsOptions(access),
    apiKey: access.apiKey,
    connectTimeout: CONNECT_TIMEOUT_MS,
    interceptors: [makeGrpcRetryInterceptor(defaultGrpcRetryOptions({ maxAttempts: GRPC_ATTEMPTS }))],
  });
  return { connection, client: new Client({ connection, namespace }) };
}

/**
 * The configured cluster; `address` overrides it where the process started its own dev
 * server (TEMPORAL_ADDRESS unset, and then always plaintext).
 */
export function connectTemporal(config: Config, address = config.temporal.address): Promise<{ connection: Connection; client: Client }> {
  if (!address) throw new Error('no Temporal address: set TEMPORAL_ADDRESS or start the dev server first');
  return connectClient(address, config.temporal.namespace, config.temporal.access);
}

export function connectWorker(address: string, access: TemporalAccess = PLAINTEXT): Promise<NativeConnection> {
  return NativeConnection.connect({ address, tls: tlsOptions(access), apiKey: access.apiKey });
}
