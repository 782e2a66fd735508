import { randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { folderSink, generateDataset } from '@sparkify/generator';
import {
  createTestDatabase,
  startTestS3,
  type TestDatabase,
  type TestS3,
  uploadFolder,
} from '@sparkify/testkit';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { type CliRun, removeTempFolders, runSparkify, tempFolder } from './run-sparkify.js';
import { startScriptedAws } from './scripted-aws.js';

// Canaries: values that must never be printed, stored or echoed in any form.
const DB_CANARY = `CanaryDbPw${randomBytes(4).toString('hex')}`;
const CFG_CANARY = `CanaryCfgPw${randomBytes(4).toString('hex')}`;
const CFG_AWS_CANARY = `CanaryCfgAws${randomBytes(4).toString('hex')}`;
const AWS_CANARY = `CanaryAwsSecret${randomBytes(4).toString('hex')}`;
const canaries = [DB_CANARY, CFG_CANARY, CFG_AWS_CANARY, AWS_CANARY];

/** Any trace of a canary: the whole value or its distinctive random part (so a truncated copy is caught too). */
function leaks(text: string): string[] {
  return canaries.filter(
    (canary) =>
      text.includes(canary) || text.includes(canary.slice(-8)) || text.includes(encodeURIComponent(canary)),
  );
}

let db: TestDatabase;
let s3: TestS3;
let role: string;
let canaryUrl: string;
let data: string;
let badData: string;
let cwd: string;
const outputs: { name: string; run: CliRun }[] = [];

async function sparkify(name: string, args: string[], env: Record<string, string>): Promise<CliRun> {
  const run = await runSparkify(args, {
    env: { SPARKIFY_HOME: tempFolder('sparkify-secrets-home-'), ...env },
    cwd,
  });
  outputs.push({ name, run });
  return run;
}

beforeAll(async () => {
  db = await createTestDatabase(inject('pgUrl'), 'cli_secrets');
  s3 = await startTestS3();
  role = `canary_${randomBytes(3).toString('hex')}`;
  const admin = new pg.Client({ connectionString: inject('pgUrl') });
  await admin.connect();
  await admin.query(`CREATE ROLE ${role} LOGIN SUPERUSER PASSWORD '${DB_CANARY}'`);
  await admin.end();
  const url = new URL(db.url);
  url.username = role;
  url.password = DB_CANARY;
  canaryUrl = url.toString();

  cwd = tempFolder('sparkify-secrets-cwd-');
  data = tempFolder('sparkify-secrets-data-');
  await generateDataset({ songs: 20, events: 300, days: 2, seed: 5 }, folderSink(data));
  badData = tempFolder('sparkify-secrets-bad-');
  mkdirSync(join(badData, 'log_data'), { recursive: true });
  writeFileSync(join(badData, 'log_data', 'bad.json'), `{"truncated": "${DB_CANARY.slice(0, 6)}`);
  await s3.createBucket('secrets');
  await uploadFolder(s3.client, 'secrets', 'data/', data);
  writeFileSync(
    join(cwd, 'dwh.cfg'),
    `[CLUSTER]\nHOST=127.0.0.1\nDB_NAME=dwh\nDB_USER=dwhuser\nDB_PASSWORD=${CFG_CANARY}\nDB_PORT=9\n\n` +
      `[IAM_ROLE]\nARN=arn:aws:iam::123456789012:role/dwhRole\n\n[S3]\nLOG_DATA=s3://secrets/data/log_data\n` +
      `SONG_DATA=s3://secrets/data/song_data\n\n[AWS]\nKEY=AKIAEXAMPLE\nSECRET=${CFG_AWS_CANARY}\n`,
  );
});
afterAll(async () => {
  await db.drop();
  await s3.stop();
  const admin = new pg.Client({ connectionString: inject('pgUrl') });
  await admin.connect();
  await admin.query(`DROP ROLE IF EXISTS ${role}`);
  await admin.end();
  removeTempFolders();
});

describe('no output, error or ledger row contains a credential', () => {
  it('with a canary password in DATABASE_URL and a canary AWS secret in the environment: migrate, load, check, config, doctor', async () => {
    const env = {
      DATABASE_URL: canaryUrl,
      AWS_SECRET_ACCESS_KEY: AWS_CANARY,
      AWS_ACCESS_KEY_ID: 'S3RVER',
      AWS_REGION: 'us-east-1',
    };
    expect((await sparkify('migrate', ['migrate'], env)).code).toBe(0);
    expect((await sparkify('migrate status --json', ['migrate', 'status', '--json'], env)).code).toBe(0);
    expect((await sparkify('migrate --debug', ['--debug', 'migrate', 'status'], env)).code).toBe(0);
    const loaded = await sparkify('load', ['load', '--source', data], env);
    expect(loaded.code).toBe(0);
    expect(loaded.stdout).toMatch(/^Loaded: /m);
    expect(
      (await sparkify('load --json', ['load', '--source', data, '--json', '--full-refresh'], env)).code,
    ).toBe(0);
    expect(
      (await sparkify('load --dry-run', ['load', '--source', data, '--dry-run', '--full-refresh'], env)).code,
    ).toBe(0);
    expect(
      (await sparkify('load --dry-run --json', ['load', '--source', data, '--dry-run', '--json'], env)).code,
    ).toBe(0);
    expect((await sparkify('load bad data', ['load', '--source', badData], env)).code).toBe(1);
    expect((await sparkify('load bad data --json', ['load', '--source', badData, '--json'], env)).code).toBe(
      1,
    );
    expect(
      (await sparkify('load empty source', ['load', '--source', join(data, 'nothing-here')], env)).code,
    ).toBe(2);
    // The canary AWS secret signs every S3 request (s3rver checks only the key id) and is never printed.
    const fromS3 = await sparkify(
      'load s3 --debug',
      ['--debug', 'load', '--source', 's3://secrets/data/', '--endpoint', s3.endpoint, '--json'],
      env,
    );
    expect(fromS3.code).toBe(0);
    expect(fromS3.stdout).toContain('s3://secrets/data/');
    expect([0, 1]).toContain((await sparkify('check', ['check'], env)).code);
    expect([0, 1]).toContain(
      (await sparkify('check --format json', ['check', '--format', 'json'], env)).code,
    );
    expect((await sparkify('check --dry-run', ['check', '--dry-run'], env)).code).toBe(0);
    const config = await sparkify('config', ['config'], env);
    expect(config.code).toBe(0);
    expect(config.stdout).toContain(`${role}:***@`);
    expect((await sparkify('config --json', ['config', '--json'], env)).code).toBe(0);
    expect((await sparkify('doctor', ['doctor'], env)).code).toBe(0);
    expect((await sparkify('doctor --json', ['doctor', '--json'], env)).code).toBe(0);

    // Failures that quote the connection: wrong port, wrong database, wrong password.
    const unreachable = new URL(canaryUrl);
    unreachable.port = '9';
    expect(
      (
        await sparkify('unreachable', ['--debug', 'load', '--source', data], {
          ...env,
          DATABASE_URL: unreachable.toString(),
        })
      ).code,
    ).toBe(2);
    const missing = new URL(canaryUrl);
    missing.pathname = '/no_such_database';
    expect(
      (await sparkify('no database', ['migrate'], { ...env, DATABASE_URL: missing.toString() })).code,
    ).toBe(2);
    const invalid = `postgres://${role}:${DB_CANARY}@127.0.0.1:notaport/x`;
    expect(
      (await sparkify('invalid url', ['load', '--source', data], { ...env, DATABASE_URL: invalid })).code,
    ).toBe(2);

    for (const { name, run } of outputs) {
      expect({ name, leaks: leaks(run.stdout + run.stderr) }).toEqual({ name, leaks: [] });
    }
    for (const table of ['etl_runs', 'etl_files', 'etl_rejects']) {
      const rows = await db.knex(table).select('*');
      expect(rows.length).toBeGreaterThan(0);
      expect({ table, leaks: leaks(JSON.stringify(rows)) }).toEqual({ table, leaks: [] });
    }
  });

  it('with canaries in a dwh.cfg ([CLUSTER] DB_PASSWORD, [AWS] SECRET): config, dry runs, doctor and connection errors', async () => {
    outputs.splice(0);
    const env = {
      AWS_SECRET_ACCESS_KEY: AWS_CANARY,
      AWS_ACCESS_KEY_ID: 'S3RVER',
      AWS_REGION: 'us-west-2',
      AWS_ENDPOINT_URL_S3: s3.endpoint,
    };
    const cfg = ['--config', 'dwh.cfg'];
    expect((await sparkify('dwh config', [...cfg, 'config'], env)).code).toBe(0);
    expect((await sparkify('dwh config --json', [...cfg, 'config', '--json'], env)).code).toBe(0);
    expect((await sparkify('dwh migrate --dry-run', [...cfg, 'migrate', '--dry-run'], env)).code).toBe(0);
    const plan = await sparkify(
      'dwh load --dry-run',
      [...cfg, 'load', '--dry-run', '--manifest-prefix', 's3://secrets/manifests/'],
      {
        ...env,
        AWS_ACCESS_KEY_ID: 'S3RVER',
      },
    );
    // The S3 listing is refused (canary secret), or succeeds; either way nothing may leak.
    expect([0, 2]).toContain(plan.code);
    expect((await sparkify('dwh migrate status', [...cfg, 'migrate', 'status'], env)).code).toBe(2);
    expect(
      (await sparkify('dwh --tls off migrate', [...cfg, '--debug', '--tls', 'off', 'migrate'], env)).code,
    ).toBe(2);
    expect((await sparkify('dwh check', [...cfg, 'check'], env)).code).toBe(2);
    // The preflight writes (and deletes) its probe on S3 signed with the canary secret, and fails to connect.
    expect(
      (
        await sparkify(
          'dwh doctor --json',
          [...cfg, '--tls', 'off', 'doctor', '--json', '--manifest-prefix', 's3://secrets/manifests/'],
          env,
        )
      ).code,
    ).toBe(2);
    for (const { name, run } of outputs) {
      expect({ name, leaks: leaks(run.stdout + run.stderr) }).toEqual({ name, leaks: [] });
    }
  });

  it('with temporary credentials fetched at connect time (Secrets Manager, GetClusterCredentials): the fetched password is never printed', async () => {
    outputs.splice(0);
    // A database of its own: the first test migrated `db` for the postgres target.
    const fresh = await createTestDatabase(inject('pgUrl'), 'cli_secrets_iam');
    const url = new URL(fresh.url);
    // The scripted services hand out the canary role's real password, so the sign-in really connects.
    const aws = await startScriptedAws({
      GetSecretValue: () => ({ SecretString: JSON.stringify({ username: role, password: DB_CANARY }) }),
      GetClusterCredentials: () => ({
        DbUser: role,
        DbPassword: DB_CANARY,
        Expiration: new Date(Date.now() + 900_000).toISOString(),
      }),
      DescribeClusters: () => ({
        Clusters: { Cluster: { Endpoint: { Address: url.hostname, Port: Number(url.port) } } },
      }),
    });
    try {
      const env = {
        AWS_SECRET_ACCESS_KEY: AWS_CANARY,
        AWS_ACCESS_KEY_ID: 'AKIDSCRIPTED',
        AWS_REGION: 'us-west-2',
        AWS_ENDPOINT_URL_SECRETS_MANAGER: aws.endpoint,
        AWS_ENDPOINT_URL_REDSHIFT: aws.endpoint,
        SPARKIFY_TARGET: 'redshift',
        SPARKIFY_TLS: 'off',
        REDSHIFT_DATABASE: decodeURIComponent(url.pathname.slice(1)),
      };
      const secret = {
        ...env,
        REDSHIFT_HOST: url.hostname,
        REDSHIFT_PORT: url.port,
        REDSHIFT_SECRET_ARN: 'arn:aws:secretsmanager:us-west-2:123456789012:secret:dwh-AbCdEf',
      };
      const status = await sparkify('secret migrate status', ['--debug', 'migrate', 'status'], secret);
      expect(status.stderr).toBe('');
      expect(status.code).toBe(0);
      expect(aws.calls.map((call) => call.operation)).toEqual(['GetSecretValue']);
      expect((await sparkify('secret config', ['config'], secret)).code).toBe(0);
      const iam = { ...env, REDSHIFT_CLUSTER_ID: 'dwh-cluster', REDSHIFT_USER: role };
      expect((await sparkify('iam migrate status', ['migrate', 'status', '--json'], iam)).code).toBe(0);
      expect(aws.calls.map((call) => call.operation)).toContain('GetClusterCredentials');
      // A sign-in the database refuses (wrong database): the error names host and database, not the password.
      const refused = await sparkify('iam wrong database', ['--debug', 'migrate', 'status'], {
        ...iam,
        REDSHIFT_DATABASE: 'no_such_database',
      });
      expect(refused.code).toBe(2);
      expect(refused.stderr).toContain('no_such_database');
    } finally {
      await aws.stop();
      await fresh.drop();
    }
    for (const { name, run } of outputs) {
      expect({ name, leaks: leaks(run.stdout + run.stderr) }).toEqual({ name, leaks: [] });
    }
  });
});
