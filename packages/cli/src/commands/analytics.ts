import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { type Command, Option } from 'commander';
import type { AnalyticsResult } from '@sparkify/analytics';
import { analyticsModule } from '../analytics-module.js';
import type { CliContext } from '../context.js';
import { addExamples } from '../help-examples.js';
import { runWithConfig, runWithWarehouse } from '../run-command.js';
import {
  type QuestionCommandOptions,
  questionFilesHelp,
  questionOptions,
  questionsFor,
} from './analytics-options.js';

interface AnalyticsOptions extends QuestionCommandOptions {
  format?: 'table' | 'json' | 'csv';
  output?: string;
  list?: boolean;
  dryRun?: boolean;
}

async function render(result: AnalyticsResult, format: AnalyticsOptions['format']): Promise<string> {
  const { formatAnswersCsv, formatAnswersJson, formatAnswersTable } = await analyticsModule();
  if (format === 'json') return formatAnswersJson(result);
  if (format === 'csv') return formatAnswersCsv(result);
  return formatAnswersTable(result);
}

/** `sparkify analytics [question…]`: the analytics team's questions, answered from the star schema. */
export function registerAnalyticsCommand(program: Command, context: CliContext): void {
  const command = program
    .command('analytics')
    .description(
      'answer the analytics team’s questions (most played songs as played, peak hour, sessions, …) with portable SQL',
    )
    .argument('[question...]', 'questions to answer (default: all; --list names them)')
    .option('--list', 'list the questions, one line each, and exit (needs no database)')
    .option('--since <date>', 'only plays on or after this day (yyyy-mm-dd, UTC)')
    .option('--until <date>', 'only plays on or before this day (yyyy-mm-dd, UTC; the whole day counts)')
    .option('--limit <n>', 'rows in top lists', '10')
    .addOption(
      new Option('--format <format>', 'output format').choices(['table', 'json', 'csv']).default('table'),
    )
    .option('-o, --output <file>', 'write the answers to a file instead of stdout')
    .option(
      '--questions <folder>',
      'a folder of your own questions (*.sql), shown and run like the built-in ones',
    )
    .option('--dry-run', 'print the exact SQL and the bound parameter values without connecting')
    .addHelpText(
      'after',
      `
Song and artist answers count what users played (the title and artist the app logged), with the catalogue match
rate beside them; where the answer from catalogue-matched plays differs, both are shown, labelled.
${questionFilesHelp}`,
    )
    .action(async (names: string[], _options: AnalyticsOptions, command: Command) => {
      const options = command.optsWithGlobals<AnalyticsOptions>();
      const questions = await questionsFor(context, options);
      const { formatQuestionList, formatQuestionsDryRun, plannedQuestions, resolveParameters, runQuestions } =
        await analyticsModule();
      if (options.list) {
        context.stdout.write(formatQuestionList(questions));
        return;
      }
      const asked = { ...questionOptions(options), names };
      if (options.dryRun) {
        const parameters = resolveParameters(asked);
        await runWithConfig(context, options, ({ context: scoped }) => {
          scoped.stdout.write(formatQuestionsDryRun(plannedQuestions(questions, names), parameters));
        });
        return;
      }
      // Checked before connecting, so that a typo does not wait for a database.
      resolveParameters(asked);
      plannedQuestions(questions, names);
      await runWithWarehouse(context, options, async ({ warehouse, out }) => {
        const result = await runQuestions(warehouse.knex, questions, asked);
        const text = await render(result, options.format);
        if (options.output) {
          await writeFile(path.resolve(context.cwd, options.output), text);
          out(`${result.answers.length} answers written to ${options.output}`);
        } else context.stdout.write(text);
      });
    });
  addExamples(command, [
    { run: 'sparkify analytics --list', says: 'every question, one line each' },
    { run: 'sparkify analytics most-played-songs peak-hour' },
    {
      run: 'sparkify analytics --since 2018-11-01 --until 2018-11-07 --format json',
      says: 'one week, as JSON (what the report is drawn from)',
    },
    { run: 'sparkify analytics plays-by-day --format csv --output plays.csv' },
    { run: 'pnpm analytics peak-hour --limit 3', says: 'the same through pnpm' },
    {
      run: 'sparkify analytics --dry-run most-played-songs',
      says: 'the SQL, the same on PostgreSQL and Redshift; needs no database',
    },
  ]);
}
