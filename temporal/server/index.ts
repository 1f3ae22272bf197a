import fs from 'node:fs';
import path from 'node:path';
import { Connection, type ConnectionOptions } from '@temporalio/client';
import { freeLowPort } from '../ports';
import { ensureServerBinaries } from './binaries';
import {
  DEFAULT_HISTORY_SHARDS,
  renderDynamicConfig,
  renderServerConfig,
  type FrontendTls,
  type ServerDatabase,
  type ServerPorts,
} from './config';
import { ensureNamespace } from './namespace';
import { startServerProcess, type RunningServer } from './process';
import { ensureServerSchema } from './schema';

export { DEFAULT_HISTORY_SHARDS, type FrontendTls, type ServerDatabase } from './config';
export { TEMPORAL_SERVER_VERSION } from './binaries';
export type { RunningServer } from './process';

export interface TemporalOnPostgresOptions {
  /** Where the rendered config and the server's log go. */
  configDir: string;
  database: ServerDatabase;
  namespace: string;
  /** The frontend's gRPC port; 0: any free port (tests). 7233 uses Temporal's standard ports for the rest. */
  frontendPort: number;
  numHistoryShards?: number;
  /** The server's own Prometheus endpoint; 0 or unset: none. */
  metricsPort?: number;
  tls?: FrontendTls;
  /** How a client connects when TLS is on (client certificate, CA, server name). */
  clientTls?: ConnectionOptions['tls'];
  say: (line: string) => void;
}

/**
 * A Temporal server on PostgreSQL, the way production runs one (minus the separate hosts per
 * service): built once, schema created or upgraded, config written, started, namespace and
 * search attributes registered.
 */
export async function startTemporalOnPostgres(opts: TemporalOnPostgresOptions): Promise<RunningServer> {
  const binaries = await ensureServerBinaries({ say: opts.say });
  await ensureServerSchema({ binaries, database: opts.database, say: opts.say });
  const ports = await choosePorts(opts.frontendPort, opts.metricsPort ?? 0);
  fs.mkdirSync(opts.configDir, { recursive: true });
  const dynamicConfigFile = path.join(opts.configDir, 'dynamicconfig.yaml');
  fs.writeFileSync(dynamicConfigFile, renderDynamicConfig());
  fs.writeFileSync(
    path.join(opts.configDir, 'fareflow.yaml'),
    renderServerConfig({
      database: opts.database,
      ports,
      numHistoryShards: opts.numHistoryShards ?? DEFAULT_HISTORY_SHARDS,
      dynamicConfigFile,
      tls: opts.tls,
    }),
  );
  const address = `127.0.0.1:${ports.frontend}`;
  const connect = () => Connection.connect({ address, tls: opts.clientTls, connectTimeout: 2_000 });
  const server = await startServerProcess({ serverBinary: binaries.server, configDir: opts.configDir, address, connect });
  try {
    const connection = await connect();
    try {
      await ensureNamespace(connection, opts.namespace);
    } finally {
      await connection.close();
    }
  } catch (error) {
    await server.stop();
    throw error;
  }
  return server;
}

/** Temporal's standard ports beside 7233 (what operators expect); any free ones otherwise. */
async function choosePorts(frontend: number, metrics: number): Promise<ServerPorts> {
  if (frontend === 7233) {
    return {
      frontend,
      frontendHttp: 7243,
      history: 7234,
      matching: 7235,
      worker: 7239,
      membership: { frontend: 6933, history: 6934, matching: 6935, worker: 6939 },
      metrics,
    };
  }
  const free = () => freeLowPort();
  return {
    frontend: frontend || (await free()),
    frontendHttp: await free(),
    history: await free(),
    matching: await free(),
    worker: await free(),
    membership: { frontend: await free(), history: await free(), matching: await free(), worker: await free() },
    metrics,
  };
}
