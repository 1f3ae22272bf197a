/**
 * No Docker engine runs here, so the production stack is checked where it can drift from the
 * code or from what would start: the services and their order, what is published, the search
 * attributes its one-shot job registers, the environment it hands the app, and the image.
 */
import fs from 'node:fs';
import path from 'node:path';
import { ALL_SEARCH_ATTRIBUTE_KEYS, SEARCH_ATTRIBUTES } from '../../contract';
import { TEMPORAL_CLI_VERSION } from '../../temporal/cli';

const root = path.join(__dirname, '..', '..');
const read = (file: string) => fs.readFileSync(path.join(root, file), 'utf8');
const compose = read('docker-compose.yml');
const dockerfile = read('Dockerfile');
const withoutComments = (text: string) =>
  text
    .split('\n')
    .filter((line) => !line.trim().startsWith('#'))
    .join('\n');

/** Each service's block of the compose file, by name (two-space keys under `services:`). */
function services(): Record<string, string> {
  const body = withoutComments(compose.slice(compose.indexOf('\nservices:\n')));
  const blocks: Record<string, string> = {};
  let current: string | null = null;
  for (const line of body.split('\n').slice(2)) {
    if (/^\S/.test(line)) break; // the next top-level key (volumes:)
    const name = /^ {2}([\w-]+):\s*$/.exec(line)?.[1];
    if (name) blocks[(current = name)] = '';
    else if (current) blocks[current] += `${line}\n`;
  }
  return blocks;
}
const service = services();

/** `depends_on` of one service: dependency name → condition. */
function dependsOn(name: string): Record<string, string> {
  const block = service[name].split(/^ {4}depends_on:\n/m)[1] ?? '';
  const entries = [...block.matchAll(/^ {6}([\w-]+):\n {8}condition: (\w+)/gm)];
  return Object.fromEntries(entries.map((match) => [match[1], match[2]]));
}

/** Variable names in the first column of contract §1's tables. */
function contractVariables(): string[] {
  const contract = read('docs/CONTRACT.md');
  const section = contract.slice(contract.indexOf('## 1. Configuration'), contract.indexOf('## 2.'));
  return [...section.matchAll(/^\| (`[A-Z_]+`(?:, `[A-Z_]+`)*)/gm)].flatMap((match) =>
    [...match[1].matchAll(/`([A-Z_]+)`/g)].map((m) => m[1]),
  );
}

it('has the services of Temporal’s self-hosting layout, the app and the migration job', () => {
  expect(Object.keys(service).sort()).toEqual(
    ['api', 'migrate', 'postgresql', 'temporal', 'temporal-namespace', 'temporal-schema', 'temporal-ui', 'worker'].sort(),
  );
  // auto-setup is deprecated, and it creates the namespace after its health check already passed.
  expect(compose).not.toMatch(/temporalio\/auto-setup/);
});

it('pins one Temporal version, with admin tools at a tag that exists and the CLI line this repo uses', () => {
  const server = /image: temporalio\/server:(\S+)/.exec(service.temporal)?.[1];
  const adminTools = [...compose.matchAll(/image: temporalio\/admin-tools:(\S+)/g)].map((match) => match[1]);
  expect(adminTools).toHaveLength(2);
  for (const tag of adminTools) {
    // Published admin-tools tags of 1.29.x carry the tctl and CLI versions; a bare `1.29.1` is not one.
    const [, version, cli] = /^(\d+\.\d+\.\d+)-tctl-\d+\.\d+\.\d+-cli-(\d+\.\d+)\.\d+$/.exec(tag) ?? [];
    expect(version).toBe(server);
    expect(cli).toBe(TEMPORAL_CLI_VERSION.split('.').slice(0, 2).join('.'));
  }
});

