// Errors name the part that failed: S3 (endpoint, bucket, key, the service's or network's code) is never
// reported as the database; the database is named by host:port; --debug adds the cause chain.
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { folderSink, generateDataset } from '@sparkify/generator';
import { migrateTo } from '@sparkify/schema';
import {
  createTestDatabase,
  freePort,
  type S3FaultProxy,
  startS3FaultProxy,
  startTestS3,
  type TestDatabase,
  type TestS3,
  uploadFolder,
} from '@sparkify/testkit';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { removeTempFolders, runSparkify, tempFolder } from './run-sparkify.js';

let s3: TestS3;
let proxy: S3FaultProxy;
let migrated: TestDatabase;
let empty: TestDatabase;
let work: string;

beforeAll(async () => {
  s3 = await startTestS3();
  proxy = await startS3FaultProxy(s3.endpoint);
  work = tempFolder('sparkify-errors-');
  await generateDataset({ songs: 8, events: 100, days: 2, seed: 3 }, folderSink(join(work, 'data')));
  await s3.createBucket('raw');
  await uploadFolder(s3.client, 'raw', 'sparkify/', join(work, 'data'));
  migrated = await createTestDatabase(inject('pgUrl'), 'cli_errors');
  await migrateTo(migrated.knex, { dialect: 'postgres' });
  empty = await createTestDatabase(inject('pgUrl'), 'cli_errors_empty');
});
afterAll(async () => {
  await proxy?.stop();
  await s3?.stop();
  await migrated?.drop();
  await empty?.drop();
  removeTempFolders();
});

function env(database: TestDatabase, extra: Record<string, string> = {}): Record<string, string> {
  return {
    DATABASE_URL: database.url,
    AWS_ACCESS_KEY_ID: s3.credentials.accessKeyId,
    AWS_SECRET_ACCESS_KEY: s3.credentials.secretAccessKey,
    AWS_REGION: 'us-east-1',
    SPARKIFY_HOME: join(work, 'home'),
    ...extra,
  };
}

describe('S3 failures are S3 errors', () => {
  it('an unreachable --endpoint: exit 2, one line naming S3, the endpoint, bucket, key and ECONNREFUSED', async () => {
    const endpoint = `http://127.0.0.1:${await freePort()}`;
    const run = await runSparkify(['load', '--source', 's3://raw/sparkify/', '--endpoint', endpoint], {
      env: env(migrated),
    });
    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toBe(
      'sparkify: S3: listing s3://raw/sparkify/song_data/ failed: cannot reach the S3 endpoint, connection refused ' +
        `(is the server running and listening on that port?) [endpoint ${endpoint}, bucket raw, key sparkify/song_data/, ECONNREFUSED]\n`,
    );
  });

  it('no DNS for the endpoint: S3 and the endpoint are named, never "cannot connect to the database"', async () => {
    const endpoint = 'http://sparkify-no-such-host.invalid';
    const run = await runSparkify(['load', '--source', 's3://raw/sparkify/', '--endpoint', endpoint], {
      env: env(migrated),
    });
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(
      /^sparkify: S3: listing s3:\/\/raw\/sparkify\/song_data\/ failed: cannot reach the S3 endpoint, host (not found|name lookup failed)/,
    );
    expect(run.stderr).toContain(`[endpoint ${endpoint}, bucket raw, key sparkify/song_data/, E`);
    expect(run.stderr).not.toMatch(/database|PostgreSQL|127\.0\.0\.1:\d+\/cli_errors/);
  });

  it('connections reset on every listing: an S3 error with ECONNRESET, not "is gone"; --debug shows the causes', async () => {
    proxy.clearRules();
    proxy.addRule({ method: 'GET', path: /^\/raw\/?$/, query: /list-type=2/, fault: { kind: 'reset' } });
    const run = await runSparkify(['load', '--source', 's3://raw/sparkify/', '--debug'], {
      env: env(migrated, { AWS_ENDPOINT_URL_S3: proxy.endpoint }),
    });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(
      'sparkify: S3: listing s3://raw/sparkify/song_data/ failed: cannot reach the S3 endpoint, connection reset',
    );
    expect(run.stderr).toContain(
      `[endpoint ${proxy.endpoint}, bucket raw, key sparkify/song_data/, ECONNRESET]`,
    );
    expect(run.stderr).not.toContain('is gone');
    // --debug: the loader's error, then the SDK's, down to the socket.
    expect(run.stderr).toMatch(
      /\n {2}caused by: LoaderError: listing s3:\/\/raw\/sparkify\/song_data\/: .*\[SOURCE_READ_FAILED\]/,
    );
    expect(run.stderr).toMatch(/caused by: .*\[ECONNRESET\]/);
    proxy.clearRules();
  });

  it('a service error names its code and HTTP status', async () => {
    proxy.clearRules();
    proxy.addRule({ path: /^\/raw\/?$/, fault: { kind: 'error', status: 403, code: 'AccessDenied' } });
    const run = await runSparkify(['load', '--source', 's3://raw/sparkify/'], {
      env: env(migrated, { AWS_ENDPOINT_URL_S3: proxy.endpoint }),
    });
    expect(run.code).toBe(2);
    expect(run.stderr).toBe(
      'sparkify: S3: listing s3://raw/sparkify/song_data/: access denied (check the credentials and the bucket policy) ' +
        `[endpoint ${proxy.endpoint}, bucket raw, key sparkify/song_data/, AccessDenied, HTTP 403]\n`,
    );
    proxy.clearRules();
  });

  it('an unreachable database is named by host:port', async () => {
    const port = await freePort();
    const run = await runSparkify(['migrate', 'status'], {
      env: env(migrated, { DATABASE_URL: `postgres://u:p@127.0.0.1:${port}/db` }),
    });
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(
      new RegExp(
        `^sparkify: cannot connect to 127\\.0\\.0\\.1:${port} \\(database db\\): connection refused`,
      ),
    );
  });
});

