/**
 * No Docker engine runs here, so the production stack is checked where it can drift from the
 * code: the search attributes its one-shot service registers, and the environment it hands
 * the app (names from the contract, no value that would stop compose from loading).
 */
import fs from 'node:fs';
import path from 'node:path';
import { SEARCH_ATTRIBUTES } from '../../contract';

const compose = fs.readFileSync(path.join(__dirname, '..', '..', 'docker-compose.yml'), 'utf8');

it('registers exactly the search attributes the workflows set', () => {
  const line = compose.split('\n').find((text) => text.includes('for attr in'));
  const registered = Object.fromEntries([...(line ?? '').matchAll(/(\w+)=(\w+)/g)].map((match) => [match[1], match[2]]));
  expect(registered).toEqual(SEARCH_ATTRIBUTES);
});

it('passes the contract variables to the app and requires none at load time', () => {
  for (const name of [
    'PORT',
    'DATABASE_URL',
    'TEMPORAL_ADDRESS',
    'TEMPORAL_NAMESPACE',
    'TEMPORAL_TASK_QUEUE',
    'MONIME_BASE_URL',
    'MONIME_ACCESS_TOKEN',
    'MONIME_SPACE_ID',
    'MONIME_VERSION',
    'MONIME_WEBHOOK_SECRET',
    'PLATFORM_FINANCIAL_ACCOUNT_ID',
    'API_TOKEN',
  ]) {
    expect(compose).toMatch(new RegExp(`^\\s+${name}:`, 'm'));
  }
  const withoutComments = compose
    .split('\n')
    .filter((text) => !text.trim().startsWith('#'))
    .join('\n');
  expect(withoutComments).not.toMatch(/\$\{\w+:\?/);
});
