import type { Client } from '@temporalio/client';
import type { Db } from '../db/pool';
import type { MonimeClient } from '../monime/client';
import type { Logger } from '../observability/logger';

export interface ActivityDeps {
  db: Db;
  monime: MonimeClient;
  /** Used to signal-with-start the audit batchers. */
  temporal: Client;
  /** The main task queue; batchers run there. */
  taskQueue: string;
  platformFinancialAccountId: string;
  logger: Logger;
  /**
   * Where a payment's last status write puts the audit trail it carries: inserted beside the
   * write (the default), or signalled to the shard's batcher as every other audit event is
   * (the bench's ablation measures the difference).
   */
  auditTrailHandOver?: 'insert' | 'batcher';
}
