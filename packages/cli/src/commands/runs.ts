import type { Command } from 'commander';
import { analyticsModule } from '../analytics-module.js';
import type { CliContext, GlobalOptions } from '../context.js';
import { CliError } from '../errors.js';
import { addExamples } from '../help-examples.js';
import { runWithWarehouse } from '../run-command.js';

interface RunsOptions extends GlobalOptions {
  limit?: string;
  json?: boolean;
}

function wholeNumber(option: string, value: string | undefined, fallback: number): number {
  const parsed = value === undefined ? fallback : /^\d+$/.test(value) ? Number(value) : Number.NaN;
  if (!Number.isSafeInteger(parsed) || parsed < 1) {
    throw new CliError(`${option}: expected a whole number of at least 1, got "${value}"`);
  }
  return parsed;
}

/** `sparkify runs` and `sparkify runs show <id>`: the load history kept in etl_runs, etl_files and etl_rejects. */
export function registerRunsCommand(program: Command, context: CliContext): void {
  const runs = program
    .command('runs')
    .description('the load history: when, status, objects, records, rejects and seconds of the last loads')
    .option('-n, --limit <n>', 'how many of the latest loads', '20')
    .option('--json', 'print JSON instead of a table')
    .action(async (_options: RunsOptions, command: Command) => {
      const options = command.optsWithGlobals<RunsOptions>();
      const limit = wholeNumber('--limit', options.limit, 20);
      await runWithWarehouse(context, options, async ({ warehouse }) => {
        const { formatRunsTable, listRuns } = await analyticsModule();
        const list = await listRuns(warehouse.knex, { limit });
        context.stdout.write(
          options.json ? `${JSON.stringify({ runs: list }, null, 2)}\n` : formatRunsTable(list),
        );
      });
    });
  addExamples(runs, [
    { run: 'sparkify runs', says: 'the last 20 loads, newest first' },
    { run: 'sparkify runs --limit 5 --json' },
    { run: 'sparkify runs show 1', says: "one load's files and rejects" },
  ]);
  const show = runs
    .command('show')
    .description('one load: its totals, every file it read, and its rejects')
    .argument('<id>', 'the run id (the RUN column of sparkify runs)')
    .option('--rejects <n>', 'rejects shown at most', '100')
    .option('--json', 'print JSON instead of text')
    .action(async (id: string, _options: RunsOptions & { rejects?: string }, command: Command) => {
      const options = command.optsWithGlobals<RunsOptions & { rejects?: string }>();
      const runId = wholeNumber('run id', id, 0);
      const rejectLimit = wholeNumber('--rejects', options.rejects, 100);
      await runWithWarehouse(context, options, async ({ warehouse }) => {
        const { formatRunDetail, showRun } = await analyticsModule();
        const detail = await showRun(warehouse.knex, runId, { rejectLimit });
        context.stdout.write(options.json ? `${JSON.stringify(detail, null, 2)}\n` : formatRunDetail(detail));
      });
    });
  addExamples(show, [{ run: 'sparkify runs show 1 --json' }]);
}
