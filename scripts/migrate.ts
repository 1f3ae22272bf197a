/** `npm run migrate`: creates the database when missing and applies pending migrations. */
import { ConfigError, loadConfig } from '../config';
import { migrate } from '../db/migrate';
import { DatabaseNotFound, findDatabaseUrl } from '../db/server/findDatabase';

async function main(): Promise<void> {
  const config = loadConfig();
  const databaseUrl = await findDatabaseUrl(config);
  await migrate(databaseUrl, (line) => process.stdout.write(`${line}\n`));
  process.stdout.write(`migrated ${new URL(databaseUrl).pathname.slice(1)}\n`);
}

main().catch((error) => {
  process.stderr.write(
    `${error instanceof ConfigError || error instanceof DatabaseNotFound ? error.message : ((error as Error).stack ?? String(error))}\n`,
  );
  process.exit(1);
});
