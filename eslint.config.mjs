// @ts-check
/**
 * Lint rules plus the layering of the repository, enforced with ESLint's core
 * `no-restricted-imports` (no import plugin). Proof that each boundary fires:
 * test/unit/lintBoundaries.test.ts.
 *
 * How the boundaries work: a relative import leaves a layer's folder when it has more `../`
 * than the importing file is deep inside that folder (workflows/x.ts: one `../`;
 * workflows/transaction/x.ts: two). A regex on the import string cannot know the importing
 * file's depth, so `layer()` emits one config block per depth (`workflows/*.ts`,
 * `workflows/*\/*.ts`, …) with the matching number of `../` in its patterns.
 */
import { builtinModules } from 'node:module';
import js from '@eslint/js';
import { defineConfig, globalIgnores } from 'eslint/config';
import tseslint from 'typescript-eslint';

/** Deepest nesting inside a layer folder that the boundary rules cover (workflows/a/b/c/d/e/f/g/x.ts). */
const MAX_DEPTH = 7;

const TEMPORAL_SANDBOX_PACKAGES = ['@temporalio/workflow', '@temporalio/common'];
const NODE_BUILTINS = builtinModules.filter((name) => !name.startsWith('_'));

const escapeRegex = (text) => text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
const anyOf = (names) => `(?:${names.map(escapeRegex).join('|')})`;
/** An import string that climbs out of a layer folder from a file `depth` levels inside it. */
const leavesLayer = (depth) => `^(?:\\./)?(?:\\.\\./){${depth + 1}}`;

/**
 * @param {string} folder top-level folder of the layer
 * @param {object} rule
 * @param {string[]} [rule.forbidFolders] top-level folders the layer must not import from
 * @param {string[]} [rule.onlyFolders] allow-list instead: the only top-level folders outside the layer it may import from
 * @param {string[]} [rule.onlyPackages] the only npm packages (and their subpaths) it may import; node builtins included
 * @param {string[]} [rule.allowBuiltins] node builtins it may import (others are forbidden) when onlyPackages is not set
 * @param {string} why appended to every message
 * @returns {import('eslint').Linter.Config[]}
 */
function layer(folder, { forbidFolders, onlyFolders, onlyPackages, allowBuiltins }, why) {
  return Array.from({ length: MAX_DEPTH + 1 }, (_, depth) => {
    /** @type {{ regex: string, caseSensitive: true, message: string }[]} */
    const patterns = [];
    const add = (regex, message) => patterns.push({ regex, caseSensitive: true, message: `${message} ${why}` });

    if (forbidFolders) {
      add(
        `${leavesLayer(depth)}${anyOf(forbidFolders)}(?:/|$)`,
        `${folder}/ must not import ${forbidFolders.map((f) => `${f}/`).join(', ')}.`,
      );
    }
    if (onlyFolders) {
      const allowed = onlyFolders.length ? `(?!${anyOf(onlyFolders)}(?:/|$))` : '';
      const list = [`${folder}/`, ...onlyFolders.map((f) => `${f}/`)].join(', ');
      add(`${leavesLayer(depth)}${allowed}`, `${folder}/ may import only from ${list}.`);
    }
    if (onlyPackages) {
      add(
        `^(?!\\.{1,2}(?:/|$))(?!${anyOf(onlyPackages)}(?:/|$))`,
        `${folder}/ may import no package other than ${onlyPackages.join(', ')} (no node builtins).`,
      );
    } else if (allowBuiltins) {
      const forbidden = NODE_BUILTINS.filter((name) => !allowBuiltins.includes(name));
      add(
        `^(?:node:(?!${anyOf(allowBuiltins)}$)|${anyOf(forbidden)}(?:/|$))`,
        `${folder}/ may use no node builtin other than ${allowBuiltins.map((b) => `node:${b}`).join(', ')}.`,
      );
    }

    return {
      name: `fareflow/boundaries/${folder}/depth-${depth}`,
      files: [`${folder}/${'*/'.repeat(depth)}*.ts`],
      rules: {
        'no-restricted-imports': ['error', { patterns }],
        'no-restricted-syntax': [
          'error',
          { selector: 'ImportExpression', message: `Dynamic import() bypasses the ${folder}/ import boundary; use a static import.` },
          { selector: 'TSImportType', message: `import('…') types bypass the ${folder}/ import boundary; use \`import type\`.` },
        ],
      },
    };
  }).filter((block) => block.rules['no-restricted-imports'][1].patterns.length > 0);
}

export default defineConfig([
  globalIgnores([
    'node_modules/',
    '.data/',
    '.tools/',
    'dist/',
    'coverage/',
    'test-results/',
    'bench/reports/',
    'test/replay/histories/',
    'package-lock.json',
  ]),

  { name: 'fareflow/js', files: ['**/*.{js,mjs,cjs,ts}'], extends: [js.configs.recommended] },
  {
    name: 'fareflow/ts',
    files: ['**/*.ts'],
    extends: [tseslint.configs.recommended],
    rules: {
      // `_`-prefixed names are deliberate: `for await (const _ of …)`, `const { dropped: _, ...rest } = …`.
      '@typescript-eslint/no-unused-vars': [
        'error',
        {
          argsIgnorePattern: '^_',
          varsIgnorePattern: '^_',
          caughtErrorsIgnorePattern: '^_',
          destructuredArrayIgnorePattern: '^_',
          ignoreRestSiblings: true,
        },
      ],
    },
  },
  {
    name: 'fareflow/commonjs-js',
    files: ['**/*.js'],
    languageOptions: { sourceType: 'commonjs', globals: { process: 'readonly', console: 'readonly' } },
  },
  {
    name: 'fareflow/esm-config',
    files: ['**/*.mjs'],
    languageOptions: { globals: { process: 'readonly', console: 'readonly' } },
  },

  // ── Layering ────────────────────────────────────────────────────────────────────────────
  ...layer(
    'workflows',
    { onlyFolders: ['contract'], onlyPackages: TEMPORAL_SANDBOX_PACKAGES },
    'Workflow code runs in the deterministic Temporal sandbox; shared types and ids come from contract/.',
  ),
  ...layer(
    'contract',
    { onlyFolders: [], onlyPackages: TEMPORAL_SANDBOX_PACKAGES },
    'contract/ is shared by workflows and the Node side, so it depends on nothing else.',
  ),
  ...layer(
    'domain',
    { forbidFolders: ['db', 'api', 'activities', 'workflows', 'monime'], allowBuiltins: ['crypto'] },
    'domain/ is pure business rules.',
  ),
  ...layer(
    'db',
    { forbidFolders: ['workflows', 'api', 'activities', 'ops', 'workers'] },
    'db/ sits below the orchestration and entry-point layers.',
  ),
  ...layer(
    'api',
    { forbidFolders: ['activities', 'workflows', 'workers'] },
    'The API talks to Temporal by workflow name through @temporalio/client; shared types come from contract/.',
  ),
  ...layer('activities', { forbidFolders: ['api', 'workflows'] }, 'Shared types come from contract/.'),
]);