it('creates the schema in a one-shot job before the server starts, for both databases', () => {
  const schema = service['temporal-schema'];
  for (const db of ['temporal', 'visibility']) expect(schema).toContain(db);
  expect(schema).toMatch(/temporal-sql-tool/);
  expect(schema).toMatch(/setup-schema -v 0\.0/);
  expect(schema).toMatch(/update-schema -d "\/etc\/temporal\/schema\/postgresql\/v12\/\$\$schema\/versioned"/);
  expect(dependsOn('temporal-schema')).toEqual({ postgresql: 'service_healthy' });
  expect(dependsOn('temporal')).toEqual({ 'temporal-schema': 'service_completed_successfully' });
});

it('sets the history shard count, which can never change later, above the template’s 4', () => {
  const shards = Number(/NUM_HISTORY_SHARDS: "(\d+)"/.exec(service.temporal)?.[1]);
  expect(shards).toBeGreaterThanOrEqual(512);
  expect(Math.log2(shards) % 1).toBe(0);
});

it('adds the search attributes only once the namespace answers', () => {
  const job = service['temporal-namespace'];
  expect(dependsOn('temporal-namespace')).toEqual({ temporal: 'service_healthy' });
  expect(job).toMatch(/temporal operator namespace create/);
  const waits = job.search(/until temporal operator namespace describe/);
  const creates = job.search(/search-attribute create/);
  expect(waits).toBeGreaterThan(-1);
  expect(creates).toBeGreaterThan(waits);
});

it('registers exactly the search attributes of contract/searchAttributes.ts, with their types', () => {
  // The job is shell and cannot import the contract: this is what keeps its copy from drifting.
  const loops = compose.split('\n').filter((text) => /^\s*for attr in /.test(text));
  expect(loops).toHaveLength(1);
  const byName = (a: string[], b: string[]) => a[0].localeCompare(b[0]);
  // Pairs, not an object: a name listed twice, or twice with different types, shows up too.
  const registered = [...loops[0].matchAll(/(\w+)=(\w+)/g)].map((match) => [match[1], match[2]]).sort(byName);
  const contract = ALL_SEARCH_ATTRIBUTE_KEYS.map((key) => [key.name, SEARCH_ATTRIBUTES[key.name]]).sort(byName);
  expect(registered).toEqual(contract);
  // And the contract's CLI list is its typed keys, no more: the dev server registers that list.
  expect(Object.keys(SEARCH_ATTRIBUTES).sort()).toEqual(ALL_SEARCH_ATTRIBUTE_KEYS.map((key) => key.name).sort());
});

it('migrates in its own job that the API and the workers wait for, with the namespace job', () => {
  expect(service.migrate).toMatch(/command: \["node", "--import", "tsx", "scripts\/migrate\.ts"\]/);
  for (const role of ['api', 'worker']) {
    expect(dependsOn(role)).toEqual({ migrate: 'service_completed_successfully', 'temporal-namespace': 'service_completed_successfully' });
  }
});

