import type { Connection } from '@temporalio/client';
import { msToTs } from '@temporalio/common/lib/time';
import { SEARCH_ATTRIBUTES } from '../../contract';
import { missingSearchAttributes } from '../searchAttributes';

/** temporal.api.enums.v1.IndexedValueType, for every type the contract's attributes use (checked by the compiler). */
const TYPES: Record<(typeof SEARCH_ATTRIBUTES)[keyof typeof SEARCH_ATTRIBUTES], number> = { Keyword: 2, Int: 3 };
/** Closed workflows stay visible (and replayable from the UI) for a week, then the server deletes them. */
const RETENTION = '7 days';
const USABLE_WITHIN_MS = 30_000;

/**
 * A fresh cluster has only its system namespace: this registers fareflow's and the search
 * attributes its workflows set, each only if missing, and returns once both are usable
 * (the frontend reads namespaces through a cache that refreshes on a timer).
 */
export async function ensureNamespace(connection: Connection, namespace: string): Promise<void> {
  if (!(await namespaceExists(connection, namespace))) {
    await connection.workflowService
      .registerNamespace({ namespace, workflowExecutionRetentionPeriod: msToTs(RETENTION) })
      .catch((error: { code?: number }) => {
        if (error.code !== 6) throw error; // ALREADY_EXISTS: another process registered it first
      });
  }
  // describeNamespace reads the database; the calls below go through the frontend's cache.
  await until(() => cachedByFrontend(connection, namespace), `namespace ${namespace}`);
  const missing = await missingSearchAttributes(connection, namespace);
  if (missing.length > 0) {
    await connection.operatorService.addSearchAttributes({
      namespace,
      searchAttributes: Object.fromEntries(missing.map(([name, type]) => [name, TYPES[type as keyof typeof TYPES]])),
    });
  }
  await until(() => frontendMapsAttributes(connection, namespace), 'search attributes');
}

/**
 * listSearchAttributes reads the database, but starting a workflow validates its attributes
 * against the namespace cache ("has no mapping defined for search attribute", for about a
 * second after they are added). A visibility query over every attribute goes through that
 * same cache and writes nothing: once it is accepted, so is a start.
 */
async function frontendMapsAttributes(connection: Connection, namespace: string): Promise<boolean> {
  const query = Object.keys(SEARCH_ATTRIBUTES)
    .map((name) => `${name} IS NULL`)
    .join(' AND ');
  try {
    await connection.workflowService.listWorkflowExecutions({ namespace, query, pageSize: 1 });
    return true;
  } catch (error) {
    if ((error as { code?: number }).code === 3) return false; // INVALID_ARGUMENT: not mapped yet
    throw error;
  }
}

async function namespaceExists(connection: Connection, namespace: string): Promise<boolean> {
  try {
    await connection.workflowService.describeNamespace({ namespace });
    return true;
  } catch (error) {
    if ((error as { code?: number }).code === 5) return false; // NOT_FOUND
    throw error;
  }
}

async function cachedByFrontend(connection: Connection, namespace: string): Promise<boolean> {
  try {
    await missingSearchAttributes(connection, namespace);
    return true;
  } catch (error) {
    if ((error as { code?: number }).code === 5) return false;
    throw error;
  }
}

async function until(check: () => Promise<boolean>, what: string): Promise<void> {
  const deadline = Date.now() + USABLE_WITHIN_MS;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`${what} not usable within ${USABLE_WITHIN_MS / 1000} s`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}
