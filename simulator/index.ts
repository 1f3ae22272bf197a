import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from '../observability/logger';
import { expire, pay, type PayOptions, type PaymentDelivery } from './admin';
import { createSimulatorApp } from './app';
import { FaultController, type FaultConfig } from './faults';
import { Ledger } from './ledger';
import type { SimulatorState } from './state';
import type { Delivery } from './webhooks';

export type { FaultConfig } from './faults';
export type { LedgerTransfer } from './ledger';
export { FaultController } from './faults';
export { Ledger } from './ledger';

export interface SimulatorOptions {
  /** 0: a free port. */
  port?: number;
  host?: string;
  accessToken: string;
  spaceId: string;
  platformAccountId: string;
  webhookUrl?: string;
  webhookSecret: string;
  faults?: Partial<FaultConfig>;
  logger?: Logger;
  /**
   * `config.nodeEnv === 'production'`. Required, so that no caller can forget it: in
   * production the `/_sim/*` routes (they mint validly signed webhooks) are not served.
   */
  production: boolean;
}

export interface RunningSimulator {
  url: string;
  port: number;
  ledger: Ledger;
  faults: FaultController;
  setWebhookUrl(url: string): void;
  pay(paymentCodeId: string, opts?: PayOptions): Promise<PaymentDelivery>;
  expire(paymentCodeId: string, opts?: { eventId?: string; deliver?: boolean }): Promise<Delivery & { eventId: string }>;
  close(): Promise<void>;
}

export async function startSimulator(options: SimulatorOptions): Promise<RunningSimulator> {
  const state: SimulatorState = {
    ledger: new Ledger(),
    faults: new FaultController(options.faults),
    paymentCodes: new Map(),
    idempotency: new Map(),
    settings: {
      accessToken: options.accessToken,
      spaceId: options.spaceId,
      platformAccountId: options.platformAccountId,
      webhookSecret: options.webhookSecret,
      webhookUrl: options.webhookUrl,
    },
    timers: new Set(),
  };
  const app = createSimulatorApp(state, { production: options.production });
  app.on('error', (error) => options.logger?.warn({ err: error }, 'simulator request failed'));
  const host = options.host ?? '127.0.0.1';
  const server: Server = await new Promise((resolve, reject) => {
    const listening = app.listen(options.port ?? 0, host, () => resolve(listening));
    listening.once('error', reject);
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://${host}:${port}`,
    port,
    ledger: state.ledger,
    faults: state.faults,
    setWebhookUrl: (url) => {
      state.settings.webhookUrl = url;
    },
    pay: (codeId, opts) => pay(state, codeId, opts),
    expire: (codeId, opts) => expire(state, codeId, opts),
    close: async () => {
      for (const timer of state.timers) clearTimeout(timer);
      state.timers.clear();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
