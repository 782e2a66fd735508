/**
 * The one helper a command needs to talk to the warehouse:
 *
 *   program.command('load').action(async (options, command) => {
 *     await runWithWarehouse(context, command.optsWithGlobals(), async ({ config, warehouse, out }) => {
 *       const result = await load({ knex: warehouse.knex, dialect: warehouse.dialect, ... });
 *       out(`added ${result.stages.transform.songplaysAdded} songplays to ${warehouse.label}`);
 *       if (result.status !== 'succeeded') context.exitCode = ExitCode.dataFailure;
 *     });
 *   });
 *
 * It resolves the configuration (flags > env > file > defaults), makes every secret of it redacted in anything
 * written to context.stdout/stderr, opens the warehouse (embedded PostgreSQL started on demand), and closes it
 * when the work ends, also on error. Connection failures become a one-line CliError with exit 2. Paths that
 * must not connect (`--dry-run`) use `runWithConfig` instead.
 */
import type { CliContext, GlobalOptions } from './context.js';
import type { SparkifyConfig } from './config/config-schema.js';
import { resolveConfig } from './config/resolve-config.js';
import { describeConnectionError } from './connection-error.js';
import { LoaderError } from '@sparkify/loader';
import { CliError, ExitCode } from './errors.js';
import { openWarehouse, type Warehouse } from './warehouse.js';

/** What a command's work receives. */
export interface CommandScope {
  config: SparkifyConfig;
  context: CliContext;
  /** Writes one line to stdout (redacted). */
  out: (line: string) => void;
  /** Writes one line to stderr (redacted): progress, notices, warnings. */
  err: (line: string) => void;
}

export interface WarehouseScope extends CommandScope {
  warehouse: Warehouse;
}

/** Runs `work` with the resolved configuration and redacted output, without connecting to anything. */
export async function runWithConfig<T>(
  context: CliContext,
  options: GlobalOptions,
  work: (scope: CommandScope) => T | Promise<T>,
): Promise<T> {
  // Inside this async function a throw (a bad setting, or work's own) still becomes the returned rejection.
  const config = resolveConfig(options, context);
  return work({
    config,
    context,
    out: (line) => context.stdout.write(`${line}\n`),
    err: (line) => context.stderr.write(`${line}\n`),
  });
}

/** Runs `work` with the resolved configuration, redacted output and an open warehouse that is closed afterwards. */
export async function runWithWarehouse<T>(
  context: CliContext,
  options: GlobalOptions,
  work: (scope: WarehouseScope) => Promise<T>,
): Promise<T> {
  return runWithConfig(context, options, (scope) => withWarehouse(scope, work));
}

/** Opens the warehouse of an already resolved scope, runs `work`, and closes it (for commands that decide first). */
export async function withWarehouse<T>(
  scope: CommandScope,
  work: (scope: WarehouseScope) => Promise<T>,
): Promise<T> {
  const warehouse = await openWarehouse(scope.config, scope.context);
  try {
    return await work({ ...scope, warehouse });
  } catch (error) {
    // Only the database's own failures are connection errors: a failed S3 request (a LoaderError that carries
    // its origin) also has ENOTFOUND or ECONNREFUSED in its causes, and must be reported as S3's.
    const fromS3 = error instanceof LoaderError && error.s3 !== undefined;
    const message = error instanceof CliError || fromS3 ? undefined : describeConnectionError(error);
    if (message)
      throw new CliError(`${message} (${warehouse.label})`, ExitCode.cannotRun, 'CONNECTION_FAILED', {
        cause: error,
      });
    throw error;
  } finally {
    await warehouse.close().catch(() => undefined);
  }
}
