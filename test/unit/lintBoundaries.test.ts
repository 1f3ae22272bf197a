import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import type { Linter } from 'eslint';

/**
 * Proof that the import boundaries in eslint.config.mjs fire: lint synthetic snippets under
 * fake paths inside each layer. Needs neither PostgreSQL nor Temporal.
 *
 * ESLint's Node API runs in a child Node process: ESLint loads eslint.config.mjs with a
 * dynamic import(), which Jest's module sandbox refuses without --experimental-vm-modules.
 * All snippets go through one process, so the suite costs a single ESLint start-up.
 */
const repoRoot = path.resolve(__dirname, '../..');

const LINT_SNIPPETS = `
const { ESLint } = require('eslint');
(async () => {
  const eslint = new ESLint({ cwd: process.cwd() });
  const snippets = JSON.parse(process.argv[1]);
  const messages = [];
  for (const { filePath, code } of snippets) {
    const [result] = await eslint.lintText(code, { filePath });
    messages.push(result.messages);
  }
  process.stdout.write(JSON.stringify(messages));
})().catch((error) => { console.error(error); process.exit(1); });
`;

const forbidden: [filePath: string, code: string][] = [
  ['workflows/x.ts', "import { Pool } from 'pg';"],
  ['workflows/x.ts', "import { createHash } from 'node:crypto';"],
  ['workflows/x.ts', "import { pool } from '../db/pool';"],
  ['workflows/x.ts', "import type { Activities } from '../activities';"],
  ['workflows/x.ts', "import { loadConfig } from '../config';"],
  ['workflows/x.ts', "import { WebhookPayload } from '../api/webhooks/schemas';"],
  ['workflows/transaction/x.ts', "import { MonimeClient } from '../../monime/client';"],
  ['workflows/transaction/x.ts', "export { createLogger } from '../../observability/logger';"],
  ['workflows/transaction/x.ts', "import { startSimulator } from '../../simulator';"],
  ['db/x.ts', "import { processTransaction } from '../workflows/processTransaction';"],
  ['db/queries/x.ts', "import type { Activities } from '../../activities';"],
  ['db/x.ts', "import { show } from '../ops/commands/show';"],
  ['api/x.ts', "import { createActivities } from '../activities';"],
  ['api/routes/x.ts', "import type { ProcessTransactionInput } from '../../workflows/processTransaction';"],
  ['api/x.ts', "import { createWorkers } from '../workers/createWorkers';"],
  ['domain/x.ts', "import { pool } from '../db/pool';"],
  ['domain/x.ts', "import { MonimeError } from '../monime/errors';"],
  ['domain/x.ts', "import { readFileSync } from 'node:fs';"],
  ['domain/x.ts', "import { readFileSync } from 'fs';"],
  ['contract/x.ts', "import { z } from 'zod';"],
  ['contract/x.ts', "import { splitPayment } from '../domain/money';"],
  ['activities/x.ts', "import { HttpError } from '../api/errors';"],
  ['activities/x.ts', "import type { ProcessTransactionInput } from '../workflows/processTransaction';"],
];

const allowed: [filePath: string, code: string][] = [
  ['workflows/x.ts', "import { proxyActivities } from '@temporalio/workflow';\nimport type { AuditEvent } from '../contract';"],
  ['workflows/x.ts', "import type { SearchAttributeType } from '@temporalio/common';\nimport { auditTrail } from './auditTrail';"],
  ['workflows/transaction/x.ts', "import { transferIdempotencyKey } from '../../contract/ids';\nimport { helper } from '../helper';"],
  ['contract/x.ts', "import { defineSignal } from '@temporalio/workflow';\nimport type { Money } from './money';"],
  ['domain/x.ts', "import { createHash } from 'node:crypto';\nimport type { TransactionStatus } from '../contract';"],
  ['db/queries/x.ts', "import type { Db } from '../pool';\nimport { splitPayment } from '../../domain/money';"],
  ['api/routes/x.ts', "import { Client } from '@temporalio/client';\nimport { transactionExists } from '../../db/queries/apiReads';"],
  ['activities/x.ts', "import type { TransferActivities } from '../contract';\nimport { insertAuditEvents } from '../db/queries/audit';"],
];

let results: Linter.LintMessage[][];

beforeAll(async () => {
  const snippets = [...forbidden, ...allowed].map(([filePath, code]) => ({ filePath, code }));
  const { stdout } = await promisify(execFile)(process.execPath, ['-e', LINT_SNIPPETS, JSON.stringify(snippets)], {
    cwd: repoRoot,
    maxBuffer: 16 * 1024 * 1024,
  });
  results = JSON.parse(stdout);
}, 60_000);

const restrictedImportErrors = (index: number) => {
  const messages = results[index];
  expect(messages.filter((m) => m.fatal)).toEqual([]);
  return messages.filter((m) => m.ruleId === 'no-restricted-imports' && m.severity === 2).map((m) => m.message);
};

describe('import boundaries (eslint.config.mjs)', () => {
  it.each(forbidden.map(([filePath, code], index) => ({ filePath, code, index })))('$filePath: $code is an error', ({ index }) => {
    expect(restrictedImportErrors(index)).toHaveLength(1);
  });

  it.each(allowed.map(([filePath, code], index) => ({ filePath, code: code.replace(/\n/g, ' '), index: forbidden.length + index })))(
    '$filePath: $code passes',
    ({ index }) => {
      expect(restrictedImportErrors(index)).toEqual([]);
    },
  );
});
