import { readFileSync } from 'node:fs';
import { Command, Option } from 'commander';
import { applyCliConventions } from './cli-conventions.js';
import type { CliContext } from './context.js';
import { addExamples } from './help-examples.js';
import { registerAnalyticsCommand } from './commands/analytics.js';
import { registerCheckCommand } from './commands/check.js';
import { registerConfigCommand } from './commands/config.js';
import { registerDbCommand } from './commands/db.js';
import { registerDemoCommand } from './commands/demo.js';
import { registerDoctorCommand } from './commands/doctor.js';
import { registerGenerateCommand } from './commands/generate.js';
import { registerLoadCommand } from './commands/load.js';
import { registerMigrateCommand } from './commands/migrate.js';
import { registerInfraCommand } from './commands/infra.js';
import { registerReportCommand } from './commands/report.js';
import { registerRunsCommand } from './commands/runs.js';

/**
 * The command table. Each command lives in commands/<name>.ts and exports `register<Name>Command(program,
 * context)`; it reads global options with `command.optsWithGlobals()` and sets `context.exitCode`.
 */
export function buildProgram(context: CliContext): Command {
  const program = new Command('sparkify')
    .description(
      'Sparkify event JSON from S3 (or a folder) into an analytics star schema on PostgreSQL or Redshift.',
    )
    .addOption(new Option('-c, --config <file>', 'config file: JSON, or a classic dwh.cfg INI'))
    .addOption(new Option('-t, --target <target>', 'warehouse target').choices(['postgres', 'redshift']))
    .addOption(
      new Option('--tls <mode>', 'Redshift TLS: verify the certificate (default), no-verify, off').choices([
        'verify',
        'no-verify',
        'off',
      ]),
    )
    .addOption(new Option('--insecure-tls', 'same as --tls no-verify'))
    .addOption(
      new Option(
        '--redshift-auth <mode>',
        'Redshift sign-in: password (dwh.cfg), iam (temporary credentials), iam-identity, secret (Secrets Manager)',
      ).choices(['password', 'iam', 'iam-identity', 'secret']),
    )
    .addOption(new Option('--cluster-id <id>', 'provisioned Redshift cluster (IAM auth; finds the endpoint)'))
    .addOption(
      new Option('--workgroup <name>', 'Redshift Serverless workgroup (IAM auth; finds the endpoint)'),
    )
    .addOption(
      new Option('--secret-arn <arn>', 'Secrets Manager secret with the Redshift username and password'),
    )
    .addOption(new Option('--copy-region <region>', "region of the data COPY reads (default: the bucket's)"))
    .addOption(new Option('--debug', 'print stack traces of unexpected errors (also SPARKIFY_DEBUG=1)'))
    .version(cliVersion(), '-V, --version', 'print the version of sparkify')
    .configureOutput({
      writeOut: (text) => context.stdout.write(text),
      writeErr: (text) => context.stderr.write(text),
    })
    .exitOverride();
  // registrations (one line per command):
  registerMigrateCommand(program, context);
  registerDbCommand(program, context);
  registerLoadCommand(program, context);
  registerConfigCommand(program, context);
  registerDemoCommand(program, context);
  registerCheckCommand(program, context);
  registerGenerateCommand(program, context);
  registerInfraCommand(program, context);
  registerAnalyticsCommand(program, context);
  registerReportCommand(program, context);
  registerRunsCommand(program, context);
  registerDoctorCommand(program, context);
  program.addHelpText('after', PROGRAM_HELP);
  addExamples(program, [
    { run: 'sparkify migrate', says: 'create or update the schema' },
    { run: 'sparkify migrate status --json' },
    {
      run: 'sparkify migrate --dry-run --target redshift',
      says: 'review the Redshift DDL without a cluster',
    },
    { run: 'sparkify --config dwh.cfg config', says: 'show what a classic dwh.cfg resolves to' },
    { run: 'sparkify db url', says: 'a psql-ready URL for the embedded database' },
    { run: 'sparkify --version' },
  ]);
  // Last: the conventions walk every command registered above (help, usage errors).
  applyCliConventions(program);
  return program;
}

/** The version of this package, as `sparkify --version` prints it. */
export function cliVersion(): string {
  const manifest = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {
    version: string;
  };
  return manifest.version;
}

const PROGRAM_HELP = `
Targets: postgres (default; the embedded PostgreSQL under ./.sparkify unless DATABASE_URL is set) or
redshift (REDSHIFT_* variables or a dwh.cfg). Configuration: flags > environment > config file > defaults;
see \`sparkify config --help\`. Exit codes: 0 done, 1 failed for data reasons, 2 could not run.`;
