import { migrationStatus } from '@sparkify/schema';
import { CliError, ExitCode } from './errors.js';
import type { Warehouse } from './warehouse.js';

/**
 * Refuses, with one line and exit 2, to run a command that reads the schema (`check`) against a warehouse whose
 * migrations are not all applied: every query would fail on a missing table, one error per check.
 */
export async function requireMigrated(warehouse: Warehouse): Promise<void> {
  const status = await migrationStatus(warehouse.knex, { dialect: warehouse.dialect });
  if (status.pending === 0) return;
  const how =
    status.applied === 0 ? '' : ` (${status.pending} of ${status.migrations.length} migrations pending)`;
  throw new CliError(
    `the schema is not migrated${how}: run \`pnpm migrate\` (${warehouse.label})`,
    ExitCode.cannotRun,
    'NOT_MIGRATED',
  );
}
