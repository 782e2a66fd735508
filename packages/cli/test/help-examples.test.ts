// Every example printed by any `--help` is run here, as printed, in the order a user meets them: the data the
// generate examples write is what the load examples read. `sparkify` is the built binary on PATH; `pnpm …`
// examples run from the repository root, through pnpm itself, so `pnpm migrate status --json | jq -e .pending`
// proves pnpm adds nothing to stdout. The database is the CLI's own embedded PostgreSQL (real, under a temporary
// SPARKIFY_HOME, stopped at the end); S3 is s3rver on loopback, whose endpoint replaces the documented
// http://127.0.0.1:9000 (the one substitution made).
import { spawn } from 'node:child_process';
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PassThrough } from 'node:stream';
import type { Command } from 'commander';
import { startTestS3, type TestS3 } from '@sparkify/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { commandPath } from '../src/cli-conventions.js';
import { examplesOf, type HelpExample } from '../src/help-examples.js';
import { buildProgram } from '../src/program.js';
import { BIN, removeTempFolders, runSparkify, tempFolder } from './run-sparkify.js';

const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const DOCUMENTED_ENDPOINT = 'http://127.0.0.1:9000';

/** The order in which commands' examples run (what each needs was made by the ones before); others follow. */
const ORDER = [
  'sparkify generate',
  'sparkify',
  'sparkify migrate',
  'sparkify migrate latest',
  'sparkify migrate status',
  'sparkify migrate down',
  'sparkify migrate rollback',
  'sparkify migrate repair',
  'sparkify migrate unlock',
  'sparkify load',
  'sparkify check',
  'sparkify doctor',
  'sparkify runs',
  'sparkify runs show',
  'sparkify config',
  'sparkify db',
  'sparkify db status',
  'sparkify db start',
  'sparkify db stop',
  'sparkify db reset',
  'sparkify db url',
  'sparkify demo',
];

/** What a command's examples need beyond what earlier examples left behind. */
const BEFORE: Record<string, string[][]> = {
  'sparkify load': [['migrate']],
};

function allCommands(command: Command): Command[] {
  return [command, ...command.commands.flatMap(allCommands)];
}

const program = buildProgram({
  stdout: new PassThrough(),
  stderr: new PassThrough(),
  isTTY: false,
  env: {},
  cwd: '/',
  exitCode: 0,
});
const commands = allCommands(program).filter((command) => examplesOf(command).length > 0);
const rank = (command: Command) => {
  const index = ORDER.indexOf(commandPath(command));
  return index === -1 ? ORDER.length : index;
};
const ordered = [...commands].sort((a, b) => rank(a) - rank(b));

let s3: TestS3;
let cwd: string;
let env: Record<string, string>;

function sh(line: string): Promise<{ code: number; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn('sh', ['-c', line.replaceAll(DOCUMENTED_ENDPOINT, s3.endpoint)], {
      cwd: line.startsWith('pnpm ') ? REPO_ROOT : cwd,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.once('error', reject);
    child.once('close', (code) => resolve({ code: code ?? -1, output }));
  });
}

beforeAll(async () => {
  s3 = await startTestS3();
  await s3.createBucket('my-bucket');
  cwd = tempFolder('sparkify-help-examples-');
  const bin = join(cwd, '.bin');
  mkdirSync(bin);
  writeFileSync(join(bin, 'sparkify'), `#!/bin/sh\nexec "${process.execPath}" "${BIN}" "$@"\n`);
  chmodSync(join(bin, 'sparkify'), 0o755);
  env = {
    PATH: `${bin}:${process.env.PATH ?? '/usr/bin:/bin'}`,
    HOME: process.env.HOME ?? '/tmp',
    SPARKIFY_HOME: join(cwd, '.sparkify'),
    AWS_ENDPOINT_URL_S3: s3.endpoint,
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: s3.credentials.accessKeyId,
    AWS_SECRET_ACCESS_KEY: s3.credentials.secretAccessKey,
    TURBO_TELEMETRY_DISABLED: '1',
  };
  // The files the examples name: a classic dwh.cfg (Redshift, read only by dry runs and `config`) and a checks file.
  writeFileSync(
    join(cwd, 'dwh.cfg'),
    [
      '[CLUSTER]',
      'HOST=dwhcluster.abc123.us-west-2.redshift.amazonaws.com',
      'DB_NAME=dwh',
      'DB_USER=dwhuser',
      'DB_PASSWORD=never-printed-1',
      'DB_PORT=5439',
      '[IAM_ROLE]',
      "ARN='arn:aws:iam::123456789012:role/dwhRole'",
      '[S3]',
      "LOG_DATA='s3://my-bucket/sparkify/log_data'",
      "SONG_DATA='s3://my-bucket/sparkify/song_data'",
      '',
    ].join('\n'),
  );
  writeFileSync(
    join(cwd, 'checks.json'),
    JSON.stringify({ checks: [{ type: 'row_count', table: 'songplays', min: 1 }] }),
  );
});

afterAll(async () => {
  if (env) await runSparkify(['db', 'stop'], { env });
  await s3?.stop();
  removeTempFolders();
});

describe('every --help example works as printed', () => {
  it('finds the examples of every command that has them', () => {
    const paths = commands.map(commandPath);
    for (const path of ['sparkify', 'sparkify migrate', 'sparkify load', 'sparkify check', 'sparkify db url'])
      expect(paths).toContain(path);
  });

  for (const command of ordered) {
    const path = commandPath(command);
    for (const example of examplesOf(command) as HelpExample[]) {
      it(`${path} --help: $ ${example.run}`, { timeout: 240_000 }, async () => {
        for (const args of BEFORE[path] ?? []) {
          const setup = await runSparkify(args, { env, cwd });
          expect(setup.code, setup.stderr).toBe(0);
        }
        delete BEFORE[path];
        const run = await sh(example.run);
        expect(run.code, run.output).toBe(example.exitCode ?? 0);
      });
    }
  }
});
