/**
 * Typed search-attribute keys. Built as plain objects (the shape `defineSearchAttributeKey`
 * returns) so workflow code needs nothing but types from @temporalio/common.
 * Contract §4 names TransactionStatus and CompanyId; the other two are ours.
 */
import type { SearchAttributeKey, SearchAttributeType } from '@temporalio/common/lib/search-attributes';

export const TransactionStatusKey: SearchAttributeKey<'KEYWORD'> = { name: 'TransactionStatus', type: 'KEYWORD' };
export const CompanyIdKey: SearchAttributeKey<'KEYWORD'> = { name: 'CompanyId', type: 'KEYWORD' };
export const AttentionReasonKey: SearchAttributeKey<'KEYWORD'> = { name: 'AttentionReason', type: 'KEYWORD' };
export const AmountMinorKey: SearchAttributeKey<'INT'> = { name: 'AmountMinor', type: 'INT' };

export const ALL_SEARCH_ATTRIBUTE_KEYS = [TransactionStatusKey, CompanyIdKey, AttentionReasonKey, AmountMinorKey];

/**
 * The CLI's spelling of each type the keys above use. A key of a type missing here fails to
 * compile below, rather than being registered under a wrong type.
 */
const CLI_TYPES = { KEYWORD: 'Keyword', INT: 'Int' } as const satisfies Partial<Record<SearchAttributeType, string>>;
type SearchAttributeCliType = (typeof CLI_TYPES)[keyof typeof CLI_TYPES];

/**
 * The same attributes by name and CLI type, as `temporal operator search-attribute create`
 * takes them. Derived from the keys, so there is one list; docker-compose.yml, which cannot
 * import it, is held to it by test/unit/dockerCompose.test.ts.
 */
export const SEARCH_ATTRIBUTES: Readonly<Record<string, SearchAttributeCliType>> = Object.fromEntries(
  ALL_SEARCH_ATTRIBUTE_KEYS.map((key) => [key.name, CLI_TYPES[key.type]]),
);
