import {
  AmountMinorKey,
  AttentionReasonKey,
  CompanyIdKey,
  TransactionStatusKey,
  workflowTypes,
  type TransactionStatus,
} from '../../contract';
import type { OpsContext } from '../context';
import { age, print, table } from '../format';

/** Visibility query values are quoted; an operator's input must not break out of the quotes. */
const quoted = (value: string) => `"${value.replace(/["\\]/g, '')}"`;

/** Typed, so a renamed status breaks the build rather than silently matching nothing. */
const NEEDS_ATTENTION: TransactionStatus = 'needs_attention';

// Attribute and workflow names come from the contract: the workflows set these very keys.
export function stuckQuery(opts: { company?: string; reason?: string }): string {
  const clauses = [
    `WorkflowType = ${quoted(workflowTypes.processTransaction)}`,
    `${TransactionStatusKey.name} = ${quoted(NEEDS_ATTENTION)}`,
    'ExecutionStatus = "Running"',
  ];
  if (opts.company) clauses.push(`${CompanyIdKey.name} = ${quoted(opts.company)}`);
  if (opts.reason) clauses.push(`${AttentionReasonKey.name} = ${quoted(opts.reason)}`);
  return clauses.join(' AND ');
}

export async function listStuck(ctx: OpsContext, opts: { company?: string; reason?: string; json?: boolean }): Promise<void> {
  const rows: Array<Record<string, unknown>> = [];
  for await (const execution of ctx.client.workflow.list({ query: stuckQuery(opts) })) {
    const attributes = execution.searchAttributes ?? {};
    rows.push({
      transaction: execution.workflowId.replace(/^transaction-/, ''),
      workflowId: execution.workflowId,
      company: attributes[CompanyIdKey.name]?.[0] ?? null,
      reason: attributes[AttentionReasonKey.name]?.[0] ?? null,
      amount: attributes[AmountMinorKey.name]?.[0] ?? null,
      started: execution.startTime.toISOString(),
      age: age(execution.startTime),
    });
  }
  print(!!opts.json, rows, () => table(rows, ['transaction', 'company', 'reason', 'amount', 'age']));
}
