/**
 * The bench's smoke (issue 12 item 4): a hundred payments through the bench's own code — one
 * open-loop rate step (10/s for 4 s) and one burst of 60 (five times what the receiver holds),
 * webhooks redelivered on 503 — against a test stack.
 * Asserts correctness only, never speed: every payment acknowledged and settled exactly once
 * in MoniMe's ledger, none lost or doubled, and the report files written.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ledgerByPayment } from '../../bench/measure';
import { ProgressLine } from '../../bench/progress';
import { machine, topologyRun, writeReports } from '../../bench/report';
import { runPlan } from '../../bench/steps';
import type { BenchTarget } from '../../bench/target';
import { startStack, type Stack } from '../support/harness';

let stack: Stack;
let outDir: string;
beforeAll(async () => {
  stack = await startStack({
    env: {
      TRANSFER_RATE_PER_MINUTE: '600000',
      // A small receiver, so the burst is partly refused and the sender's redelivery is exercised too.
      WEBHOOK_MAX_IN_FLIGHT: '4',
      WEBHOOK_MAX_WAITING: '8',
    },
  });
  outDir = fs.mkdtempSync(path.join(os.tmpdir(), 'fareflow-bench-smoke-'));
}, 120_000);
afterAll(async () => {
  await stack?.stop();
  if (outDir) fs.rmSync(outDir, { recursive: true, force: true });
});

test('a rate step and a burst settle every payment exactly once, and the reports are written', async () => {
  const target: BenchTarget = {
    name: 'smoke',
    apiUrls: [stack.apiUrl],
    apiToken: stack.config.apiToken,
    webhookSecret: stack.config.monime.webhookSecrets[0],
    simulator: stack.simulator,
    db: stack.db,
    client: stack.client,
    describe: ['the test stack'],
    stop: async () => undefined,
  };
  const steps = await runPlan({
    target,
    steps: [
      { kind: 'rate', ratePerSecond: 10, durationSeconds: 4 },
      { kind: 'burst', payments: 60 },
    ],
    progress: new ProgressLine(true),
    historySamples: 2,
  });

  expect(steps.map((step) => step.offered)).toEqual([40, 60]);
  for (const step of steps) {
    expect({ step: step.step, acked: step.acked, settled: step.settled, lost: step.lost, doubled: step.doubled }).toEqual({
      step: step.step,
      acked: step.offered,
      settled: step.offered,
      lost: 0,
      doubled: 0,
    });
  }
  // The CPU each program spent per payment was read off /proc: the Node process and the dev server both worked.
  for (const step of steps) {
    expect(step.cpuMsPerPayment?.node).toBeGreaterThan(0);
    expect(step.cpuMsPerPayment?.temporal).toBeGreaterThan(0);
  }
  // Against the ledger directly: one transfer per payment, for every payment the steps sent.
  const { rows } = await stack.db.query<{ id: string }>(`SELECT id FROM transactions`);
  expect(rows).toHaveLength(100);
  const transfers = ledgerByPayment(stack.simulator.ledger, new Set(rows.map((row) => row.id)));
  expect([...transfers.values()].filter((entry) => entry.count === 1)).toHaveLength(100);
  expect(stack.simulator.ledger.distinctTransfers()).toBe(100);

  const files = writeReports(
    {
      at: new Date().toISOString(),
      machine: machine(),
      plan: { steps: [], quick: true },
      runs: [topologyRun('smoke', [], steps)],
      ablation: [],
    },
    outDir,
  );
  for (const file of Object.values(files)) expect(fs.statSync(file).size).toBeGreaterThan(0);
  expect(JSON.parse(fs.readFileSync(files.json, 'utf8')).runs[0].steps).toHaveLength(2);
  expect(fs.readFileSync(files.md, 'utf8')).toContain('| burst 60 | smoke |');
  expect(fs.readFileSync(files.svg, 'utf8')).toMatch(/^<svg [^]*<\/svg>\n$/);
}, 300_000);
