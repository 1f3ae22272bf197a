/**
 * `ops stuck` builds its visibility query from the contract's names; this pins the text that
 * reaches Temporal, so a contract rename shows up here instead of as an empty list.
 */
import { stuckQuery } from '../../ops/commands/stuck';

it('asks for running transactions that need attention', () => {
  expect(stuckQuery({})).toBe(
    'WorkflowType = "processTransaction" AND TransactionStatus = "needs_attention" AND ExecutionStatus = "Running"',
  );
});

it('narrows by company and reason, and keeps operator input inside its quotes', () => {
  expect(stuckQuery({ company: 'cmp-1', reason: 'stalled' })).toBe(
    'WorkflowType = "processTransaction" AND TransactionStatus = "needs_attention" AND ExecutionStatus = "Running"' +
      ' AND CompanyId = "cmp-1" AND AttentionReason = "stalled"',
  );
  expect(stuckQuery({ company: 'x" OR "1"="1' })).toContain('CompanyId = "x OR 1=1"');
});
