import { checkResolveDecision, checkTransferUpdate, normaliseCancelNote, normaliseRetryRequest } from '../../workflows/operatorInput';

describe('operator signal payloads', () => {
  it('accept and reject pass with their note and operator', () => {
    expect(checkResolveDecision({ decision: 'reject', note: 'refund', operator: 'abu' })).toEqual({ ok: true, value: { decision: 'reject', note: 'refund', operator: 'abu' } });
  });

  it('anything else is refused with what was wrong, never read as an acceptance', () => {
    for (const input of [null, undefined, 'accept', 42, [], { decision: 'approve', note: '', operator: 'x' }, { decision: 'ACCEPT', note: '', operator: 'x' }, { decision: 'accept', note: 'n' }, { decision: 'accept', note: 'n', operator: '  ' }, { decision: 'accept', operator: 'x' }]) {
      expect(checkResolveDecision(input).ok).toBe(false);
    }
    expect(checkResolveDecision({ decision: 'approve', note: 'n', operator: 'x' })).toMatchObject({ ok: false, seen: { decision: 'approve', note: 'n', operator: 'x' } });
  });

  it('retryTransfer keeps only text, whatever it was sent', () => {
    expect(normaliseRetryRequest(null)).toEqual({});
    expect(normaliseRetryRequest({ operator: 7, note: 'again' })).toEqual({ operator: undefined, note: 'again' });
  });

  it('a transfer update needs a transfer id and a known status', () => {
    expect(checkTransferUpdate({ transferId: 'trn-1', status: 'completed' })).toEqual({ transferId: 'trn-1', status: 'completed', failureReason: null, eventId: undefined });
    expect(checkTransferUpdate({ transferId: 'trn-1', status: 'done' })).toBeNull();
    expect(checkTransferUpdate(null)).toBeNull();
  });

  it('a cancel note without an operator is no note', () => {
    expect(normaliseCancelNote({ operator: 'kadie', reason: 'duplicate booking' })).toEqual({ operator: 'kadie', reason: 'duplicate booking' });
    expect(normaliseCancelNote({ reason: 'who?' })).toBeNull();
  });
});
