/**
 * Issue 13: fareflow against a Temporal server that requires TLS with client certificates
 * (mTLS, as a self-hosted production cluster or Temporal Cloud's mTLS does). The settings
 * come from the environment (TEMPORAL_TLS_*) and every connection — API, workers, activities'
 * client — uses them: a payment goes all the way to completed. Without a client certificate
 * the server refuses the connection.
 */
import fs from 'node:fs';
import path from 'node:path';
import { Client as PgClient } from 'pg';
import { connectClient } from '../../temporal/connection';
import { startTemporalOnPostgres, type RunningServer } from '../../temporal/server';
import { startStack, type Stack } from '../support/harness';
import { postWebhook, reserveTicket } from '../support/scenario';
import { TEST_DATA_DIR } from '../support/testServer';
import { makeTestCertificates, type TestCertificates } from '../support/tlsCertificates';
import { waitFor } from '../support/waitFor';

const DATABASE = `fareflow_tls_temporal_${process.pid}`;
const dir = path.join(TEST_DATA_DIR, `tls-${process.pid}`);
let certificates: TestCertificates;
let server: RunningServer;
let stack: Stack;

beforeAll(async () => {
  certificates = makeTestCertificates(path.join(dir, 'certs'));
  const clientTls = {
    serverNameOverride: certificates.serverName,
    serverRootCACertificate: fs.readFileSync(certificates.caFile),
    clientCertPair: {
      crt: fs.readFileSync(certificates.client.certFile),
      key: fs.readFileSync(certificates.client.keyFile),
    },
  };
  server = await startTemporalOnPostgres({
    configDir: path.join(dir, 'server'),
    database: {
      host: '127.0.0.1',
      port: 5432,
      user: 'postgres',
      password: '',
      names: { default: DATABASE, visibility: `${DATABASE}_visibility` },
    },
    namespace: 'default',
    frontendPort: 0,
    numHistoryShards: 1,
    tls: { ...certificates.server, caFile: certificates.caFile, serverName: certificates.serverName, systemWorker: certificates.client },
    clientTls,
    say: () => undefined,
  });
  stack = await startStack({
    temporalAddress: server.address,
    env: {
      TEMPORAL_TLS_CERT_PATH: certificates.client.certFile,
      TEMPORAL_TLS_KEY_PATH: certificates.client.keyFile,
      TEMPORAL_TLS_CA_PATH: certificates.caFile,
      TEMPORAL_TLS_SERVER_NAME: certificates.serverName,
      AUDIT_FLUSH_MS: '200',
    },
  });
}, 300_000);
afterAll(async () => {
  await stack?.stop();
  await server?.stop();
  const admin = new PgClient({ connectionString: 'postgres://postgres@127.0.0.1:5432/postgres' });
  await admin.connect();
  for (const name of [DATABASE, `${DATABASE}_visibility`]) await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
  await admin.end();
});

it('completes a payment with every connection over mTLS', async () => {
  expect(stack.config.temporal.access.tls).toMatchObject({ serverName: 'localhost', caPath: certificates.caFile });
  const reservation = await reserveTicket(stack, { commissionBps: 500, priceMinor: 20_000 });
  const paid = await stack.simulator.pay(reservation.paymentCodeId, { deliver: false });
  expect((await postWebhook(stack, paid.rawBody)).status).toBe(200);
  const transaction = await waitFor(
    async () => {
      const response = await stack.api(`/api/transactions/${paid.paymentId}`);
      const body = response.status === 200 ? ((await response.json()) as { status: string }) : null;
      return body?.status === 'completed' ? body : undefined;
    },
    { timeoutMs: 60_000, what: 'the transaction completed' },
  );
  expect(transaction.status).toBe('completed');
  expect(stack.simulator.ledger.transfersForTransaction(paid.paymentId).map((transfer) => transfer.amount.value)).toEqual([19_000]);
});

it('is refused without a client certificate', async () => {
  const attempt = connectClient(server.address, 'default', {
    tls: { caPath: certificates.caFile, serverName: certificates.serverName },
  }).then(async ({ connection, client }) => {
    try {
      return await client.workflowService.getSystemInfo({});
    } finally {
      await connection.close();
    }
  });
  await expect(attempt).rejects.toThrow();
});
