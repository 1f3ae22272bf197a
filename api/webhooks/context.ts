import type { Client } from '@temporalio/client';
import type { Config } from '../../config';
import type { Db } from '../../db/pool';
import type { ApiMetrics } from '../../observability/metrics';
import type { AuditSettings, TransactionSettings } from '../../contract';
import type { TemporalSlots } from './temporalSlots';

export interface WebhookDeps {
  config: Config;
  db: Db;
  temporal: Client;
  metrics: ApiMetrics;
  /** The process's bounded Temporal slots; without them, calls are not limited. */
  slots?: TemporalSlots;
  /**
   * A client on the workers' NativeConnection, where they share this process: transaction
   * workflows are then started eagerly (config.temporal.eagerStart), their first workflow task
   * handed straight to the worker in the start's answer.
   */
  eagerStarts?: Client;
}

export type WebhookResult = { status: 'accepted' | 'duplicate'; workflowId: string } | { status: 'ignored' };

export function transactionSettings(config: Config): TransactionSettings {
  return {
    stallTimeoutSeconds: config.stallTimeoutSeconds,
    // No timer per payment: the workers' stall sweeper signals a stalled one (workers/stallSweepSchedule.ts).
    stallWatch: 'sweeper',
    shape: 2,
    transferPollAfterSeconds: config.transfers.pollAfterSeconds,
    transferGiveUpAfterMinutes: config.transfers.giveUpAfterMinutes,
    transferAttemptTimeoutSeconds: config.transfers.attemptTimeoutSeconds,
    auditShards: config.audit.shards,
    auditBatchSize: config.audit.batchSize,
    auditFlushMs: config.audit.flushMs,
  };
}

/** What a releaseReservation run needs to audit. */
export function auditSettings(config: Config): AuditSettings {
  return { auditShards: config.audit.shards, auditBatchSize: config.audit.batchSize, auditFlushMs: config.audit.flushMs };
}
