import {
  cancelLeftToOperatorWait,
  mayCloseWithoutTransfer,
  REJECTED_OUTCOME,
  runEndsCancelled,
  TRANSFER_MAY_EXIST,
  TRANSFER_UNDER_WAY,
} from '../../workflows/transaction/cancelPolicy';
import type { AttentionReason, TransactionStage, TransactionStatus } from '../../contract';

describe('mayCloseWithoutTransfer', () => {
  it('honours a cancel or a reject while the payment waits, not applied, for an operator', () => {
    expect(mayCloseWithoutTransfer({ stage: 'payment_unapplied' })).toEqual({ honour: true });
  });

  it('honours a cancel once the payment is applied, before any transfer is requested', () => {
    expect(mayCloseWithoutTransfer({ stage: 'before_transfer' })).toEqual({ honour: true });
  });

  it('refuses a cancel while the transfer rounds run, saying to resolve instead', () => {
    expect(mayCloseWithoutTransfer({ stage: 'transferring' })).toEqual({ honour: false, reason: TRANSFER_UNDER_WAY });
  });

  it('after a failed transfer, refuses while a transfer may have reached MoniMe, saying to retry first', () => {
    expect(mayCloseWithoutTransfer({ stage: 'operator_wait_after_failed_transfer', transferMayExist: true })).toEqual({
      honour: false,
      reason: TRANSFER_MAY_EXIST,
    });
  });

  it('after a failed transfer that MoniMe answered failed (or rejected unsent), honours', () => {
    expect(mayCloseWithoutTransfer({ stage: 'operator_wait_after_failed_transfer', transferMayExist: false })).toEqual({
      honour: true,
    });
  });
});

describe('the reasons and outcomes, exactly as recorded histories and operators know them', () => {
  it('keeps each string', () => {
    expect(TRANSFER_UNDER_WAY).toBe('the transfer to the company is under way or done; resolve it instead');
    expect(TRANSFER_MAY_EXIST).toBe('a transfer may have reached MoniMe; retryTransfer first to learn its outcome');
    expect(REJECTED_OUTCOME).toBe('rejected: refund due, no transfer');
  });
});

describe('cancelLeftToOperatorWait', () => {
  it('leaves a cancel to the operator wait once the status says the transfer failed', () => {
    expect(cancelLeftToOperatorWait({ status: 'needs_attention', reason: 'transfer_failed' })).toBe(true);
  });

  const notThatWait: [TransactionStatus, AttentionReason | null][] = [
    ['processing', null],
    ['processing', 'transfer_failed'],
    ['needs_attention', 'stalled'],
    ['needs_attention', 'amount_mismatch'],
    ['needs_attention', null],
    ['completed', null],
    ['cancelled', 'transfer_failed'],
  ];
  it.each(notThatWait)('refuses at once otherwise: status %s, reason %s', (status, reason) => {
    expect(cancelLeftToOperatorWait({ status, reason })).toBe(false);
  });
});

describe('runEndsCancelled', () => {
  it('ends CANCELLED when the cancel stands and the transaction ended cancelled', () => {
    expect(runEndsCancelled({ cancelStands: true, stage: 'cancelled' })).toBe(true);
  });

  it('ends COMPLETED when no cancel stands (none came, or it was refused), even for a cancelled transaction', () => {
    expect(runEndsCancelled({ cancelStands: false, stage: 'cancelled' })).toBe(false);
    expect(runEndsCancelled({ cancelStands: false, stage: 'completed' })).toBe(false);
  });

  const otherEnds: TransactionStage[] = ['completed', 'rejected', 'awaiting_operator', 'transferring'];
  it.each(otherEnds)('ends COMPLETED with a standing cancel when the transaction ended %s', (stage) => {
    expect(runEndsCancelled({ cancelStands: true, stage })).toBe(false);
  });
});
