import { type Command, Option } from 'commander';
import {
  type MigrateResult,
  type MigrationPlanTarget,
  type MigrationStatus,
  migrateTo,
  migrationStatus,
  migrations,
  planMigrationSql,
  type PlannedStatement,
  releaseMigrationLock,
  repairChecksums,
  rollbackTo,
} from '@sparkify/schema';
import type { CliContext, GlobalOptions } from '../context.js';
import { CliError, ExitCode } from '../errors.js';
import { addExamples } from '../help-examples.js';
import { whileHoldingLoadLock } from '../schema-change-lock.js';
import { runWithConfig, runWithWarehouse } from '../run-command.js';
import type { Dialect } from '@sparkify/schema';

interface MigrateOptions extends GlobalOptions {
  to?: string;
  dryRun?: boolean;
  json?: boolean;
  all?: boolean;
  steps?: string;
}

/** The SQL text a dry run prints: each migration's statements under a comment naming it. */
export function formatPlannedSql(statements: readonly PlannedStatement[], dialect: Dialect): string {
  if (statements.length === 0) return `-- nothing to run (${dialect})\n`;
  const lines = [
    `-- sparkify migrations, ${dialect} dialect, ${statements[0]!.direction}; nothing was sent anywhere`,
  ];
  let current = '';
  for (const statement of statements) {
    if (statement.migration !== current) {
      current = statement.migration;
      lines.push('', `-- ${statement.migration} (${statement.direction})`);
    }
    lines.push(`${statement.sql.trim().replace(/;$/, '')};`);
  }
  return `${lines.join('\n')}\n`;
}

function printResult(
  context: CliContext,
  result: MigrateResult,
  label: string,
  json: boolean | undefined,
): void {
  if (json) {
    context.stdout.write(`${JSON.stringify({ ...result, warehouse: label }, null, 2)}\n`);
    return;
  }
  if (result.ran.length === 0) {
    context.stdout.write(
      `${label}: already ${result.direction === 'up' ? 'up to date' : 'at that point'}; nothing to run\n`,
    );
    return;
  }
  const verb = result.direction === 'up' ? 'applied' : 'rolled back';
  context.stdout.write(
    `${label}: ${verb} ${result.ran.length} migration${result.ran.length === 1 ? '' : 's'}\n`,
  );
  for (const name of result.ran) context.stdout.write(`  ${result.direction === 'up' ? '↑' : '↓'} ${name}\n`);
}

function printStatus(context: CliContext, status: MigrationStatus, label: string): void {
  context.stdout.write(`${label} (${status.dialect})\n`);
  const width = Math.max(...status.migrations.map((row) => row.name.length), 4);
  for (const row of status.migrations) {
    const applied = row.appliedAt ? `  batch ${row.batch}, ${row.appliedAt}` : '';
    context.stdout.write(`  ${row.state.padEnd(8)} ${row.name.padEnd(width)}${applied}\n`);
  }
  context.stdout.write(`${status.applied} applied, ${status.pending} pending, ${status.changed} changed\n`);
  const changed = status.migrations.filter((row) => row.state === 'changed').map((row) => row.name);
  if (changed.length > 0) {
    context.stdout.write(
      `CHANGED since applied: ${changed.join(', ')}. Restore the original SQL and add a new migration; if the ` +
        'database already matches, record it with `sparkify migrate repair`.\n',
    );
  }
  const unknown = status.migrations.filter((row) => row.state === 'unknown').map((row) => row.name);
  if (unknown.length > 0)
    context.stdout.write(`UNKNOWN (applied, not in this code): ${unknown.join(', ')}\n`);
}

/**
 * The migration a `--to` names: its full name or a prefix only it starts with (`0001` or `0001_staging` for
 * `0001_staging`); anything else is a usage error listing the names there are.
 */
export function resolveMigrationName(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  const names = migrations.map((migration) => migration.name);
  if (names.includes(value)) return value;
  const matching = names.filter((name) => name.startsWith(value));
  if (matching.length === 1) return matching[0];
  const known = names.join(', ');
  throw new CliError(
    matching.length === 0
      ? `--to: no migration is named or starts with "${value}"; the migrations are ${known}`
      : `--to: "${value}" matches ${matching.join(' and ')}; give more of the name`,
  );
}

