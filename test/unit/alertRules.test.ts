/**
 * The alert rules as Prometheus itself reads them: `promtool check rules` (syntax, PromQL,
 * templates) and `promtool test rules` (each alert fires on its failure, stays quiet when
 * healthy). promtool comes with Debian's `prometheus` package; .ci/run installs it. Without
 * it a laptop skips these with a printed reason, but CI must not: under CI=true they fail.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

const dir = path.join(__dirname, '..', '..', 'deploy', 'prometheus');
const hasPromtool = spawnSync('promtool', ['--version']).status === 0;
const inCi = process.env.CI === 'true';
const promtool = (...args: string[]) => execFileSync('promtool', args, { cwd: dir, encoding: 'utf8', stdio: 'pipe' });

if (!hasPromtool && !inCi) {
  process.stderr.write('alertRules.test.ts: skipped, promtool is not installed (apt-get install --no-install-recommends prometheus)\n');
}
const withPromtool = hasPromtool || inCi ? it : it.skip;

withPromtool('promtool finds the rules valid', () => {
  if (!hasPromtool)
    throw new Error('promtool is not installed, and CI=true does not skip: apt-get install --no-install-recommends prometheus');
  expect(promtool('check', 'rules', 'alerts.yml')).toMatch(/SUCCESS: \d+ rules found/);
  expect(promtool('check', 'config', 'prometheus.yml')).toMatch(/is valid prometheus config file syntax/);
});

withPromtool('every alert passes its promtool unit tests', () => {
  if (!hasPromtool)
    throw new Error('promtool is not installed, and CI=true does not skip: apt-get install --no-install-recommends prometheus');
  expect(promtool('test', 'rules', 'alerts.test.yml')).toMatch(/SUCCESS/);
});

it('has a unit test for every alert', () => {
  const alerts = [...fs.readFileSync(path.join(dir, 'alerts.yml'), 'utf8').matchAll(/- alert: (\w+)/g)].map((match) => match[1]);
  const tests = fs.readFileSync(path.join(dir, 'alerts.test.yml'), 'utf8');
  const tested = new Set([...tests.matchAll(/alertname: (\w+)\n\s+exp_alerts:/g)].map((match) => match[1]));
  expect(alerts.filter((name) => !tested.has(name))).toEqual([]);
});
