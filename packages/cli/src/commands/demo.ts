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
import { runLoadCommand } from './load.js';

interface DemoOptions extends GlobalOptions {
  events?: string;
  songs?: string;
}

function count(name: string, value: string | undefined, fallback: number): number {
  const parsed = value === undefined ? fallback : Number(value);
  if (!Number.isInteger(parsed) || parsed < 1 || parsed > 10_000_000) {
    throw new CliError(`${name}: expected a whole number from 1 to 10000000, got "${value}"`);
  }
  return parsed;
}

/** `sparkify demo`: the whole job on the embedded default: sample data, migrate, load, check. */
export function registerDemoCommand(program: Command, context: CliContext): void {
  const command = program
    .command('demo')
    .description('the main job end to end: generate a sample, migrate, load it, and check the result')
    .option('--events <n>', 'log events in the generated sample', '20000')
    .option('--songs <n>', 'songs in the generated sample', '2000')
    .addHelpText(
      'after',
      `
The sample is generated once under $SPARKIFY_HOME/demo-data (deterministic, seed 42) and reused; running the demo
again shows an incremental load with nothing new. Uses the embedded PostgreSQL unless DATABASE_URL is set.`,
    )
    .action(async (_options: DemoOptions, command: Command) => {
      const options = command.optsWithGlobals<DemoOptions>();
      const events = count('--events', options.events, 20_000);
      const songs = count('--songs', options.songs, 2000);
      const folder = await runWithConfig(context, options, async ({ config, err }) => {
        const target = join(config.home, 'demo-data');
        if (!existsSync(join(target, 'log_data'))) {
          err(`1/4 generating a sample Sparkify dataset in ${target} …`);
          const summary = await generateDataset(
            {
              events,
              songs,
              days: 30,
              seed: 42,
            },
            folderSink(target),
          );
          err(`    ${summary.songFiles} song files, ${summary.logFiles} log files, ${summary.events} events`);
        } else err(`1/4 reusing the sample in ${target}`);
        return target;
      });
      await runWithWarehouse(context, options, async ({ warehouse, err }) => {
        err(`2/4 migrating ${warehouse.label} …`);
        const migrated = await migrateTo(warehouse.knex, { dialect: warehouse.dialect });
        err(`    ${migrated.ran.length === 0 ? 'schema up to date' : `applied ${migrated.ran.join(', ')}`}`);
      });
      context.stderr.write('3/4 loading …\n');
      const loaded = await runLoadCommand(context, { ...options, source: folder });
      if (loaded.status === 'failed') return;
      context.stderr.write('4/4 checking …\n');
      await runWithWarehouse(context, options, async ({ warehouse }) => {
        const code = await runCheck(context, warehouse, { ...options, format: 'table' });
        context.exitCode = Math.max(code, context.exitCode === ExitCode.ok ? 0 : context.exitCode);
      });
    });
  addExamples(command, [{ run: 'pnpm demo' }]);
}
