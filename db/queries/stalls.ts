import type { Db } from '../pool';

/**
 * Of these transactions — listed by the stall sweeper as still `processing` in Temporal and
 * started more than `stallTimeoutSeconds` ago — the ones that have stalled, by what the
 * database knows of their progress. Time spent waiting for a turn in the rate-limited
 * transfer queue is not stalling: under a long peak every payment waits there by design
 * (MoniMe allows TRANSFER_RATE_PER_MINUTE), and calling them all stalled would hand an
 * operator thousands of cases in which nothing is wrong. So the clock runs from the transfer
 * round's first attempt, as the transfer give-up's does:
 * - no transaction row: its first step has not committed in all that time — stalled;
 * - applied, no transfer attempt yet: queued behind the rate limit — not stalled (a queue
 *   that stops moving is the transfer-queue alerts' business, not one case per payment);
 * - a transfer round still open whose first attempt is older than the timeout — stalled;
 * - anything else (the transfer reached its end, the status moved on): the workflow is about
 *   to act on it — not stalled.
 */
export async function stalledAmong(db: Db, transactionIds: string[], stallTimeoutSeconds: number): Promise<string[]> {
  if (transactionIds.length === 0) return [];
  const { rows } = await db.query<{ id: string }>(
    `SELECT c.id
       FROM unnest($1::text[]) AS c(id)
       LEFT JOIN transactions t ON t.id = c.id
       LEFT JOIN commission_transfers ct ON ct.transaction_id = c.id
      WHERE t.id IS NULL
         OR (t.status = 'processing' AND ct.status NOT IN ('completed', 'failed')
             AND ct.round_started_at < now() - make_interval(secs => $2))`,
    [transactionIds, stallTimeoutSeconds],
  );
  return rows.map((row) => row.id);
}
