import type { Client } from '@temporalio/client';
import type { Db } from '../db/pool';
import type { RunningSimulator } from '../simulator';

/** What the bench drives and reads, whatever the topology: where to post, and where the truth is. */
export interface BenchTarget {
  /** `embedded`, `cluster`, or an ablation variant's name. */
  name: string;
  /** Webhooks and reservations go round-robin over these. */
  apiUrls: string[];
  apiToken: string;
  webhookSecret: string;
  /** MoniMe: its ledger is what was really paid out. */
  simulator: RunningSimulator;
  db: Db;
  client: Client;
  /** Lines describing the parts (printed, and kept in the report). */
  describe: string[];
  stop(): Promise<void>;
}
