import type { OpsContext } from '../context';
import { age, print, table } from '../format';

/** Visibility query values are quoted; an operator's input must not break out of the quotes. */
const quoted = (value: string) => `"${value.replace(/["\\]/g, '')}"`;

export function stuckQuery(opts: { company?: string; reason?: string }): string {
  const clauses = ['WorkflowType = "processTransaction"', 'TransactionStatus = "needs_attention"', 'ExecutionStatus = "Running"'];
  if (opts.company) clauses.push(`CompanyId = ${quoted(opts.company)}`);
  if (opts.reason) clauses.push(`AttentionReason = ${quoted(opts.reason)}`);
  return clauses.join(' AND ');
}

export async function listStuck(ctx: OpsContext, opts: { company?: string; reason?: string; json?: boolean }): Promise<void> {
  const rows: Array<Record<string, unknown>> = [];
  for await (const execution of ctx.client.workflow.list({ query: stuckQuery(opts) })) {
    const attributes = execution.searchAttributes ?? {};
    rows.push({
      transaction: execution.workflowId.replace(/^transaction-/, ''),
      workflowId: execution.workflowId,
      company: attributes.CompanyId?.[0] ?? null,
      reason: attributes.AttentionReason?.[0] ?? null,
      amount: attributes.AmountMinor?.[0] ?? null,
      started: execution.startTime.toISOString(),
      age: age(execution.startTime),
    });
  }
  print(!!opts.json, rows, () => table(rows, ['transaction', 'company', 'reason', 'amount', 'age']));
}
