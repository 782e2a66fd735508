import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { type Command, Option } from 'commander';
import {
  buildSuite,
  type Check,
  checkAlert,
  type CheckReport,
  checkExitCode,
  formatDryRun,
  formatGithubAnnotations,
  formatJson,
  formatJunit,
  formatTable,
  parseCheckConfig,
  QualityError,
  runChecks,
  storeCheckRun,
} from '@sparkify/quality';
import type { CliContext, GlobalOptions } from '../context.js';
import { CliError, ExitCode } from '../errors.js';
import { addExamples } from '../help-examples.js';
import { requireMigrated } from '../require-migrated.js';
import { runWithWarehouse } from '../run-command.js';
import { sendAlert } from '../send-alert.js';
import type { Warehouse } from '../warehouse.js';

export interface CheckOptions extends GlobalOptions {
  format?: 'table' | 'json' | 'junit';
  output?: string;
  checks?: string;
  dryRun?: boolean;
  failOn?: 'error' | 'warn';
  store?: boolean;
  sampleSize?: string;
}

/** The suite to run: the default one, or as a checks file (JSON) shapes it; a bad file exits 2 naming the problem. */
async function loadSuite(context: CliContext, checksFile: string | undefined): Promise<Check[]> {
  if (!checksFile) return buildSuite();
  const file = path.resolve(context.cwd, checksFile);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new CliError(
      `cannot read the checks file ${checksFile}: ${(error as Error).message}`,
      ExitCode.cannotRun,
      'CHECKS_FILE',
      { cause: error },
    );
  }
  try {
    return buildSuite(parseCheckConfig(text, checksFile));
  } catch (error) {
    if (error instanceof QualityError)
      throw new CliError(error.message, ExitCode.cannotRun, error.code, { cause: error });
    throw error;
  }
}

function parseSampleSize(value: string | undefined): number {
  const size = value === undefined ? 10 : Number(value);
  if (!Number.isInteger(size) || size < 1 || size > 1000) {
    throw new CliError(`--sample-size: expected a whole number from 1 to 1000, got "${value}"`);
  }
  return size;
}

function render(report: CheckReport, format: CheckOptions['format'], color: boolean): string {
  if (format === 'json') return formatJson(report);
  if (format === 'junit') return formatJunit(report);
  return formatTable(report, { color });
}

/**
 * Runs the checks on an open warehouse and reports them as the options ask; returns the exit code
 * (0 passed, 1 an error-severity check failed, 2 a check could not run). `sparkify demo` reuses it.
 */
export async function runCheck(
  context: CliContext,
  warehouse: Warehouse,
  options: CheckOptions,
  notifyUrl?: string,
): Promise<number> {
  const suite = await loadSuite(context, options.checks);
  await requireMigrated(warehouse);
  let report: CheckReport;
  try {
    report = await runChecks(warehouse.knex, suite, { sampleSize: parseSampleSize(options.sampleSize) });
  } catch (error) {
    if (error instanceof QualityError) {
      throw new CliError(`${error.message} (${warehouse.label})`, ExitCode.cannotRun, error.code, {
        cause: error,
      });
    }
    throw error;
  }

  const machineStdout = !options.output && options.format !== undefined && options.format !== 'table';
  if (options.output) {
    await writeFile(path.resolve(context.cwd, options.output), render(report, options.format, false));
    context.stdout.write(formatTable(report, { color: context.isTTY }));
    context.stdout.write(`report written to ${options.output}\n`);
  } else {
    context.stdout.write(render(report, options.format, context.isTTY));
  }
  if (context.env['GITHUB_ACTIONS'] === 'true') {
    // Annotations must not corrupt JSON or XML on stdout; the runner reads workflow commands from stderr too.
    (machineStdout ? context.stderr : context.stdout).write(formatGithubAnnotations(report));
  }

  let exitCode: number = checkExitCode(report, { failOn: options.failOn });
  if (options.store !== false) {
    try {
      const checkRunId = await storeCheckRun(warehouse.knex, report);
      context.stderr.write(`results stored as check run ${checkRunId} (tables check_runs, check_results)\n`);
    } catch (error) {
      context.stderr.write(
        `could not store the results: ${(error as Error).message} (is the schema migrated? sparkify migrate)\n`,
      );
      exitCode = ExitCode.cannotRun;
    }
  }
  await sendAlert(context, notifyUrl, checkAlert(report, warehouse.label));
  return exitCode;
}