describe('the right one line for the mistake', () => {
  it('check before migrate: one line, exit 2', async () => {
    const run = await runSparkify(['check'], { env: env(empty) });
    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toMatch(
      /^sparkify: the schema is not migrated: run `pnpm migrate` \(PostgreSQL at 127\.0\.0\.1:\d+\/cli_errors_empty_\w+\)\n$/,
    );
  });

  it('--source given a file: it must be a folder or an s3:// prefix', async () => {
    const file = join(work, 'some-file.json');
    writeFileSync(file, '{}\n');
    const run = await runSparkify(['load', '--source', file], { env: env(migrated) });
    expect(run.code).toBe(2);
    expect(run.stderr).toBe(
      `sparkify: --source: ${file} is a file; expected a folder holding song_data/ and log_data/ (or, for --song-data and --log-data, the folder of that dataset), or an s3://bucket/prefix\n`,
    );
  });

  it('a source with only song_data/ warns, naming what is missing and how to silence it', async () => {
    const only = tempFolder('sparkify-songs-only-');
    await generateDataset({ songs: 5, events: 20, days: 1, seed: 9 }, folderSink(only));
    rmSync(join(only, 'log_data'), { recursive: true });
    const run = await runSparkify(['load', '--source', only], { env: env(migrated) });
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toContain(
      `warning: no log_data/ objects in ${join(only, 'log_data')}/; loading song_data/ only (no plays, users or time rows come from this load). ` +
        'If that is intended, pass --one-dataset to load without this warning.',
    );
    const quiet = await runSparkify(['load', '--source', only, '--one-dataset', '--full-refresh'], {
      env: env(migrated),
    });
    expect(quiet.code, quiet.stderr).toBe(0);
    expect(quiet.stderr).not.toContain('warning');
  });

  it('a config key typo gets "did you mean"', async () => {
    const config = join(work, 'typo.json');
    writeFileSync(config, JSON.stringify({ databse: 'postgres://x@127.0.0.1/db' }));
    const run = await runSparkify(['--config', config, 'config'], { env: env(migrated) });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('databse (');
    expect(run.stderr).toContain('not a setting; did you mean databaseUrl? see `sparkify config --help`');
  });

  it('a dwh.cfg with the IAM role, load --dry-run: only the manifest location is named as missing', async () => {
    const cfg = join(work, 'dwh.cfg');
    writeFileSync(
      cfg,
      "[CLUSTER]\nHOST=h.example.com\nDB_NAME=dwh\nDB_USER=u\nDB_PASSWORD=p\n[IAM_ROLE]\nARN='arn:aws:iam::123456789012:role/dwhRole'\n[S3]\nLOG_DATA='s3://raw/sparkify/log_data'\nSONG_DATA='s3://raw/sparkify/song_data'\n",
    );
    const run = await runSparkify(['--config', cfg, 'load', '--dry-run'], { env: env(migrated) });
    expect(run.code).toBe(2);
    expect(run.stderr).toBe(
      'sparkify: The redshift target needs a manifest location it may write to (--manifest-prefix s3://bucket/prefix/ or SPARKIFY_MANIFEST_PREFIX).\n',
    );
  });
});
