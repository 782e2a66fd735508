import { type Command, Option } from 'commander';
import {
  type MigrateResult,
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

/** The name to keep when rolling back `steps` migrations from a fully migrated database (dry runs only). */
function keepAfterSteps(steps: number): string | undefined {
  const index = migrations.length - 1 - steps;
  return index >= 0 ? migrations[index]!.name : undefined;
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
  direction: 'up' | 'down',
  to: string | undefined,
): Promise<void> {
  // Never connects: the target's DDL can be reviewed with no cluster at all.
  await runWithConfig(context, options, async ({ config }) => {
    const statements = planMigrationSql({ dialect: config.target, direction, to });
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
    .description('move the warehouse schema to the newest (or a chosen) migration; `latest` is the default')
    .addHelpText(
      'after',
      `
Examples:
  $ sparkify migrate                              apply every pending migration (embedded PostgreSQL by default)
  $ sparkify migrate status --json                applied / pending / changed, as JSON
  $ sparkify migrate --dry-run --target redshift  print the Redshift DDL; needs no cluster
  $ sparkify migrate --to 0002_star_schema        move to exactly that migration (up or down)
  $ sparkify migrate down                         undo the last migration
  $ sparkify migrate rollback --all               undo everything`,
    );

  migrate
    .command('latest', { isDefault: true })
    .description('apply pending migrations (refuses while an applied migration changed)')
    .option('--to <name>', 'move to exactly this migration: apply up to it, or roll back the ones after it')
    .option('--dry-run', `${DRY_RUN_HELP} (as if from an empty database)`)
    .option('--json', 'print the result as JSON')
    .addHelpText(
      'after',
      '\nExamples:\n  $ sparkify migrate latest\n  $ sparkify migrate --to 0001_staging --dry-run',
    )
    .action(async (_options: MigrateOptions, command: Command) => {
      const options = command.optsWithGlobals<MigrateOptions>();
      if (options.dryRun) return dryRun(context, options, 'up', options.to);
      await runWithWarehouse(context, options, async ({ warehouse }) => {
        const result = await migrateTo(warehouse.knex, { dialect: warehouse.dialect, to: options.to });
        printResult(context, result, warehouse.label, options.json);
      });
    });

  migrate
    .command('status')
    .description(
      'list migrations as applied, pending, changed (file edited after it ran) or unknown; exit 1 when any changed',
    )
    .option('--json', 'print the status as JSON: {dialect, applied, pending, changed, migrations: [...]}')
    .addHelpText(
      'after',
      '\nExamples:\n  $ sparkify migrate status\n  $ pnpm migrate status --json | jq .pending',
    )
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

  migrate
    .command('down')
    .description('undo the last applied migration')
    .option('--dry-run', `${DRY_RUN_HELP} (as if every migration were applied)`)
    .option('--json', 'print the result as JSON')
    .addHelpText(
      'after',
      '\nExamples:\n  $ sparkify migrate down\n  $ sparkify migrate down --dry-run --target redshift',
    )
    .action(async (_options: MigrateOptions, command: Command) => {
      const options = command.optsWithGlobals<MigrateOptions>();
      if (options.dryRun) return dryRun(context, options, 'down', keepAfterSteps(1));
      await runWithWarehouse(context, options, async ({ warehouse }) => {
        printResult(
          context,
          await rollbackTo(warehouse.knex, { dialect: warehouse.dialect, steps: 1 }),
          warehouse.label,
          options.json,
        );
      });
    });

  migrate
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
    .addHelpText(
      'after',
      '\nExamples:\n  $ sparkify migrate rollback --steps 2\n  $ sparkify migrate rollback --all --dry-run --target redshift',
    )
    .action(async (_options: MigrateOptions, command: Command) => {
      const options = command.optsWithGlobals<MigrateOptions>();
      const steps = parseSteps(options.steps);
      if (options.dryRun) {
        return dryRun(
          context,
          options,
          'down',
          options.all ? undefined : (options.to ?? keepAfterSteps(steps)),
        );
      }
      await runWithWarehouse(context, options, async ({ warehouse }) => {
        const result = await rollbackTo(warehouse.knex, {
          dialect: warehouse.dialect,
          all: options.all,
          to: options.to,
          steps,
        });
        printResult(context, result, warehouse.label, options.json);
      });
    });

  migrate
    .command('repair')
    .description(
      'record the current checksum of every applied migration (after checking a change is harmless)',
    )
    .option('--json', 'print the repaired migration names as JSON')
    .addHelpText(
      'after',
      '\nExample:\n  $ sparkify migrate status   # shows CHANGED\n  $ sparkify migrate repair',
    )
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

  migrate
    .command('unlock')
    .description('free the migration lock left by a migrate that was killed mid-run')
    .addHelpText('after', '\nExample:\n  $ sparkify migrate unlock')
    .action(async (_options: MigrateOptions, command: Command) => {
      const options = command.optsWithGlobals<MigrateOptions>();
      await runWithWarehouse(context, options, async ({ warehouse }) => {
        await releaseMigrationLock(warehouse.knex, { dialect: warehouse.dialect });
        context.stdout.write(`${warehouse.label}: migration lock released\n`);
      });
    });
}
