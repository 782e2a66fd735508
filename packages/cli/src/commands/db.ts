import type { Command } from 'commander';
import type { CliContext, GlobalOptions } from '../context.js';
import {
  embeddedStatus,
  ensureEmbeddedServer,
  resetEmbeddedServer,
  stopEmbeddedServer,
} from '../embedded/embedded-server.js';
import { CliError, ExitCode } from '../errors.js';
import { addExamples } from '../help-examples.js';
import { runWithConfig } from '../run-command.js';

interface DbOptions extends GlobalOptions {
  json?: boolean;
  yes?: boolean;
}

function formatSize(bytes: number): string {
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(0)} kB`;
  if (bytes < 1024 ** 3) return `${(bytes / 1024 ** 2).toFixed(1)} MB`;
  return `${(bytes / 1024 ** 3).toFixed(2)} GB`;
}

/** `sparkify db status|start|stop|url|reset`: manage the embedded PostgreSQL under SPARKIFY_HOME. */
export function registerDbCommand(program: Command, context: CliContext): void {
  const db = program
    .command('db')
    .description('manage the embedded PostgreSQL (the default warehouse when no DATABASE_URL is set)')
    .addHelpText(
      'after',
      `
The embedded server keeps its data in $SPARKIFY_HOME/pgdata (default ./.sparkify), listens on 127.0.0.1 only,
starts on the first command that needs it and keeps running for the next ones until \`sparkify db stop\`.`,
    );

  db.command('status')
    .description('running or stopped, port, PostgreSQL version, data folder and its size')
    .option('--json', 'print as JSON: {state, port, pid, version, dataDir, sizeBytes}')
    .action(async (_options: DbOptions, command: Command) => {
      const options = command.optsWithGlobals<DbOptions>();
      await runWithConfig(context, options, async ({ config, out }) => {
        const status = await embeddedStatus(config.home);
        if (options.json) return out(JSON.stringify(status, null, 2));
        out(`embedded PostgreSQL: ${status.state}`);
        if (status.port !== undefined)
          out(`  port:     ${status.port}${status.pid ? ` (pid ${status.pid})` : ''}`);
        if (status.version) out(`  version:  PostgreSQL ${status.version}`);
        out(`  data:     ${status.dataDir} (${formatSize(status.sizeBytes)})`);
        if (config.databaseUrl || config.target === 'redshift') {
          out(
            `note: commands use ${config.target === 'redshift' ? 'the Redshift target' : 'DATABASE_URL'}, not this server`,
          );
        }
      });
    });

  db.command('start')
    .description('start the embedded server (or find it already running)')
    .option('--json', 'print as JSON: {started, port, pid, version, dataDir}')
    .action(async (_options: DbOptions, command: Command) => {
      const options = command.optsWithGlobals<DbOptions>();
      await runWithConfig(context, options, async ({ config, out, err }) => {
        const server = await ensureEmbeddedServer(config.home, err);
        const summary = {
          started: server.started,
          port: server.port,
          pid: server.pid,
          version: server.version,
          dataDir: server.dataDir,
        };
        if (options.json) return out(JSON.stringify(summary, null, 2));
        out(
          `embedded PostgreSQL ${server.version} ${server.started ? 'started' : 'already running'} on 127.0.0.1:${server.port} (pid ${server.pid})`,
        );
      });
    });

  db.command('stop')
    .description('stop the embedded server (data is kept)')
    .action(async (_options: DbOptions, command: Command) => {
      const options = command.optsWithGlobals<DbOptions>();
      await runWithConfig(context, options, async ({ config, out }) => {
        out(
          (await stopEmbeddedServer(config.home))
            ? 'embedded PostgreSQL stopped'
            : 'embedded PostgreSQL was not running',
        );
      });
    });

  db.command('url')
    .description(
      'print a connection URL for psql; starts the server if needed (this prints its password, by design)',
    )
    .action(async (_options: DbOptions, command: Command) => {
      const options = command.optsWithGlobals<DbOptions>();
      await runWithConfig(context, options, async ({ config, out, err }) => {
        const server = await ensureEmbeddedServer(config.home, err);
        out(server.url);
      });
    });

  db.command('reset')
    .description('stop the embedded server and DELETE its data folder (needs --yes)')
    .option('--yes', 'confirm: the embedded database and everything loaded into it is deleted')
    .action(async (_options: DbOptions, command: Command) => {
      const options = command.optsWithGlobals<DbOptions>();
      await runWithConfig(context, options, async ({ config, out }) => {
        const status = await embeddedStatus(config.home);
        if (!options.yes) {
          throw new CliError(
            `this deletes the embedded database in ${status.dataDir} (${formatSize(status.sizeBytes)}); run \`sparkify db reset --yes\` to confirm`,
            ExitCode.cannotRun,
            'CONFIRMATION_REQUIRED',
          );
        }
        await resetEmbeddedServer(config.home);
        out(`embedded PostgreSQL stopped and ${status.dataDir} deleted`);
      });
    });

  const sub = (name: string) => db.commands.find((command) => command.name() === name)!;
  addExamples(db, [
    { run: 'sparkify db status' },
    { run: 'psql "$(sparkify db url)" -c "select 1"', says: 'open psql on it (drop -c to stay in psql)' },
    { run: 'sparkify db stop' },
    { run: 'sparkify db reset --yes', says: 'delete the embedded database and start over' },
  ]);
  addExamples(sub('status'), [
    { run: 'sparkify db status' },
    { run: 'SPARKIFY_HOME=/tmp/other sparkify db status --json', says: 'another home, as JSON' },
  ]);
  addExamples(sub('start'), [{ run: 'sparkify db start', says: 'other commands start it on demand too' }]);
  addExamples(sub('stop'), [{ run: 'sparkify db stop' }]);
  addExamples(sub('url'), [{ run: 'psql "$(sparkify db url)" -c "select count(*) from songplays"' }]);
  addExamples(sub('reset'), [{ run: 'sparkify db reset --yes && sparkify migrate' }]);
}
