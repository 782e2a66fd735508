import type { Command } from 'commander';
import { describeConfig } from '../config/describe-config.js';
import { resolveConfigWithSources } from '../config/resolve-config.js';
import { settingKeys } from '../config/setting-keys.js';
import type { SparkifyConfig } from '../config/config-schema.js';
import type { CliContext, GlobalOptions } from '../context.js';
import { embeddedStatus } from '../embedded/embedded-server.js';
import { addExamples } from '../help-examples.js';

/**
 * What the commands would talk to, in words: "embedded PostgreSQL 18 at 127.0.0.1:54321 (running), data in …",
 * "PostgreSQL at host:5432/db (DATABASE_URL)" or "Redshift at host:5439/dev". Never connects or starts anything.
 */
export async function describeTarget(config: SparkifyConfig): Promise<string> {
  if (config.target === 'redshift') {
    const redshift = config.redshift;
    if (!redshift?.host) return 'Redshift (endpoint looked up at connect time)';
    return `Redshift at ${redshift.host}:${redshift.port}/${redshift.database}`;
  }
  if (config.databaseUrl) {
    try {
      const url = new URL(config.databaseUrl);
      return `PostgreSQL at ${url.hostname}:${url.port || 5432}${url.pathname} (databaseUrl)`;
    } catch {
      return 'PostgreSQL at the databaseUrl (not a valid URL)';
    }
  }
  const status = await embeddedStatus(config.home);
  const version = status.version ? ` ${status.version.split('.')[0]}` : '';
  const where =
    status.state === 'running'
      ? ` at 127.0.0.1:${status.port} (running)`
      : status.state === 'stopped'
        ? ` (stopped; the next command starts it${status.port ? `, last on 127.0.0.1:${status.port}` : ''})`
        : ' (not created yet; the next command creates and starts it)';
  return `embedded PostgreSQL${version}${where}, data in ${status.dataDir}`;
}

const KEY_TABLE = settingKeys
  .map((setting) => {
    const ini = setting.ini ? `  dwh.cfg [${setting.ini[0]}] ${setting.ini[1]}` : '';
    return `  ${setting.key.padEnd(18)} ${setting.env.join(' / ')}${ini}`;
  })
  .join('\n');

/** `sparkify config [--json]`: the resolved configuration, secrets shown as ***, with the source of each value. */
export function registerConfigCommand(program: Command, context: CliContext): void {
  const command = program
    .command('config')
    .description('print the resolved configuration (secrets shown as ***) and where each value came from')
    .option('--json', 'print as JSON: {config (nested like the schema), sources (by dotted key)}')
    .addHelpText(
      'after',
      `
Precedence: flags > environment > config file > defaults. The config file is --config <file> (or
SPARKIFY_CONFIG), else ./sparkify.config.json if present: JSON with the keys below (nested as
{"redshift": {"host": ...}, "s3": {...}}), or a classic dwh.cfg INI, which implies --target redshift.

Keys, environment variables and dwh.cfg entries:
${KEY_TABLE}`,
    )
    .action(async (_options: { json?: boolean }, command: Command) => {
      const options = command.optsWithGlobals<GlobalOptions & { json?: boolean }>();
      const resolved = resolveConfigWithSources(options, context);
      const rows = describeConfig(resolved);
      const warehouse = await describeTarget(resolved.config);
      if (options.json) {
        const config: Record<string, unknown> = {};
        const sources: Record<string, string> = {};
        for (const row of rows) {
          if (row.value === undefined) continue;
          const parts = row.key.split('.');
          let node = config;
          for (const part of parts.slice(0, -1)) node = (node[part] ??= {}) as Record<string, unknown>;
          node[parts.at(-1)!] = row.value;
          sources[row.key] =
            row.source === 'env' || row.source === 'flag'
              ? `${row.source} ${row.from}`
              : (row.from ?? row.source);
        }
        context.stdout.write(`${JSON.stringify({ warehouse, config, sources }, null, 2)}\n`);
        return;
      }
      context.stdout.write(`warehouse: ${warehouse}\n\n`);
      const width = Math.max(...rows.map((row) => row.key.length));
      const valueWidth = Math.min(60, Math.max(...rows.map((row) => String(row.value ?? '-').length)));
      for (const row of rows) {
        const from =
          row.source === 'unset'
            ? ''
            : row.source === 'env' || row.source === 'flag'
              ? `${row.source} ${row.from}`
              : row.from;
        context.stdout.write(
          `${row.key.padEnd(width)}  ${String(row.value ?? '-').padEnd(valueWidth)}  ${from}\n`,
        );
      }
    });
  addExamples(command, [
    { run: 'sparkify config' },
    { run: 'sparkify --config dwh.cfg config --json' },
    {
      run: 'SPARKIFY_TARGET=redshift REDSHIFT_HOST=example.redshift.amazonaws.com sparkify config',
      says: 'exit 2, naming each setting a Redshift connection still needs',
      exitCode: 2,
    },
  ]);
}
