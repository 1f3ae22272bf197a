/**
 * Signals can come from anyone holding a Temporal client — the `temporal` CLI included — so
 * their payloads are checked before they decide anything. A handler that threw on a bad
 * payload would fail every replay of the history that holds it, and a typo such as
 * `"decision":"approve"` must never read as an acceptance.
 */
import { monimeTransferStatuses, resolveDecisions } from '../contract';
import type { CancelNote, ResolveDecision, RetryTransferRequest, TransferUpdate } from '../contract';

// Sets of plain strings: what arrives is unknown until checked against them.
const DECISIONS = new Set<string>(resolveDecisions);
const TRANSFER_STATUSES = new Set<string>(monimeTransferStatuses);
const MAX_TEXT = 2_000;

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);
const text = (value: unknown): string | undefined => (typeof value === 'string' ? cleanText(value) : undefined);

const isHighSurrogate = (unit: number) => unit >= 0xd800 && unit <= 0xdbff;
const isLowSurrogate = (unit: number) => unit >= 0xdc00 && unit <= 0xdfff;

/**
 * Text as PostgreSQL stores it, in `text` and `jsonb` alike: at most `maxUnits` UTF-16 units,
 * cut between code points (never between the two halves of a surrogate pair), with NUL
 * removed and a lone surrogate — which no UTF-8 can carry — replaced by U+FFFD. jsonb refuses
 * both, and one refused audit event used to wedge its batcher. For any text from outside
 * (signals, MoniMe's answers, error messages) that workflow code keeps, shows or audits.
 */
export function cleanText(value: string, maxUnits = MAX_TEXT): string {
  let clean = '';
  for (let i = 0; i < value.length; i++) {
    const unit = value.charCodeAt(i);
    if (unit === 0) continue;
    let piece: string;
    if (isHighSurrogate(unit) && i + 1 < value.length && isLowSurrogate(value.charCodeAt(i + 1))) {
      piece = value.slice(i, i + 2);
      i += 1;
    } else if (isHighSurrogate(unit) || isLowSurrogate(unit)) piece = '\ufffd';
    else piece = value[i];
    if (clean.length + piece.length > maxUnits) break;
    clean += piece;
  }
  return clean;
}

export type Checked<T> =
  { ok: true; value: T } | { ok: false; problem: string; seen: { decision?: string; note?: string; operator?: string } };

export function checkResolveDecision(input: unknown): Checked<ResolveDecision> {
  const record = isRecord(input) ? input : {};
  const seen = { decision: text(record.decision), note: text(record.note), operator: text(record.operator) };
  if (!isRecord(input)) return { ok: false, problem: 'invalid resolve: expected {decision, note, operator}', seen };
  if (!DECISIONS.has(record.decision as string))
    return {
      ok: false,
      problem: `invalid resolve: decision must be "accept" or "reject", got ${JSON.stringify(record.decision ?? null)}`,
      seen,
    };
  if (typeof record.operator !== 'string' || record.operator.trim() === '')
    return { ok: false, problem: 'invalid resolve: operator must name who decided', seen };
  if (typeof record.note !== 'string') return { ok: false, problem: 'invalid resolve: note must be a string', seen };
  return { ok: true, value: { decision: record.decision as ResolveDecision['decision'], note: seen.note!, operator: seen.operator! } };
}

/** retryTransfer carries nothing that decides anything: whatever came, keep what reads as text. */
export function normaliseRetryRequest(input: unknown): RetryTransferRequest {
  if (!isRecord(input)) return {};
  return { operator: text(input.operator), note: text(input.note) };
}

export function checkTransferUpdate(input: unknown): TransferUpdate | null {
  if (!isRecord(input) || typeof input.transferId !== 'string' || !TRANSFER_STATUSES.has(input.status as string)) return null;
  return {
    transferId: input.transferId,
    status: input.status as TransferUpdate['status'],
    failureReason: text(input.failureReason) ?? null,
    eventId: text(input.eventId),
  };
}

/** The who and why of a coming cancel; without them the cancel is still audited, as "temporal-cancel". */
export function normaliseCancelNote(input: unknown): CancelNote | null {
  if (!isRecord(input)) return null;
  const operator = text(input.operator)?.trim();
  return operator ? { operator, reason: text(input.reason) ?? '' } : null;
}