/** `sparkify check`: the data-quality suite over the star schema and the load ledger, built for CI. */
export function registerCheckCommand(program: Command, context: CliContext): void {
  const check = program
    .command('check')
    .description(
      'run data-quality checks (row counts, null and unique keys, orphans, accepted values, ledger reconciliation, match rate)',
    )
    .addOption(
      new Option('--format <format>', 'report format').choices(['table', 'json', 'junit']).default('table'),
    )
    .option('-o, --output <file>', 'write the report to a file (the table still goes to stdout)')
    .option(
      '--checks <file>',
      'a checks file (JSON): {"defaults": true, "exclude": [names], "checks": [{type, table, ...}]}',
    )
    .option(
      '--dry-run',
      'print the SQL the checks would run (the same on PostgreSQL and Redshift) without connecting',
    )
    .addOption(
      new Option('--fail-on <level>', 'exit 1 on failed checks only (error) or on warnings too (warn)')
        .choices(['error', 'warn'])
        .default('error'),
    )
    .option('--no-store', 'do not record the results in check_runs / check_results')
    .option('--sample-size <n>', 'failing rows kept per check', '10')
    .option(
      '--notify <url>',
      'post a message (Slack incoming-webhook JSON) when a check fails or warns; config key notifyUrl',
    )
    .addHelpText(
      'after',
      `
Exit codes: 0 all passed (warnings allowed), 1 an error-severity check failed, 2 could not run (configuration,
checks file, connection, a check whose SQL fails). On GitHub Actions (GITHUB_ACTIONS=true) failures and
warnings are also printed as annotations.

Checks file example (types: row_count, not_null, unique, relationships, accepted_values, accepted_range,
match_rate, file_accounting, nextsong_reconciliation, sql; each takes severity, warnAbove, errorAbove, name):
  {"exclude": ["accepted_values_users_gender"],
   "checks": [{"type": "row_count", "table": "songplays", "min": 1000},
              {"type": "accepted_values", "table": "users", "column": "level", "values": ["free", "paid"]},
              {"type": "sql", "name": "no_future_plays", "sql": "SELECT songplay_id FROM songplays WHERE start_time > '2030-01-01'"}]}`,
    )
    .action(async (_options: CheckOptions, command: Command) => {
      const options = command.optsWithGlobals<CheckOptions>();
      if (options.dryRun) {
        // Never connects: the SQL is the same for both targets.
        const suite = await loadSuite(context, options.checks);
        context.stdout.write(formatDryRun(suite, { sampleSize: parseSampleSize(options.sampleSize) }));
        return;
      }
      await runWithWarehouse(context, options, async ({ warehouse, config }) => {
        context.exitCode = await runCheck(context, warehouse, options, config.notifyUrl);
      });
    });
  addExamples(check, [
    { run: 'sparkify check', says: 'run the default suite, print a table' },
    {
      run: 'sparkify check --format junit --output r.xml',
      says: 'JUnit for CI (the table still goes to stdout)',
    },
    { run: `sparkify check --format json | jq '.results[] | select(.status != "pass")'` },
    { run: 'pnpm check --format json | jq -e .results', says: 'pure JSON through pnpm too' },
    { run: 'sparkify check --checks checks.json --fail-on warn', says: 'exit 1 on warnings too' },
    { run: 'sparkify check --dry-run', says: 'print the SQL; needs no database' },
    {
      run: 'sparkify check --notify https://hooks.slack.com/services/…',
      says: 'alert a channel on failures and warnings',
    },
  ]);
}
