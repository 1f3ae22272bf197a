import {
  checkResolveDecision,
  checkTransferUpdate,
  cleanText,
  normaliseCancelNote,
  normaliseRetryRequest,
} from '../../workflows/operatorInput';

/** What PostgreSQL's jsonb and text accept: no lone surrogate, no NUL. */
const storable = (text: string) =>
  !text.includes('\u0000') && !/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/.test(text);

describe('operator signal payloads', () => {
  it('accept and reject pass with their note and operator', () => {
    expect(checkResolveDecision({ decision: 'reject', note: 'refund', operator: 'abu' })).toEqual({
      ok: true,
      value: { decision: 'reject', note: 'refund', operator: 'abu' },
    });
  });

  it('anything else is refused with what was wrong, never read as an acceptance', () => {
    for (const input of [
      null,
      undefined,
      'accept',
      42,
      [],
      { decision: 'approve', note: '', operator: 'x' },
      { decision: 'ACCEPT', note: '', operator: 'x' },
      { decision: 'accept', note: 'n' },
      { decision: 'accept', note: 'n', operator: '  ' },
      { decision: 'accept', operator: 'x' },
    ]) {
      expect(checkResolveDecision(input).ok).toBe(false);
    }
    expect(checkResolveDecision({ decision: 'approve', note: 'n', operator: 'x' })).toMatchObject({
      ok: false,
      seen: { decision: 'approve', note: 'n', operator: 'x' },
    });
  });

  it('retryTransfer keeps only text, whatever it was sent', () => {
    expect(normaliseRetryRequest(null)).toEqual({});
    expect(normaliseRetryRequest({ operator: 7, note: 'again' })).toEqual({ operator: undefined, note: 'again' });
  });

  it('a transfer update needs a transfer id and a known status', () => {
    expect(checkTransferUpdate({ transferId: 'trn-1', status: 'completed' })).toEqual({
      transferId: 'trn-1',
      status: 'completed',
      failureReason: null,
      eventId: undefined,
    });
    expect(checkTransferUpdate({ transferId: 'trn-1', status: 'done' })).toBeNull();
    expect(checkTransferUpdate(null)).toBeNull();
  });

  it('a cancel note without an operator is no note', () => {
    expect(normaliseCancelNote({ operator: 'kadie', reason: 'duplicate booking' })).toEqual({
      operator: 'kadie',
      reason: 'duplicate booking',
    });
    expect(normaliseCancelNote({ reason: 'who?' })).toBeNull();
  });

  it('a note is cut by code point, never inside a surrogate pair, and cleaned of NUL and lone surrogates', () => {
    const note = `${'a'.repeat(1_999)}😀`; // the cut at 2,000 UTF-16 units falls between the emoji's two halves
    const checked = checkResolveDecision({ decision: 'accept', note, operator: 'fatmata' });
    expect(checked).toEqual({ ok: true, value: { decision: 'accept', note: 'a'.repeat(1_999), operator: 'fatmata' } });
    expect(normaliseRetryRequest({ operator: 'a\u0000b', note: `x\ud83d y` })).toEqual({ operator: 'ab', note: 'x\ufffd y' });
    expect(checkTransferUpdate({ transferId: 'trn-1', status: 'failed', failureReason: `${'b'.repeat(1_999)}😀😀` })?.failureReason).toBe(
      'b'.repeat(1_999),
    );
  });

  it('cleanText, for any text workflow code stores: at most the limit, well formed, no NUL', () => {
    expect(cleanText('😀😀', 3)).toBe('😀');
    expect(cleanText('😀😀', 4)).toBe('😀😀');
    expect(cleanText('\udc00lone\ud83d')).toBe('\ufffdlone\ufffd');
    expect(cleanText('a\u0000\u0000b')).toBe('ab');
    for (const text of ['\ud83d'.repeat(3_000), `${'x'.repeat(1_999)}😀`, '\u0000'.repeat(5_000), '😀'.repeat(1_500)]) {
      const cleaned = cleanText(text);
      expect(cleaned.length).toBeLessThanOrEqual(2_000);
      expect(storable(cleaned)).toBe(true);
    }
  });
});
