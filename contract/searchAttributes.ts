/**
 * Typed search-attribute keys. Built as plain objects (the shape `defineSearchAttributeKey`
 * returns) so workflow code needs nothing but types from @temporalio/common.
 * Contract §4 names TransactionStatus and CompanyId; the other two are ours.
 */
import type { SearchAttributeKey } from '@temporalio/common/lib/search-attributes';

export const TransactionStatusKey: SearchAttributeKey<'KEYWORD'> = { name: 'TransactionStatus', type: 'KEYWORD' };
export const CompanyIdKey: SearchAttributeKey<'KEYWORD'> = { name: 'CompanyId', type: 'KEYWORD' };
export const AttentionReasonKey: SearchAttributeKey<'KEYWORD'> = { name: 'AttentionReason', type: 'KEYWORD' };
export const AmountMinorKey: SearchAttributeKey<'INT'> = { name: 'AmountMinor', type: 'INT' };

export const ALL_SEARCH_ATTRIBUTE_KEYS = [TransactionStatusKey, CompanyIdKey, AttentionReasonKey, AmountMinorKey];

/** The same attributes by name and CLI type, as `temporal operator search-attribute create` takes them. */
export const SEARCH_ATTRIBUTES = {
  TransactionStatus: 'Keyword',
  CompanyId: 'Keyword',
  AttentionReason: 'Keyword',
  AmountMinor: 'Int',
} as const;
