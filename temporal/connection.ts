import { Client, Connection } from '@temporalio/client';
import { NativeConnection } from '@temporalio/worker';
import type { Config } from '../config';

const CONNECT_TIMEOUT_MS = 5_000;

/** Client side (API, ops CLI, activities that signal): bounded so a down server fails fast. */
export async function connectClient(address: string, namespace: string): Promise<{ connection: Connection; client: Client }> {
  const connection = await Connection.connect({ address, connectTimeout: CONNECT_TIMEOUT_MS });
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