it('publishes only the API; Temporal’s gRPC is not published and its UI only on 127.0.0.1', () => {
  const published: Record<string, string[]> = {};
  for (const [name, block] of Object.entries(service)) {
    const ports = (block.split(/^ {4}ports:\n/m)[1] ?? '').split(/^ {4}\S/m)[0];
    published[name] = [...ports.matchAll(/^ {6}- "?([^"\n]+)"?$/gm)].map((match) => match[1]);
  }
  expect(published.api).toEqual(['${API_PUBLISH:-3000}:3000']);
  expect(published['temporal-ui']).toEqual(['127.0.0.1:8233:8080']);
  for (const [name, entries] of Object.entries(published)) {
    if (name === 'api') continue;
    for (const entry of entries) expect(entry).toMatch(/^127\.0\.0\.1:/);
  }
  expect(compose).not.toMatch(/["\s-]7233:7233/);
});

it('restarts the long-running services and health-checks what others wait on', () => {
  for (const name of ['postgresql', 'temporal', 'temporal-ui', 'api', 'worker']) expect(service[name]).toMatch(/<<: \*restart-policy/);
  expect(compose).toMatch(/x-restart: &restart-policy\n {2}restart: unless-stopped/);
  for (const name of ['temporal-schema', 'temporal-namespace']) expect(service[name]).toMatch(/restart: on-failure:\d+/);
  for (const name of ['postgresql', 'temporal', 'api', 'worker']) expect(service[name]).toMatch(/healthcheck:\n {6}test:/);
  expect(service.api).toMatch(/\/readyz/);
  expect(service.worker).toMatch(/9464\/metrics/);
});

it('passes the contract variables to the app, listens on every interface, and requires none at load time', () => {
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
  expect(compose).toMatch(/^\s+HOST: 0\.0\.0\.0$/m);
  for (const role of ['api', 'worker', 'migrate']) expect(service[role]).toMatch(/<<: \*fareflow-env/);
  expect(withoutComments(compose)).not.toMatch(/\$\{\w+:\?/);
});

it('builds a multi-stage image on an LTS Node, with production dependencies only, run as non-root', () => {
  const bases = [...dockerfile.matchAll(/^ARG NODE_IMAGE=node:(\d+)-/gm)].map((match) => Number(match[1]));
  expect(bases).toHaveLength(1);
  // Even majors are the LTS lines; 20 is past its end of life.
  expect(bases[0] % 2).toBe(0);
  expect(bases[0]).toBeGreaterThanOrEqual(22);
  expect(dockerfile.match(/^FROM /gm)?.length).toBeGreaterThanOrEqual(2);
  expect(dockerfile).toMatch(/npm ci --omit=dev/);
  expect(dockerfile).toMatch(/^USER node$/m);
  // The app runs TypeScript through tsx, so an image without devDependencies needs it at runtime.
  const pkg = JSON.parse(read('package.json')) as { dependencies: Record<string, string> };
  expect(pkg.dependencies.tsx).toBeDefined();
});

it('keeps .env out of git and out of the image, and documents every variable in .env.example', () => {
  for (const file of ['.gitignore', '.dockerignore']) {
    const lines = read(file).split('\n');
    expect(lines).toContain('.env');
    expect(lines).toContain('!.env.example');
  }
  const dockerignore = read('.dockerignore').split('\n');
  for (const entry of ['node_modules/', '.data/', '.git/', 'bench/reports/']) expect(dockerignore).toContain(entry);
  const example = read('.env.example');
  const variables = contractVariables();
  expect(variables).toEqual(expect.arrayContaining(['PORT', 'HOST', 'API_TOKEN', 'STALL_TIMEOUT_SECONDS', 'TEMPORAL_CLI_PATH']));
  for (const name of variables) expect(example).toMatch(new RegExp(`^(# )?${name}[=, ]|[ ,]${name}[,.\\n]`, 'm'));
  for (const name of [
    'TEMPORAL_TLS_CERT_PATH',
    'TEMPORAL_TLS_KEY_PATH',
    'TEMPORAL_TLS_CA_PATH',
    'TEMPORAL_TLS_SERVER_NAME',
    'TEMPORAL_API_KEY',
  ]) {
    expect(example).toContain(name);
  }
  // No secret values: every secret is empty or a placeholder.
  for (const name of ['MONIME_ACCESS_TOKEN', 'MONIME_WEBHOOK_SECRET', 'API_TOKEN']) expect(example).toMatch(new RegExp(`^${name}=$`, 'm'));
});

it('gives PostgreSQL connections for every worker slot, the APIs and Temporal (the default 100 is too few)', () => {
  const command = /postgresql:[\s\S]*?command: \[([^\]]*)\]/.exec(read('docker-compose.yml'))?.[1] ?? '';
  const maxConnections = Number(/max_connections=(\d+)/.exec(command)?.[1]);
  expect(maxConnections).toBeGreaterThanOrEqual(2 * 60 + 2 * 10 + 50);
});
