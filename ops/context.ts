import type { Client } from '@temporalio/client';
import { loadConfig, type Config } from '../config';
import { createPool, type Db } from '../db/pool';
import { findDatabaseUrl } from '../db/server/findDatabase';
import { connectClient } from '../temporal/connection';

export interface OpsContext {
  config: Config;
  client: Client;
  db: Db;
  close(): Promise<void>;
}

/** The CLI talks to TEMPORAL_ADDRESS, or to the dev server `npm start` runs. */
export async function openOpsContext(): Promise<OpsContext> {
  const config = loadConfig();
  const address = config.temporal.address ?? `127.0.0.1:${config.temporal.devPort}`;
  const { connection, client } = await connectClient(address, config.temporal.namespace, config.temporal.access).catch((error: Error) => {
    throw new OpsError(`cannot reach Temporal at ${address} (${error.message}): is it running, and is TEMPORAL_ADDRESS right?`);
  });
  const databaseUrl = await findDatabaseUrl(config).catch((error: Error) => {
    throw new OpsError(error.message);
  });
  const db = createPool(databaseUrl, 2);
  return {
    config,
    client,
    db,
    async close() {
      await connection.close();
      await db.end();
    },
  };
}

/** A failure the operator caused or can act on: printed without a stack, exit code 2. */
export class OpsError extends Error {}
