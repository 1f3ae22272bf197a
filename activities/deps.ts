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
}
