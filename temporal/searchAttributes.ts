import type { Connection } from '@temporalio/client';
import { SEARCH_ATTRIBUTES } from '../contract';

type Wanted = Readonly<Record<string, string>>;

/** The attributes fareflow's workflows set that the namespace does not have yet, with their types. */
export async function missingSearchAttributes(
  connection: Connection,
  namespace: string,
  wanted: Wanted = SEARCH_ATTRIBUTES,
): Promise<Array<[string, string]>> {
  const { customAttributes } = await connection.operatorService.listSearchAttributes({ namespace });
  const existing = new Set(Object.keys(customAttributes ?? {}));
  return Object.entries(wanted).filter(([name]) => !existing.has(name));
}

export class MissingSearchAttributes extends Error {
  constructor(namespace: string, missing: Array<[string, string]>) {
    super(
      [
        `Temporal namespace "${namespace}" lacks the search attributes ${missing.map(([name]) => name).join(', ')}: every transaction would fail its first workflow task.`,
        'Register them once per namespace (docker compose does this in its temporal-search-attributes service):',
        ...missing.map(
          ([name, type]) => `  temporal operator search-attribute create --namespace ${namespace} --name ${name} --type ${type}`,
        ),
      ].join('\n'),
    );
    this.name = 'MissingSearchAttributes';
  }
}

/**
 * On a real cluster nobody registers them for us; without this check the API would answer
 * 503 to every payment and the cause would only show in Temporal's own logs.
 */
export async function requireSearchAttributes(connection: Connection, namespace: string): Promise<void> {
  const missing = await missingSearchAttributes(connection, namespace);
  if (missing.length > 0) throw new MissingSearchAttributes(namespace, missing);
}
