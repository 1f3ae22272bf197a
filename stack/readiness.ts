import type { Connection } from '@temporalio/client';
import type { Readiness } from '../api/routes/health';
import type { Db } from '../db/pool';
import { withinDeadline } from './withinDeadline';

/**
 * /readyz must answer while a dependency hangs (a blackholed host, a full pool), or the
 * orchestrator that asks it would wait too: each check gets a deadline of its own.
 */
export function createReadiness(connection: Connection, db: Db, deadlineMs = 2_000): Readiness {
  return {
    temporal: async () => {
      await connection.withDeadline(Date.now() + deadlineMs, () => connection.workflowService.getSystemInfo({}));
      return true;
    },
    postgres: () =>
      withinDeadline(
        db.query('SELECT 1').then(() => true),
        deadlineMs,
        () => new Error(`no answer within ${deadlineMs} ms`),
      ),
  };
}
