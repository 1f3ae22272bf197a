import { findTransaction } from '../../db/queries/apiReads';
import { listAuditTrail } from '../../db/queries/audit';
import { statusQuery, workflowIdForTransaction } from '../../contract';
import { OpsError, type OpsContext } from '../context';
import { print, table } from '../format';

export async function showTransaction(ctx: OpsContext, transactionId: string, opts: { json?: boolean }): Promise<void> {
  const workflowId = workflowIdForTransaction(transactionId);
  const [status, row, trail] = await Promise.all([
    ctx.client.workflow
      .getHandle(workflowId)
      .query(statusQuery)
      .catch(() => null),
    findTransaction(ctx.db, transactionId),
    listAuditTrail(ctx.db, 'transaction', transactionId),
  ]);
  if (!status && !row) throw new OpsError(`no transaction ${transactionId} (neither a workflow ${workflowId} nor a database row)`);
  const result = { transactionId, workflowId, workflow: status, database: row, audit: trail };
  print(!!opts.json, result, () => {
    const lines = [`transaction ${transactionId}   workflow ${workflowId}`];
    if (status) {
      lines.push(`status ${status.status}   stage ${status.stage}   reason ${status.reason ?? '-'}`);
      const expected = status.expectedAmount;
      const differs = expected && (expected.value !== status.amount.value || expected.currency !== status.amount.currency);
      lines.push(
        `paid ${status.amount.value} ${status.amount.currency}${differs ? `   expected ${expected.value} ${expected.currency}` : ''}   commission ${status.commission ?? '-'}   net ${status.net ?? '-'}`,
      );
      lines.push(`ticket ${status.ticketId ?? '-'}   company ${status.companyId ?? '-'}`);
      lines.push(
        `transfer ${status.transfer ? `${status.transfer.id ?? '-'} ${status.transfer.status} (round ${status.transfer.round}, key ${status.transfer.idempotencyKey})` : '-'}   attempts ${status.attempts}`,
      );
      if (status.lastError) lines.push(`last error ${status.lastError}`);
      if (status.cancelRefusedReason) lines.push(`cancel refused: ${status.cancelRefusedReason}`);
      if (status.decisions.length)
        lines.push('', 'decisions:', table(status.decisions, ['at', 'kind', 'decision', 'operator', 'note', 'outcome']));
    } else if (row) {
      lines.push(`status ${row.status} (from the database; the workflow is closed or gone)   reason ${row.attentionReason ?? '-'}`);
    }
    // An operator's event carries its outcome (accepted, ignored, refused…): the line that matters.
    const withOutcome = trail.map((event) => ({ ...event, outcome: (event.after as { outcome?: string } | null)?.outcome }));
    lines.push('', 'audit trail:', table(withOutcome, ['occurredAt', 'sequence', 'action', 'actor', 'outcome']));
    return lines.join('\n');
  });
}