function parseSteps(value: string | undefined): number {
  const steps = value === undefined ? 1 : Number(value);
  if (!Number.isInteger(steps) || steps < 1)
    throw new CliError(`--steps: expected a whole number of at least 1, got "${value}"`);
  return steps;
}

async function dryRun(
  context: CliContext,
  options: MigrateOptions,
  target: MigrationPlanTarget,
): Promise<void> {
  const { direction } = target;
  // Never connects: the target's DDL can be reviewed with no cluster at all.
  await runWithConfig(context, options, ({ config }) => {
    const statements = planMigrationSql({ dialect: config.target, ...target });
    if (options.json)
      context.stdout.write(
        `${JSON.stringify({ dryRun: true, dialect: config.target, direction, statements }, null, 2)}\n`,
      );
    else context.stdout.write(formatPlannedSql(statements, config.target));
  });
}

const DRY_RUN_HELP = 'print the SQL for the target (postgres or redshift) without connecting';

/** `sparkify migrate [latest|status|down|rollback|repair|unlock]`: versioned schema migrations. */
export function registerMigrateCommand(program: Command, context: CliContext): void {
  const migrate = program
    .command('migrate')
    .description('move the warehouse schema to the newest (or a chosen) migration; `latest` is the default');
  addExamples(migrate, [
    { run: 'sparkify migrate', says: 'apply every pending migration (embedded PostgreSQL by default)' },
    { run: 'sparkify migrate status --json', says: 'applied / pending / changed, as JSON' },
    { run: 'sparkify migrate --dry-run --target redshift', says: 'print the Redshift DDL; needs no cluster' },
    {
      run: 'sparkify migrate --to 0002',
      says: 'move to exactly that migration, up or down (a unique prefix will do)',
    },
    { run: 'sparkify migrate down', says: 'undo the last migration' },
    { run: 'sparkify migrate rollback --all', says: 'undo everything' },
  ]);

  const latest = migrate
    .command('latest', { isDefault: true })
    .description('apply pending migrations (refuses while an applied migration changed)')
    .option('--to <name>', 'move to exactly this migration: apply up to it, or roll back the ones after it')
    .option('--dry-run', `${DRY_RUN_HELP} (as if from an empty database)`)
    .option('--json', 'print the result as JSON')
    .action(async (_options: MigrateOptions, command: Command) => {
      const options = command.optsWithGlobals<MigrateOptions>();
      const to = resolveMigrationName(options.to);
      if (options.dryRun) return dryRun(context, options, { direction: 'up', to });
      await runWithWarehouse(context, options, async ({ warehouse }) => {
        const result = await whileHoldingLoadLock(warehouse.knex, () =>
          migrateTo(warehouse.knex, { dialect: warehouse.dialect, to }),
        );
        printResult(context, result, warehouse.label, options.json);
      });
    });

  addExamples(latest, [
    { run: 'sparkify migrate latest' },
    {
      run: 'sparkify migrate --to 0001_staging --dry-run',
      says: 'the SQL up to 0001_staging, without connecting',
    },
  ]);

  const status = migrate
    .command('status')
    .description(
      'list migrations as applied, pending, changed (file edited after it ran) or unknown; exit 1 when any changed',
    )
    .option('--json', 'print the status as JSON: {dialect, applied, pending, changed, migrations: [...]}')
    .action(async (_options: MigrateOptions, command: Command) => {
      const options = command.optsWithGlobals<MigrateOptions>();
      await runWithWarehouse(context, options, async ({ warehouse }) => {
        const status = await migrationStatus(warehouse.knex, { dialect: warehouse.dialect });
        if (options.json) context.stdout.write(`${JSON.stringify(status, null, 2)}\n`);
        else printStatus(context, status, warehouse.label);
        if (status.changed > 0 || status.migrations.some((row) => row.state === 'unknown'))
          context.exitCode = ExitCode.dataFailure;
      });
    });

  addExamples(status, [
    { run: 'sparkify migrate status' },
    { run: 'pnpm migrate status --json | jq -e .pending', says: 'how many migrations are pending' },
  ]);

  const down = migrate
    .command('down')
    .description('undo the last applied migration')
    .option('--dry-run', `${DRY_RUN_HELP} (as if every migration were applied)`)
    .option('--json', 'print the result as JSON')
    .action(async (_options: MigrateOptions, command: Command) => {
      const options = command.optsWithGlobals<MigrateOptions>();
      if (options.dryRun) return dryRun(context, options, { direction: 'down', steps: 1 });
      await runWithWarehouse(context, options, async ({ warehouse }) => {
        printResult(
          context,
          await whileHoldingLoadLock(warehouse.knex, () =>
            rollbackTo(warehouse.knex, { dialect: warehouse.dialect, steps: 1 }),
          ),
          warehouse.label,
          options.json,
        );
      });
    });

  addExamples(down, [
    { run: 'sparkify migrate down' },
    { run: 'sparkify migrate down --dry-run --target redshift' },
  ]);

  const rollback = migrate
    .command('rollback')
    .description('undo migrations: the last one, --steps N, everything after --to <name>, or --all')
    .option('--steps <n>', 'how many migrations to undo', '1')
    .option('--to <name>', 'undo every migration after this one (it stays applied)')
    .addOption(
      new Option('--all', 'undo every migration (drops every table the migrations made)').conflicts([
        'to',
        'steps',
      ]),
    )
    .option('--dry-run', `${DRY_RUN_HELP} (as if every migration were applied)`)
    .option('--json', 'print the result as JSON')
    .action(async (_options: MigrateOptions, command: Command) => {
      const options = command.optsWithGlobals<MigrateOptions>();
      const steps = parseSteps(options.steps);
      if (options.dryRun) {
        return dryRun(context, options, {
          direction: 'down',
          all: options.all,
          to: resolveMigrationName(options.to),
          steps,
        });
      }
      await runWithWarehouse(context, options, async ({ warehouse }) => {
        const result = await whileHoldingLoadLock(warehouse.knex, () =>
          rollbackTo(warehouse.knex, {
            dialect: warehouse.dialect,
            all: options.all,
            to: resolveMigrationName(options.to),
            steps,
          }),
        );
        printResult(context, result, warehouse.label, options.json);
      });
    });

  addExamples(rollback, [
    { run: 'sparkify migrate rollback --steps 2' },
    { run: 'sparkify migrate rollback --to 0001', says: 'keep 0001_staging_tables, undo the ones after it' },
    { run: 'sparkify migrate rollback --all --dry-run --target redshift' },
  ]);

  const repair = migrate
    .command('repair')
    .description(
      'record the current checksum of every applied migration (after checking a change is harmless)',
    )
    .option('--json', 'print the repaired migration names as JSON')
    .action(async (_options: MigrateOptions, command: Command) => {
      const options = command.optsWithGlobals<MigrateOptions>();
      await runWithWarehouse(context, options, async ({ warehouse }) => {
        const repaired = await repairChecksums(warehouse.knex, { dialect: warehouse.dialect });
        if (options.json) context.stdout.write(`${JSON.stringify({ repaired }, null, 2)}\n`);
        else
          context.stdout.write(
            `${warehouse.label}: recorded checksums of ${repaired.length} applied migrations\n`,
          );
      });
    });

  addExamples(repair, [
    { run: 'sparkify migrate status', says: 'shows CHANGED after an applied migration file was edited' },
    { run: 'sparkify migrate repair', says: 'once the change is known to be harmless' },
  ]);

  const unlock = migrate
    .command('unlock')
    .description('free the migration lock left by a migrate that was killed mid-run')
    .action(async (_options: MigrateOptions, command: Command) => {
      const options = command.optsWithGlobals<MigrateOptions>();
      await runWithWarehouse(context, options, async ({ warehouse }) => {
        await releaseMigrationLock(warehouse.knex, { dialect: warehouse.dialect });
        context.stdout.write(`${warehouse.label}: migration lock released\n`);
      });
    });
  addExamples(unlock, [{ run: 'sparkify migrate unlock' }]);
}
