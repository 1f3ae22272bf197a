/**
 * The Temporal server's static config for one process running all four services (frontend,
 * history, matching, worker) on PostgreSQL: what `npm run temporal:server` and the cluster
 * tests run. Rendered from typed options so a test can read what a choice produces.
 */

export interface ServerPorts {
  frontend: number;
  frontendHttp: number;
  history: number;
  matching: number;
  worker: number;
  /** Ringpop membership, one per service. */
  membership: { frontend: number; history: number; matching: number; worker: number };
  /** Prometheus scrape endpoint of the server's own metrics; 0: none. */
  metrics: number;
}

export interface ServerDatabase {
  host: string;
  port: number;
  user: string;
  password: string;
  /** The history/persistence database and the visibility database. */
  names: { default: string; visibility: string };
}

/** Frontend TLS: the certificate it presents, and the CA its clients' certificates must chain to. */
export interface FrontendTls {
  certFile: string;
  keyFile: string;
  caFile: string;
  /** The name in the server certificate, for the server's own worker service connecting to its frontend. */
  serverName: string;
  /** The server's internal worker connects with this client certificate when client auth is required. */
  systemWorker: { certFile: string; keyFile: string };
}

export interface ServerConfigOptions {
  database: ServerDatabase;
  ports: ServerPorts;
  /**
   * Fixed for the life of the cluster: the persistence is partitioned by it and it can never be
   * changed later. See DEFAULT_HISTORY_SHARDS.
   */
  numHistoryShards: number;
  dynamicConfigFile: string;
  tls?: FrontendTls;
}

/**
 * A shard is the unit of history ownership: every workflow maps to one, and each shard's writes
 * are serialised. Few shards cap throughput (the template's 4 lets a host run 4 histories'
 * updates at once); many cost memory and idle database polling per shard. 16 is ample for one
 * history host on a laptop or CI machine; production starts at 512 (Temporal's guidance for a
 * small cluster) because the number can never grow.
 */
export const DEFAULT_HISTORY_SHARDS = 16;

const quote = (text: string) => JSON.stringify(text);

function datastore(db: ServerDatabase, name: string, maxConns: number): string {
  return `      sql:
        pluginName: "postgres12"
        databaseName: ${quote(name)}
        connectAddr: ${quote(`${db.host}:${db.port}`)}
        connectProtocol: "tcp"
        user: ${quote(db.user)}
        password: ${quote(db.password)}
        maxConns: ${maxConns}
        maxIdleConns: ${maxConns}
        maxConnLifetime: "1h"`;
}

function tlsSection(tls: FrontendTls): string {
  return `  tls:
    frontend:
      server:
        certFile: ${quote(tls.certFile)}
        keyFile: ${quote(tls.keyFile)}
        requireClientAuth: true
        clientCaFiles: [${quote(tls.caFile)}]
      client:
        serverName: ${quote(tls.serverName)}
        rootCaFiles: [${quote(tls.caFile)}]
    systemWorker:
      certFile: ${quote(tls.systemWorker.certFile)}
      keyFile: ${quote(tls.systemWorker.keyFile)}
      client:
        serverName: ${quote(tls.serverName)}
        rootCaFiles: [${quote(tls.caFile)}]
`;
}

function service(grpcPort: number, membershipPort: number, extra = ''): string {
  return `    rpc:
      grpcPort: ${grpcPort}
      membershipPort: ${membershipPort}
      bindOnLocalHost: true${extra}`;
}

export function renderServerConfig(opts: ServerConfigOptions): string {
  const { database: db, ports } = opts;
  const metrics = ports.metrics
    ? `  metrics:
    prometheus:
      framework: "tally"
      timerType: "histogram"
      listenAddress: "127.0.0.1:${ports.metrics}"
`
    : '';
  return `# Written by fareflow (temporal/server/config.ts); rewritten on every start.
log:
  stdout: true
  level: warn

persistence:
  defaultStore: default
  visibilityStore: visibility
  numHistoryShards: ${opts.numHistoryShards}
  datastores:
    default:
${datastore(db, db.names.default, 20)}
    visibility:
${datastore(db, db.names.visibility, 5)}

global:
  membership:
    maxJoinDuration: 30s
    broadcastAddress: "127.0.0.1"
${metrics}${opts.tls ? tlsSection(opts.tls) : ''}
services:
  frontend:
${service(ports.frontend, ports.membership.frontend, `\n      httpPort: ${ports.frontendHttp}`)}
  history:
${service(ports.history, ports.membership.history)}
  matching:
${service(ports.matching, ports.membership.matching)}
  worker:
${service(ports.worker, ports.membership.worker)}

clusterMetadata:
  enableGlobalNamespace: false
  failoverVersionIncrement: 10
  masterClusterName: "active"
  currentClusterName: "active"
  clusterInformation:
    active:
      enabled: true
      initialFailoverVersion: 1
      rpcName: "frontend"
      rpcAddress: "127.0.0.1:${ports.frontend}"

dcRedirectionPolicy:
  policy: "noop"

dynamicConfigClient:
  filepath: ${quote(opts.dynamicConfigFile)}
  pollInterval: "10s"
`;
}

/**
 * Dynamic config: a namespace registered at start is usable within a second instead of the
 * default ten (the namespace cache refresh), and workflow ids up to 255 characters as on the
 * dev server.
 */
export function renderDynamicConfig(): string {
  return `system.namespaceCacheRefreshInterval:
  - value: 1s
limit.maxIDLength:
  - value: 255
`;
}
