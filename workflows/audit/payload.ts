import type { AuditEvent } from '../../contract';
import { cleanText } from '../operatorInput';

/** What the batcher does with an `auditEvents` signal's payload before anything is buffered. */

const MAX_SEQUENCE = 2_147_483_647; // audit_logs.sequence is an integer

export type Malformed = { item: unknown; problem: string };

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);
const isNonEmptyString = (value: unknown): value is string => typeof value === 'string' && value.length > 0;

/** What is wrong with one item of an `auditEvents` payload, or null for a well-formed AuditEvent. */
function problemOf(item: unknown): string | null {
  if (!isRecord(item)) return 'an event must be an object';
  for (const key of ['id', 'entityType', 'entityId', 'action'] as const) {
    if (!isNonEmptyString(item[key])) return `${key} must be a non-empty string`;
  }
  if (typeof item.actor !== 'string') return 'actor must be a string';
  if (!Number.isInteger(item.sequence) || (item.sequence as number) < 0 || (item.sequence as number) > MAX_SEQUENCE)
    return `sequence must be a whole number from 0 to ${MAX_SEQUENCE}`;
  if (typeof item.occurredAt !== 'string' || Number.isNaN(Date.parse(item.occurredAt))) return 'occurredAt must be a date-time string';
  if (item.companyId !== undefined && item.companyId !== null && typeof item.companyId !== 'string')
    return 'companyId must be a string or null';
  return null;
}

/** Signals come from anyone with a Temporal client: a payload is split into what can be written and what cannot. */
export function checkAuditEvents(payload: unknown): { events: AuditEvent[]; malformed: Malformed[] } {
  if (!Array.isArray(payload)) return { events: [], malformed: [{ item: payload, problem: 'expected an array of audit events' }] };
  const events: AuditEvent[] = [];
  const malformed: Malformed[] = [];
  for (const item of payload) {
    const problem = problemOf(item);
    if (problem === null) events.push(item as AuditEvent);
    else malformed.push({ item, problem });
  }
  return { events, malformed };
}

/** JSON text of what came: JSON.stringify escapes lone surrogates and NUL, so the text column takes it. */
export function jsonText(value: unknown, maxUnits = Infinity): string {
  let text: string;
  try {
    text = JSON.stringify(value) ?? String(value);
  } catch {
    text = String(value);
  }
  return cleanText(text, maxUnits);
}
