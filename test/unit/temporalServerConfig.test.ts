import { DEFAULT_HISTORY_SHARDS, renderServerConfig, type ServerConfigOptions } from '../../temporal/server/config';

const options: ServerConfigOptions = {
  database: {
    host: '127.0.0.1',
    port: 5432,
    user: 'postgres',
    password: '',
    names: { default: 'temporal', visibility: 'temporal_visibility' },
  },
  ports: {
    frontend: 7233,
    frontendHttp: 7243,
    history: 7234,
    matching: 7235,
    worker: 7239,
    membership: { frontend: 6933, history: 6934, matching: 6935, worker: 6939 },
    metrics: 0,
  },
  numHistoryShards: DEFAULT_HISTORY_SHARDS,
  dynamicConfigFile: '/tmp/dynamicconfig.yaml',
};

describe('the Temporal server config', () => {
  it('puts persistence and visibility on PostgreSQL with the chosen history shards', () => {
    const yaml = renderServerConfig(options);
    expect(yaml).toContain(`numHistoryShards: ${DEFAULT_HISTORY_SHARDS}`);
    expect(yaml.match(/pluginName: "postgres12"/g)).toHaveLength(2);
    expect(yaml).toContain('databaseName: "temporal_visibility"');
    expect(yaml).toContain('rpcAddress: "127.0.0.1:7233"');
    expect(yaml).not.toContain('tls:');
    expect(yaml).not.toContain('prometheus');
  });

  it('requires client certificates on the frontend when TLS is configured, and gives the system worker one', () => {
    const yaml = renderServerConfig({
      ...options,
      ports: { ...options.ports, metrics: 8000 },
      tls: {
        certFile: '/c/server.pem',
        keyFile: '/c/server.key',
        caFile: '/c/ca.pem',
        serverName: 'localhost',
        systemWorker: { certFile: '/c/w.pem', keyFile: '/c/w.key' },
      },
    });
    expect(yaml).toContain('requireClientAuth: true');
    expect(yaml).toContain('clientCaFiles: ["/c/ca.pem"]');
    expect(yaml).toMatch(/systemWorker:\n\s+certFile: "\/c\/w.pem"/);
    expect(yaml).toContain('listenAddress: "127.0.0.1:8000"');
  });
});
