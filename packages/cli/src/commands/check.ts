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
  parseReferenceTime,
  QualityError,
  postgresCheckSettings,
  runChecks,
  storeCheckRun,
} from '@sparkify/quality';
import type { CliContext, GlobalOptions } from '../context.js';
import { CliError, ExitCode, ExplainedError } from '../errors.js';
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
  asOf?: string;
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
  return buildSuite(parseCheckConfig(text, checksFile));
}

function parseSampleSize(value: string | undefined): number {
  const size = value === undefined ? 10 : Number(value);
  if (!Number.isInteger(size) || size < 1 || size > 1000) {
    throw new CliError(`--sample-size: expected a whole number from 1 to 1000, got "${value}"`);
  }
  return size;
}

/** `--as-of` as a Date (undefined: judge against the clock); a malformed time exits 2 naming it. */
function parseAsOf(value: string | undefined): Date | undefined {
  if (value === undefined) return undefined;
  return parseReferenceTime(value);
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
  const asOf = parseAsOf(options.asOf);
  const sampleSize = parseSampleSize(options.sampleSize);
  await requireMigrated(warehouse);
  let report: CheckReport;
  try {
    report = await runChecks(warehouse.knex, suite, {
      sampleSize,
      ...(asOf ? { asOf } : {}),
      ...(warehouse.dialect === 'postgres' ? { sessionSettings: postgresCheckSettings } : {}),
    });
  } catch (error) {
    if (error instanceof QualityError)
      throw new ExplainedError(`${error.message} (${warehouse.label})`, error);
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
      'run data-quality checks (row counts, null and unique keys, orphans, accepted values, ledger reconciliation, match rate, freshness, volume against earlier loads, unknown JSON keys, null rates)',
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
      '--as-of <time>',
      'judge freshness at this time instead of now: 2018-12-01 (00:00 UTC) or 2018-11-30T18:00 (UTC unless a zone is given)',
    )
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
              {"type": "sql", "name": "no_future_plays", "sql": "SELECT songplay_id FROM songplays WHERE start_time > '2030-01-01'"}]}

Watching change over time (in the default suite too; replace one by giving its name, e.g. freshness_plays):
  freshness       {"type": "freshness", "of": "plays"|"loads", "warnAfter": "36h", "errorAfter": "3d"}
                  how old the newest songplay start_time / the last successful load is at the reference time:
                  now, or --as-of for a warehouse of historical data (a load after that time counts as fresh).
                  Durations: 90m, 36h, 2d, 1d12h, 1w, or ISO 8601 PT36H, P2D. Default: 36h / 3d for both.
  volume_anomaly  {"type": "volume_anomaly", "metric": "nextsong_events"|"objects"|"rejects", "onDrop": "error",
                   "onSpike": "warn", "minHistory": 7, "window": 28, "byWeekday": false}
                  the newest successful load that read objects against earlier ones (etl_runs), by median and MAD;
                  "error" | "warn" | "ignore" per direction; with fewer than minHistory loads it passes with a
                  note. Full refreshes and "nothing new" runs are not compared. Default: NextSong events drop
                  error, spike warn; objects warn; rejects spike warn.
  unknown_keys    {"type": "unknown_keys", "dataset": "events", "ignore": ["sessionLength"]}
                  warns while the newest load met JSON keys the format does not know, naming them.
  null_rate       {"type": "null_rate", "field": "location", "maxIncrease": 0.25, "minRecords": 20}
                  warns when an optional field is null far more often than in the earlier loads (etl_field_nulls).
  e.g. {"checks": [{"type": "freshness", "name": "freshness_plays", "of": "plays", "warnAfter": "6h", "errorAfter": "1d"}]}`,
    )
    .action(async (_options: CheckOptions, command: Command) => {
      const options = command.optsWithGlobals<CheckOptions>();
      if (options.dryRun) {
        // Never connects: the SQL is the same for both targets.
        const suite = await loadSuite(context, options.checks);
        parseAsOf(options.asOf);
        context.stdout.write(formatDryRun(suite, { sampleSize: parseSampleSize(options.sampleSize) }));
        return;
      }
      await runWithWarehouse(context, options, async ({ warehouse, config }) => {
        context.exitCode = await runCheck(context, warehouse, options, config.notifyUrl);
      });
    });
  // The examples run on a warehouse of generated 2018 data (sparkify generate): judged against today, its plays
  // are years old and freshness fails, as it should; --as-of judges it at the end of the sample.
  addExamples(check, [
    { run: 'sparkify check', says: 'run the default suite, print a table', exitCode: 1 },
    {
      run: 'sparkify check --as-of 2018-12-01',
      says: 'historical data: judge freshness at the end of the 2018 sample, not today',
    },
    {
      run: 'sparkify check --as-of 2018-12-01 --format junit --output r.xml',
      says: 'JUnit for CI (the table still goes to stdout)',
    },
    { run: `sparkify check --format json | jq '.results[] | select(.status != "pass")'` },
    { run: 'pnpm check --format json | jq -e .results', says: 'pure JSON through pnpm too' },
    {
      run: 'sparkify check --checks checks.json --fail-on warn --as-of 2018-12-01',
      says: 'exit 1 on warnings too',
    },
    { run: 'sparkify check --dry-run', says: 'print the SQL; needs no database' },
    {
      run: 'sparkify check --as-of 2018-12-01 --notify https://hooks.slack.com/services/…',
      says: 'alert a channel on failures and warnings',
    },
  ]);
}
