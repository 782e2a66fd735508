import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Command } from 'commander';
import { folderSink, generateDataset } from '@sparkify/generator';
import { migrateTo } from '@sparkify/schema';
import type { CliContext, GlobalOptions } from '../context.js';
import { CliError, ExitCode } from '../errors.js';
import { addExamples } from '../help-examples.js';
import { runWithConfig, runWithWarehouse } from '../run-command.js';
import { runCheck } from './check.js';
import { demoEnding } from './demo-ending.js';
import { runLoadCommand } from './load.js';

interface DemoOptions extends GlobalOptions {
  events?: string;
  songs?: string;
}

/** The demo's sample: 30 days from 2018-11-01, like the public one. */
const SAMPLE_START = '2018-11-01';
const SAMPLE_DAYS = 30;

/**
 * The time the demo judges freshness at: the end of the sample's last day. Judged against today, plays of 2018
 * are years old and would fail, which says nothing about the load the demo just ran.
 */
export const demoAsOf = new Date(Date.parse(`${SAMPLE_START}T00:00:00Z`) + SAMPLE_DAYS * 86_400_000)
  .toISOString()
  .slice(0, 10);

function count(name: string, value: string | undefined, fallback: number): number {
  const parsed = value === undefined ? fallback : Number(value);
  if (!Number.isInteger(parsed) || parsed < 1 || parsed > 10_000_000) {
    throw new CliError(`${name}: expected a whole number from 1 to 10000000, got "${value}"`);
  }
  return parsed;
}

/**
 * The demo's own world: an embedded PostgreSQL and data under `home`, whatever DATABASE_URL, the target, a
 * config file or SPARKIFY_HOME say, so that trying the tool never writes into the user's warehouse. Output and
 * the exit code are the caller's (redaction installed on either applies to both).
 */
function demoContext(context: CliContext, home: string): CliContext {
  const env: NodeJS.ProcessEnv = { ...context.env, SPARKIFY_HOME: home, SPARKIFY_TARGET: 'postgres' };
  delete env.DATABASE_URL;
  delete env.SPARKIFY_CONFIG;
  return {
    get stdout() {
      return context.stdout;
    },
    set stdout(stream) {
      context.stdout = stream;
    },
    get stderr() {
      return context.stderr;
    },
    set stderr(stream) {
      context.stderr = stream;
    },
    isTTY: context.isTTY,
    ...(context.signal ? { signal: context.signal } : {}),
    get stoppable() {
      return context.stoppable;
    },
    set stoppable(value) {
      context.stoppable = value;
    },
    env,
    // No sparkify config file of the user's project is picked up from here.
    cwd: home,
    get exitCode() {
      return context.exitCode;
    },
    set exitCode(code) {
      context.exitCode = code;
    },
  };
}

/** The demo's last words: where its data and warehouse are, and what to type next (the demo's home is quoted). */
export function formatNextSteps(where: { folder: string; home: string }): string {
  const home = JSON.stringify(where.home);
  return [
    '',
    'What next:',
    `  the sample        ${where.folder} (song_data/ and log_data/)`,
    `  the warehouse     the demo's own embedded PostgreSQL in ${where.home} (your warehouse was not touched)`,
    `  open psql         psql "$(SPARKIFY_HOME=${home} pnpm sparkify db url)"`,
    '  your own data     pnpm migrate && pnpm load --source ./my-folder   (song_data/ and log_data/, or s3://…)',
    '                    into your warehouse: the embedded default in ./.sparkify, or DATABASE_URL',
    "  the server        the demo's PostgreSQL keeps running so that the next demo is quick; stop it with",
    `                    SPARKIFY_HOME=${home} pnpm sparkify db stop   (and rm -rf ${home} to remove it)`,
  ].join('\n');
}

/** `sparkify demo`: the whole job on an embedded PostgreSQL of its own: sample data, migrate, load, check. */
export function registerDemoCommand(program: Command, context: CliContext): void {
  const command = program
    .command('demo')
    .description('the main job end to end: generate a sample, migrate, load it, and check the result')
    .option('--events <n>', 'log events in the generated sample', '20000')
    .option('--songs <n>', 'songs in the generated sample', '2000')
    .addHelpText(
      'after',
      `
The demo never touches your warehouse: it runs its own embedded PostgreSQL in $SPARKIFY_HOME/demo (DATABASE_URL,
--target and config files are ignored), prints where, and says how to remove it. The sample is generated once
under $SPARKIFY_HOME/demo/demo-data (deterministic, seed 42, 30 days from 2018-11-01) and reused; running the
demo again shows an incremental load with nothing new. The checks judge freshness as of ${demoAsOf}, the end of
the sample (sparkify check --as-of ${demoAsOf} does the same by hand).`,
    )
    .action(async (_options: DemoOptions, command: Command) => {
      const given = command.optsWithGlobals<DemoOptions>();
      const events = count('--events', given.events, 20_000);
      const songs = count('--songs', given.songs, 2000);
      const home = await runWithConfig(context, given, ({ config }) => join(config.home, 'demo'));
      const demo = demoContext(context, home);
      const options: DemoOptions = { ...given, config: undefined, target: undefined };
      const folder = await runWithConfig(demo, options, async ({ err }) => {
        err(`The demo uses its own embedded PostgreSQL in ${home}: your warehouse is not touched.`);
        const target = join(home, 'demo-data');
        if (!existsSync(join(target, 'log_data'))) {
          err(`1/4 generating a sample Sparkify dataset in ${target} …`);
          const summary = await generateDataset(
            {
              events,
              songs,
              days: SAMPLE_DAYS,
              startDate: SAMPLE_START,
              seed: 42,
            },
            folderSink(target),
          );
          err(`    ${summary.songFiles} song files, ${summary.logFiles} log files, ${summary.events} events`);
        } else err(`1/4 reusing the sample in ${target}`);
        return target;
      });
      await runWithWarehouse(demo, options, async ({ warehouse, err }) => {
        err(`2/4 migrating ${warehouse.label} …`);
        const migrated = await migrateTo(warehouse.knex, { dialect: warehouse.dialect });
        err(`    ${migrated.ran.length === 0 ? 'schema up to date' : `applied ${migrated.ran.join(', ')}`}`);
      });
      demo.stderr.write('3/4 loading …\n');
      const loaded = await runLoadCommand(demo, { ...options, source: folder });
      if (loaded.status !== 'failed') {
        demo.stderr.write(
          `4/4 checking, freshness as of ${demoAsOf} (the end of the sample; your own warehouse is judged against the clock) …\n`,
        );
        await runWithWarehouse(demo, options, async ({ warehouse }) => {
          const code = await runCheck(demo, warehouse, { ...options, format: 'table', asOf: demoAsOf });
          demo.exitCode = Math.max(code, demo.exitCode === ExitCode.ok ? 0 : demo.exitCode);
        });
        await runWithWarehouse(demo, options, (scope) => demoEnding(scope));
      }
      demo.stderr.write(`${formatNextSteps({ folder, home })}\n`);
    });
  addExamples(command, [{ run: 'pnpm demo' }]);
}
