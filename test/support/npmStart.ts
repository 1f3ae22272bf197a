import { spawn, type ChildProcess } from 'node:child_process';
import { DEV_API_TOKEN } from '../../config';
import { DEMO_ROUTE_ID } from '../../db/queries/seed';
import { freePort } from './freePort';
import { ROOT, nodeScript } from './nodeScript';
import { testCliPath } from './testServer';
import { waitFor } from './waitFor';

export interface NpmStartPorts {
  api: number;
  temporal: number;
  ui: number;
  simulator: number;
  metrics: number;
}

/**
 * The environment of an `npm start` that runs beside the suite: its own free ports and data
 * folder, the run's Temporal CLI, and nothing else of this process's environment but `extra`.
 */
export async function npmStartEnvironment(
  dataDir: string,
  extra: Record<string, string>,
): Promise<{ ports: NpmStartPorts; env: Record<string, string> }> {
  const ports: NpmStartPorts = {
    api: await freePort(),
    temporal: await freePort(),
    ui: await freePort(),
    simulator: await freePort(),
    metrics: await freePort(),
  };
  const env = {
    PATH: process.env.PATH ?? '',
    HOME: process.env.HOME ?? '',
    PORT: String(ports.api),
    TEMPORAL_DEV_PORT: String(ports.temporal),
    TEMPORAL_UI_PORT: String(ports.ui),
    SIMULATOR_PORT: String(ports.simulator),
    WORKER_METRICS_PORT: String(ports.metrics),
    TEMPORAL_CLI_PATH: testCliPath(),
    DATA_DIR: dataDir,
    ...extra,
  };
  return { ports, env };
}

export interface StartedNpmStart {
  child: ChildProcess;
  output(): string;
  exited: Promise<number | null>;
}

/** `npm start` (scripts/start.ts, as the package script runs it) with exactly `env`, awaited until its ready banner. */
export function npmStart(env: Record<string, string>): Promise<StartedNpmStart> {
  const start = nodeScript('scripts/start.ts');
  const child = spawn(start.command, start.args, { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return waitFor(
    () => {
      if (child.exitCode !== null) throw new Error(`npm start exited with ${child.exitCode}:\n${output}`);
      return output.includes('Ctrl-C stops everything') ? { child, output: () => output, exited } : undefined;
    },
    { timeoutMs: 120_000, what: 'the ready banner of npm start' },
  ).catch((error) => {
    child.kill('SIGKILL');
    throw new Error(`${(error as Error).message}\n${output}`);
  });
}

/** Ctrl-C: SIGINT to the process; resolves with its exit code. */
export async function stopWithCtrlC(started: StartedNpmStart): Promise<number | null> {
  started.child.kill('SIGINT');
  return started.exited;
}

/**
 * The README's curl example against a running `npm start`: reserve a ticket on the seeded demo
 * route, pay its code through the simulator, and await the transaction's completion.
 */
export async function readmeReserveAndPay(ports: { api: number; simulator: number }) {
  const api = (route: string, init: RequestInit = {}) =>
    fetch(`http://127.0.0.1:${ports.api}${route}`, {
      ...init,
      headers: { authorization: `Bearer ${DEV_API_TOKEN}`, 'content-type': 'application/json' },
    });
  const reserved = await api('/api/tickets', {
    method: 'POST',
    body: JSON.stringify({ routeId: DEMO_ROUTE_ID, passengerName: 'Aminata Kamara', passengerPhone: '+23276123456' }),
  });
  if (reserved.status !== 201) throw new Error(`reserving answered ${reserved.status}: ${await reserved.text()}`);
  const { ticket, paymentCode } = (await reserved.json()) as { ticket: { id: string }; paymentCode: { id: string } };
  const paid = (await (
    await fetch(`http://127.0.0.1:${ports.simulator}/_sim/payment-codes/${paymentCode.id}/pay`, { method: 'POST' })
  ).json()) as { paymentId: string };
  const transaction = await waitFor(
    async () => {
      const body = (await (await api(`/api/transactions/${paid.paymentId}`)).json()) as { status?: string; net?: number };
      return body.status === 'completed' ? (body as { status: string; net: number }) : undefined;
    },
    { timeoutMs: 30_000, what: 'the demo payment completed' },
  );
  const ticketStatus = ((await (await api(`/api/tickets/${ticket.id}`)).json()) as { status: string }).status;
  const ledger = (await (await fetch(`http://127.0.0.1:${ports.simulator}/_sim/ledger`)).json()) as {
    transfers: Array<{ metadata: { transactionId: string }; amount: { value: number } }>;
  };
  const transfers = ledger.transfers.filter((transfer) => transfer.metadata.transactionId === paid.paymentId).map((t) => t.amount.value);
  return { ticketId: ticket.id, ticketStatus, paymentId: paid.paymentId, net: transaction.net, transfers };
}
