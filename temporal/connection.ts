import { Client, Connection, defaultGrpcRetryOptions, makeGrpcRetryInterceptor } from '@temporalio/client';
import { NativeConnection } from '@temporalio/worker';
import type { Config } from '../config';

const CONNECT_TIMEOUT_MS = 5_000;
/**
 * The SDK retries an unavailable server ten times, for seconds; a webhook waiting on that
 * holds MoniMe's connection open for nothing, since MoniMe redelivers anyway. Three
 * attempts ride out a blip (about 0.5 s) and then say 503.
 */
const GRPC_ATTEMPTS = 3;

/** Client side (API, ops CLI, activities that signal): bounded so a down server fails fast. */
export async function connectClient(address: string, namespace: string): Promise<{ connection: Connection; client: Client }> {
  const connection = await Connection.connect({
    address,
    connectTimeout: CONNECT_TIMEOUT_MS,
    interceptors: [makeGrpcRetryInterceptor(defaultGrpcRetryOptions({ maxAttempts: GRPC_ATTEMPTS }))],
  });
  return { connection, client: new Client({ connection, namespace }) };
}

/**
 * The configured cluster; `address` overrides it where the process started its own dev
 * server (TEMPORAL_ADDRESS unset).
 */
export function connectTemporal(config: Config, address = config.temporal.address): Promise<{ connection: Connection; client: Client }> {
  if (!address) throw new Error('no Temporal address: set TEMPORAL_ADDRESS or start the dev server first');
  return connectClient(address, config.temporal.namespace);
}

export function connectWorker(address: string): Promise<NativeConnection> {
  return NativeConnection.connect({ address });
}
