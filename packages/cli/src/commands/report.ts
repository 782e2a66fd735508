import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Command } from 'commander';
import { analyticsModule } from '../analytics-module.js';
import type { CliContext } from '../context.js';
import { addExamples } from '../help-examples.js';
import { CliError } from '../errors.js';
import { runWithWarehouse } from '../run-command.js';
import type { Warehouse } from '../warehouse.js';
import { type QuestionCommandOptions, questionOptions, questionsFor } from './analytics-options.js';

export interface ReportOptions extends QuestionCommandOptions {
  out?: string;
  runs?: string;
}

/** Builds the report on an open warehouse and writes it; returns the absolute path. `sparkify demo` reuses it. */
export async function writeReport(
  context: CliContext,
  warehouse: Warehouse,
  options: ReportOptions,
): Promise<{ file: string; charts: number }> {
  const runs = options.runs === undefined ? 30 : Number(options.runs);
  if (!Number.isInteger(runs) || runs < 1 || runs > 1000) {
    throw new CliError(`--runs: expected a whole number from 1 to 1000, got "${options.runs}"`);
  }
  const questions = await questionsFor(context, options);
  const file = path.resolve(context.cwd, options.out ?? 'report.html');
  const { buildReport } = await analyticsModule();
  const { html } = await buildReport(warehouse.knex, questions, {
    ...questionOptions(options),
    warehouse: warehouse.label,
    now: new Date(),
    runs,
  });
  await writeFile(file, html);
  return { file, charts: (html.match(/data-chart="/g) ?? []).length };
}

/** `sparkify report`: one self-contained HTML page of the answers, the load history and the checks. */
export function registerReportCommand(program: Command, context: CliContext): void {
  const command = program
    .command('report')
    .description(
      'write a self-contained HTML report: listening charts, load history, check results, freshness',
    )
    .option('--out <file>', 'where to write the page', 'report.html')
    .option('--since <date>', 'only plays on or after this day (yyyy-mm-dd, UTC)')
    .option('--until <date>', 'only plays on or before this day (yyyy-mm-dd, UTC)')
    .option('--limit <n>', 'rows in top lists', '10')
    .option('--runs <n>', 'loads and check runs shown in the history', '30')
    .option(
      '--questions <folder>',
      'a folder of your own questions (*.sql); one named like a built-in replaces it',
    )
    .addHelpText(
      'after',
      `
The page opens from disk with no network (the chart library is inside the file), in light or dark mode. Its
numbers are the answers of \`sparkify analytics --format json\` with the same options. Each chart has its table
for screen readers (and a checkbox at the top shows them all).`,
    )
    .action(async (_options: ReportOptions, command: Command) => {
      const options = command.optsWithGlobals<ReportOptions>();
      await runWithWarehouse(context, options, async ({ warehouse, out }) => {
        const { file, charts } = await writeReport(context, warehouse, options);
        out(`report written to ${file} (${charts} charts)`);
      });
    });
  addExamples(command, [
    { run: 'sparkify report --out report.html', says: 'then open report.html in any browser' },
    { run: 'sparkify report --since 2018-11-01 --until 2018-11-30 --out november.html' },
  ]);
}
