/**
 * `npm run bench`: how fast fareflow acknowledges webhooks and settles payments on this
 * machine, on the same real parts as production (Temporal dev server, PostgreSQL, HTTP
 * simulator). Prints its figures and writes bench/reports/<time>.{json,md}.
 *   npm run bench -- --payments 500 --concurrency 20   (the defaults)
 *   npm run bench -- --temporal-data /dev/shm           (the dev server's SQLite file on tmpfs:
 *                                                         takes its disk syncs out of the figures)
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Client as PgClient } from 'pg';
import {
  DEV_MONIME_ACCESS_TOKEN,
  DEV_MONIME_SPACE_ID,
  DEV_WEBHOOK_SECRET,
  SIMULATOR_PLATFORM_ACCOUNT_ID,
  loadConfig,
  type Config,
} from '../config';
import { auditBatcherWorkflowId, batcherStatsQuery } from '../contract';
import { onDatabase } from '../db/server/findDatabase';
import { signMonimeWebhook } from '../monime/signature';
import { createLogger } from '../observability/logger';
import { assembleFareflow } from '../stack/assemble';
import { describeDatabase, type DatabasePart, type RunningDatabase } from '../stack/startDatabase';
import { Stopper } from '../stack/stopper';
import { benchSettings } from './settings';

const say = (line: string) => process.stdout.write(`${line}\n`);
const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];

async function pool<T>(items: T[], limit: number, work: (item: T, index: number) => Promise<void>) {
  let next = 0;
  await Promise.all(
    Array.from({ length: limit }, async () => {
      while (next < items.length) {
        const i = next++;
        await work(items[i], i);
      }
    }),
  );
}

/** The bench stops by itself: a wait that does not end in ten minutes fails the run. */
async function until(what: string, done: () => Promise<boolean>, timeoutMs = 600_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await done())) {
    if (Date.now() > deadline) throw new Error(`gave up waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

/** DATABASE_URL and LOCAL_POSTGRES_ADDRESS from the environment; the database itself is the bench's. */
function benchDatabase(env: Config, databaseName: string, pgdata: string): DatabasePart {
  if (env.databaseUrl) return { url: onDatabase(env.databaseUrl, databaseName) };
  return { localOrEmbedded: { localAddress: env.localPostgresAddress, pgdata, databaseName, startEmbedded: true } };
}

async function main() {
  const { payments: N, concurrency, temporalData } = benchSettings();
  const dataDir = fs.mkdtempSync(path.join(temporalData, 'fareflow-bench-'));
  fs.chmodSync(dataDir, 0o755); // as root, an embedded PostgreSQL runs as the `postgres` user, which must enter it
  const databaseName = `fareflow_bench_${Date.now()}`;
  // Its own database on DATABASE_URL's server, else the local one, else an embedded one in the bench folder.
  const database = benchDatabase(loadConfig(), databaseName, path.join(dataDir, 'postgresql'));
  let used: RunningDatabase | null = null;
  const logger = createLogger('warn', 'bench');
  // Stopped last, after the stack the assembler adds on top of them.
  const stopper = new Stopper(logger);
  stopper.add('bench Temporal data', () => fs.rmSync(dataDir, { recursive: true, force: true }));
  stopper.add('bench database', async () => {
    if (used?.source !== 'DATABASE_URL' && used?.source !== 'local') return; // an embedded server's files go with the bench folder
    const admin = new PgClient({ connectionString: onDatabase(used.url, 'postgres') });
    await admin.connect();
    await admin.query(`DROP DATABASE IF EXISTS "${databaseName}" WITH (FORCE)`);
    await admin.end();
  });

  const config = loadConfig({
    PORT: '0',
    TEMPORAL_TASK_QUEUE: 'bench',
    MONIME_ACCESS_TOKEN: DEV_MONIME_ACCESS_TOKEN,
    MONIME_SPACE_ID: DEV_MONIME_SPACE_ID,
    PLATFORM_FINANCIAL_ACCOUNT_ID: SIMULATOR_PLATFORM_ACCOUNT_ID,
    TRANSFER_RATE_PER_MINUTE: '600000',
    LOG_LEVEL: 'warn',
  });
  const fareflow = await assembleFareflow({
    config,
    logger,
    stopper,
    say,
    workerRuntime: {},
    temporal: { devServer: { dataDir, port: 17_633, uiPort: 18_633 } },
    database,
    migrate: true,
    monime: { simulator: { port: 0 } },
  });
  used = fareflow.database;
  say(`PostgreSQL: ${describeDatabase(fareflow.database, config)}`);
  const simulator = fareflow.simulator!;
  const api = fareflow.api!.url;
  const headers = { authorization: `Bearer ${config.apiToken}`, 'content-type': 'application/json' };

  try {
    const company = (await (
      await fetch(`${api}/api/companies`, {
        method: 'POST',
        headers,
        body: JSON.stringify({ name: 'Bench Lines', financialAccountId: 'fac-bench', commissionBps: 250 }),
      })
    ).json()) as { id: string };
    const route = (await (
      await fetch(`${api}/api/companies/${company.id}/routes`, {
        method: 'POST',
        headers,
        body: JSON.stringify({ origin: 'Freetown', destination: 'Kenema', priceMinor: 12_000, currency: 'SLE' }),
      })
    ).json()) as { id: string };

    const reserveStarted = Date.now();
    const codes: string[] = new Array(N);
    await pool(codes, concurrency, async (_, i) => {
      const body = (await (
        await fetch(`${api}/api/tickets`, {
          method: 'POST',
          headers,
          body: JSON.stringify({ routeId: route.id, passengerName: 'Bench', passengerPhone: '+23278000000' }),
        })
      ).json()) as { paymentCode: { id: string } };
      codes[i] = body.paymentCode.id;
    });
    const reserveMs = Date.now() - reserveStarted;

    const envelopes = await Promise.all(codes.map((code) => simulator.pay(code, { deliver: false })));
    const acks: number[] = [];
    const statuses = new Map<number, number>();
    const webhookStarted = Date.now();
    await pool(envelopes, concurrency, async (envelope) => {
      const t0 = performance.now();
      const response = await fetch(`${api}/webhooks/monime`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'monime-signature': signMonimeWebhook(DEV_WEBHOOK_SECRET, envelope.rawBody, Math.floor(Date.now() / 1000)),
        },
        body: envelope.rawBody,
      });
      await response.arrayBuffer();
      acks.push(performance.now() - t0);
      statuses.set(response.status, (statuses.get(response.status) ?? 0) + 1);
    });
    const webhookMs = Date.now() - webhookStarted;
    // Where an ack's time goes: the API's own histograms (server side, no client overhead).
    const metricsText = await (await fetch(`${api}/metrics`)).text();
    const meanMs = (name: string) => {
      const sum = Number(metricsText.match(new RegExp(`^${name}_sum(?:\\{[^}]*\\})? (\\S+)$`, 'm'))?.[1]);
      const count = Number(metricsText.match(new RegExp(`^${name}_count(?:\\{[^}]*\\})? (\\S+)$`, 'm'))?.[1]);
      return count > 0 ? +((sum / count) * 1000).toFixed(1) : null;
    };
    const serverAckMeanMs = meanMs('fareflow_webhook_ack_seconds');
    const temporalStartMeanMs = meanMs('fareflow_temporal_start_seconds');

    const ids = envelopes.map((envelope) => envelope.paymentId);
    await until(`all ${N} transactions completed`, async () => {
      const { rows } = await fareflow.db.query(`SELECT count(*)::int AS n FROM transactions WHERE status = 'completed' AND id = ANY($1)`, [
        ids,
      ]);
      return rows[0].n === N;
    });
    const settleMs = Date.now() - webhookStarted;
    const transfers = simulator.ledger.distinctTransfers();

    // Every completed transaction leaves five audit events; the batchers write them a moment later.
    const expectedEvents = N * 5;
    await until(`${expectedEvents} audit rows`, async () => {
      const { rows } = await fareflow.db.query(`SELECT count(*)::int AS n FROM audit_logs WHERE entity_id = ANY($1)`, [ids]);
      return rows[0].n >= expectedEvents;
    });
    const auditedMs = Date.now() - webhookStarted;
    const stats = await Promise.all(
      Array.from({ length: config.audit.shards }, (_, shard) =>
        fareflow.client.workflow
          .getHandle(auditBatcherWorkflowId('bench', shard))
          .query(batcherStatsQuery)
          .catch(() => null),
      ),
    );
    const flushes = stats.reduce((sum, s) => sum + (s?.flushes ?? 0), 0);
    const flushed = stats.reduce((sum, s) => sum + (s?.totalFlushed ?? 0), 0);

    const sorted = [...acks].sort((a, b) => a - b);
    const report = {
      at: new Date().toISOString(),
      machine: { cpus: os.cpus().length, memoryGiB: Math.round(os.totalmem() / 2 ** 30), temporalData },
      payments: N,
      concurrency,
      reservation: { totalMs: reserveMs, perSecond: +(N / (reserveMs / 1000)).toFixed(1) },
      webhookAck: {
        statuses: Object.fromEntries(statuses),
        p50Ms: +percentile(sorted, 50).toFixed(1),
        p95Ms: +percentile(sorted, 95).toFixed(1),
        p99Ms: +percentile(sorted, 99).toFixed(1),
        maxMs: +sorted[sorted.length - 1].toFixed(1),
        perSecond: +(N / (webhookMs / 1000)).toFixed(1),
        serverMeanMs: serverAckMeanMs,
        temporalStartMeanMs,
      },
      settlement: { allCompletedMs: settleMs, perSecond: +(N / (settleMs / 1000)).toFixed(1), transfers },
      audit: {
        events: flushed,
        inserts: flushes,
        eventsPerInsert: flushes ? +(flushed / flushes).toFixed(1) : null,
        allWrittenMs: auditedMs,
      },
    };
    const outDir = path.join(__dirname, 'reports');
    fs.mkdirSync(outDir, { recursive: true });
    const stamp = report.at.replace(/[:.]/g, '-');
    fs.writeFileSync(path.join(outDir, `${stamp}.json`), `${JSON.stringify(report, null, 2)}\n`);
    const md = [
      `# fareflow bench ${report.at}`,
      '',
      `${N} payments, ${concurrency} concurrent, ${report.machine.cpus} CPUs, Temporal dev server state under ${temporalData}`,
      '',
      '| measure | value |',
      '| --- | --- |',
      `| reservations (API + MoniMe payment code) | ${report.reservation.perSecond}/s |`,
      `| webhook ack p50 / p95 / p99 / max | ${report.webhookAck.p50Ms} / ${report.webhookAck.p95Ms} / ${report.webhookAck.p99Ms} / ${report.webhookAck.maxMs} ms |`,
      `| webhooks acknowledged | ${report.webhookAck.perSecond}/s (${JSON.stringify(report.webhookAck.statuses)}) |`,
      `| ack mean inside the API / of which Temporal start | ${serverAckMeanMs} / ${temporalStartMeanMs} ms |`,
      `| payments settled (ticket, transfer, completed) | ${report.settlement.perSecond}/s, all ${N} in ${settleMs} ms |`,
      `| transfers in MoniMe's ledger | ${transfers} |`,
      `| audit events per INSERT | ${report.audit.eventsPerInsert} (${flushed} events in ${flushes} inserts, all written ${auditedMs} ms after the first webhook) |`,
    ].join('\n');
    fs.writeFileSync(path.join(outDir, `${stamp}.md`), `${md}\n`);
    say(md);
    say(`\nreport: bench/reports/${stamp}.{json,md}`);
  } finally {
    await fareflow.stop();
  }
}

main().catch((error) => {
  process.stderr.write(`bench failed: ${(error as Error).stack ?? error}\n`);
  process.exit(1);
});
