/**
 * A cached workflow bundle is reused only while the code it was made of is unchanged: the key
 * covers every file of workflows/ and contract/ (the only code workflows may import).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { bundleKey } from '../../workers/bundle';

function tree(files: Record<string, string>): string {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'bundle-key-'));
  for (const [name, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(root, name)), { recursive: true });
    fs.writeFileSync(path.join(root, name), text);
  }
  return root;
}

const base = {
  'workflows/index.ts': "export * from './a';",
  'workflows/transaction/a.ts': 'export const a = 1;',
  'contract/index.ts': 'export type T = 1;',
  'api/app.ts': 'export const app = 1;',
};

it('is the same for the same code, wherever it lies', () => {
  expect(bundleKey(tree(base))).toBe(bundleKey(tree(base)));
});

it('changes when a workflow file, a nested one, or a contract file changes, is added or renamed', () => {
  const key = bundleKey(tree(base));
  expect(bundleKey(tree({ ...base, 'workflows/transaction/a.ts': 'export const a = 2;' }))).not.toBe(key);
  expect(bundleKey(tree({ ...base, 'contract/index.ts': 'export type T = 2;' }))).not.toBe(key);
  expect(bundleKey(tree({ ...base, 'workflows/b.ts': '' }))).not.toBe(key);
  const { 'workflows/transaction/a.ts': moved, ...rest } = base;
  expect(bundleKey(tree({ ...rest, 'workflows/transaction/c.ts': moved }))).not.toBe(key);
});

it('ignores code outside the bundled folders', () => {
  expect(bundleKey(tree({ ...base, 'api/app.ts': 'export const app = 2;' }))).toBe(bundleKey(tree(base)));
});
