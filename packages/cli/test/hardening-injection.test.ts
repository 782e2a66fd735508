import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import {
  createTestDatabase,
  type S3FaultProxy,
  startS3FaultProxy,
  startTestS3,
  startTlsPostgresProxy,
  type TestDatabase,
  type TestS3,
  type TlsPostgresProxy,
  uploadFolder,
} from '@sparkify/testkit';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { removeTempFolders, runSparkify, tempFolder } from './run-sparkify.js';

let s3: TestS3;
let proxy: S3FaultProxy;

beforeAll(async () => {
  s3 = await startTestS3();
  proxy = await startS3FaultProxy(s3.endpoint);
});
afterAll(async () => {
  await proxy.stop();
  await s3.stop();
  removeTempFolders();
});

const ROLE = 'arn:aws:iam::123456789012:role/sparkify-loader';

function redshiftEnv(): Record<string, string> {
  return {
    SPARKIFY_TARGET: 'redshift',
    SPARKIFY_IAM_ROLE_ARN: ROLE,
    AWS_REGION: 'us-west-2',
    AWS_ACCESS_KEY_ID: s3.credentials.accessKeyId,
    AWS_SECRET_ACCESS_KEY: s3.credentials.secretAccessKey,
    AWS_ENDPOINT_URL_S3: proxy.endpoint,
    SPARKIFY_HOME: tempFolder('sparkify-inject-home-'),
  };
}

/** The string literals of a SQL statement, unescaped; throws when a quote is left open. */
function sqlLiterals(sql: string): { literals: string[]; outside: string } {
  const literals: string[] = [];
  let outside = '';
  for (let index = 0; index < sql.length; index += 1) {
    if (sql[index] !== "'") {
      outside += sql[index];
      continue;
    }
    let value = '';
    for (index += 1; ; index += 1) {
      if (index >= sql.length) throw new Error(`unterminated literal in ${sql}`);
      if (sql[index] === "'" && sql[index + 1] === "'") {
        value += "'";
        index += 1;
      } else if (sql[index] === "'") break;
      else value += sql[index];
    }
    literals.push(value);
    outside += "''";
  }
  return { literals, outside };
}

interface DryRunJson {
  status: string;
  dryRun: {
    toLoad: { key: string }[];
    redshift: { uploads: { url: string; body: string }[]; statements: { sql: string }[] };
  };
}

describe('hostile S3 keys and prefixes in the Redshift COPY SQL and manifests', () => {
  const prefix = "we'ird;pre\\fix ünï/";
  const keys = [
    'song_data/A/B/C/it\'s;--"x.json',
    'song_data/A/B/C/ünïcødé 🎵.json',
    "log_data/2018/11/o'neil'; DROP TABLE songs;--.json",
    'log_data/2018/11/back\\slash\\.json',
    "log_data/2018/11/$$dollar$$ E'\\x00'.json",
  ];
  const urls = keys.map((key) => `s3://hostile/${prefix}${key}`).sort();

  beforeAll(async () => {
    await s3.createBucket('hostile');
    const root = tempFolder('sparkify-inject-data-');
    for (const key of keys) {
      mkdirSync(dirname(join(root, prefix, key)), { recursive: true });
      writeFileSync(join(root, prefix, key), '{}');
    }
    await uploadFolder(s3.client, 'hostile', '', root);
  });

  it('a --dry-run --target redshift prints COPY statements whose literals hold the values exactly and nothing else', async () => {
    const manifestPrefix = "s3://hostile/man'if;ests -- ü/";
    const run = await runSparkify(
      [
        'load',
        '--dry-run',
        '--json',
        '--source',
        `s3://hostile/${prefix}`,
        '--manifest-prefix',
        manifestPrefix,
      ],
      { env: redshiftEnv() },
    );
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const plan = JSON.parse(run.stdout) as DryRunJson;
    expect(plan.dryRun.toLoad.map((object) => object.key).sort()).toEqual(urls);

    // Manifests are JSON naming exactly the listed objects, byte for byte, one object each (one COPY per object).
    const manifests = plan.dryRun.redshift.uploads.filter((upload) => /manifest/i.test(upload.url));
    expect(manifests.length).toBe(keys.length);
    const entries = manifests.flatMap(
      (upload) => (JSON.parse(upload.body) as { entries: { url: string; mandatory: boolean }[] }).entries,
    );
    expect(entries.map((entry) => entry.url).sort()).toEqual(urls);
    expect(entries.every((entry) => entry.mandatory)).toBe(true);
    for (const upload of plan.dryRun.redshift.uploads)
      expect(upload.url.startsWith(manifestPrefix)).toBe(true);

    const copies = plan.dryRun.redshift.statements.filter((statement) => /^\s*COPY\b/i.test(statement.sql));
    expect(copies).toHaveLength(keys.length);
    const uploadUrls = new Set(plan.dryRun.redshift.uploads.map((upload) => upload.url));
    for (const { sql } of plan.dryRun.redshift.statements) {
      const { literals, outside } = sqlLiterals(sql);
      // Outside the literals: one statement, no comment, no stray quote or backslash. The validation pass names
      // the format's own keys as quoted SUPER attributes (doc."userId"), never anything from the source.
      expect(outside.replace(/doc\."[A-Za-z_]\w*"/g, 'doc.key')).not.toMatch(/;|--|\/\*|\\|"/);
      if (/^\s*COPY\b/i.test(sql)) {
        expect(literals).toContain(ROLE);
        expect(
          literals
            .filter((literal) => literal.startsWith('s3://'))
            .every((literal) => uploadUrls.has(literal)),
        ).toBe(true);
        // No object key ever reaches the SQL text: the manifest carries them.
        for (const key of keys) expect(sql).not.toContain(key);
      }
    }
  });

  it('the human --dry-run shows the quoted SQL with doubled quotes', async () => {
    const run = await runSparkify(
      [
        'load',
        '--dry-run',
        '--source',
        `s3://hostile/${prefix}`,
        '--manifest-prefix',
        "s3://hostile/man'if;ests/",
      ],
      {
        env: redshiftEnv(),
      },
    );
    expect(run.code).toBe(0);
    expect(run.stdout).toContain("'s3://hostile/man''if;ests/");
    expect(run.stdout).toContain(`IAM_ROLE '${ROLE}'`);
    // In the order they are sent: the staging TRUNCATEs; per object the COPY, the SYS-view reads scoped to it and
    // the move of its documents with their object id; per dataset the validation pass; then the transform,
    // statement by statement.
    const order = [
      'TRUNCATE staging_songs;',
      'COPY staging_songs_raw',
      'FROM sys_load_history',
      'INSERT INTO staging_songs_docs (object_id, doc) SELECT <object id 1>, doc FROM staging_songs_raw;',
      'SELECT object_id, COUNT(*) AS rejected',
      'INSERT INTO staging_songs (',
      'COPY staging_events_raw',
      'INSERT INTO staging_events_docs (object_id, doc) SELECT <object id 3>, doc FROM staging_events_raw;',
      'FROM staging_events_docs',
      'INSERT INTO staging_events (',
      '-- then the transform',
      'CREATE TEMP TABLE load_objects',
      '-- songs and artists',
      'INSERT INTO songs',
      '-- matching plays to songs',
      '-- plays and time',
      'INSERT INTO songplays',
      'INSERT INTO time',
      '-- users',
      'INSERT INTO users',
    ];
    const positions = order.map((text) => run.stdout.indexOf(text));
    expect(
      positions.every((position) => position >= 0),
      JSON.stringify(positions),
    ).toBe(true);
    expect(positions).toEqual([...positions].sort((a, b) => a - b));
  });

  it('a manifest prefix with a backslash is refused (exit 2), not guessed at', async () => {
    const run = await runSparkify(
      ['load', '--dry-run', '--source', `s3://hostile/${prefix}`, '--manifest-prefix', 's3://hostile/a\\b/'],
      {
        env: redshiftEnv(),
      },
    );
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/backslash/);
    expect(run.stdout).toBe('');
  });

  it.each([
    ['SPARKIFY_IAM_ROLE_ARN', `${ROLE}' CREDENTIALS 'aws_access_key_id=AKIA;x`, 'iamRoleArn'],
    ['SPARKIFY_IAM_ROLE_ARN', 'arn:aws:iam::12345:role/short-account', 'iamRoleArn'],
    ['AWS_REGION', "us-west-2'; DROP TABLE songs;--", 'region'],
    ['AWS_REGION', 'mars-north-1a', 'region'],
  ])(
    '%s=%s is refused before any use: exit 2 naming %s, no S3 request made',
    async (variable, value, key) => {
      const before = proxy.seen.length;
      const run = await runSparkify(
        ['load', '--dry-run', '--source', 's3://hostile/', '--manifest-prefix', 's3://hostile/m/'],
        {
          env: { ...redshiftEnv(), [variable]: value },
        },
      );
      expect(run.code).toBe(2);
      expect(run.stderr).toContain(key);
      expect(run.stderr).toContain(variable);
      expect(run.stdout).toBe('');
      expect(proxy.seen.length).toBe(before);
    },
  );
});

describe('Redshift connections use TLS with certificate verification unless explicitly turned off', () => {
  let db: TestDatabase;
  let tls: TlsPostgresProxy;

  beforeAll(async () => {
    db = await createTestDatabase(inject('pgUrl'), 'cli_tls');
    tls = await startTlsPostgresProxy(inject('pgUrl'));
  });
  afterAll(async () => {
    await tls.stop();
    await db.drop();
  });

  function clusterEnv(extra: Record<string, string> = {}): Record<string, string> {
    const url = new URL(db.url);
    return {
      SPARKIFY_TARGET: 'redshift',
      REDSHIFT_HOST: tls.host,
      REDSHIFT_PORT: String(tls.port),
      REDSHIFT_DATABASE: db.name,
      REDSHIFT_USER: decodeURIComponent(url.username),
      REDSHIFT_PASSWORD: decodeURIComponent(url.password),
      SPARKIFY_HOME: tempFolder('sparkify-tls-home-'),
      ...extra,
    };
  }

  it('by default an untrusted certificate is refused (exit 2), with no fallback to plain text', async () => {
    const before = { ...tls.stats };
    const run = await runSparkify(['migrate', 'status'], { env: clusterEnv() });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(`cannot connect to 127.0.0.1:${tls.port}`);
    expect(run.stderr).toContain('TLS certificate verification failed');
    expect(run.stderr).toContain('--tls no-verify');
    expect(tls.stats.tlsSessions).toBe(before.tlsSessions);
    expect(tls.stats.plainSessions).toBe(before.plainSessions);
  });

  it('the same server passes once its certificate is trusted: verification is real, and the session is encrypted', async () => {
    const before = tls.stats.tlsSessions;
    const run = await runSparkify(['migrate', 'status', '--json'], {
      env: clusterEnv({ NODE_EXTRA_CA_CERTS: tls.certFile }),
    });
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({ dialect: 'redshift' });
    expect(tls.stats.tlsSessions).toBeGreaterThan(before);
  });

  it('--tls no-verify encrypts without verifying; --tls off is plain text; both only when asked for', async () => {
    const encrypted = tls.stats.tlsSessions;
    const noVerify = await runSparkify(['--tls', 'no-verify', 'migrate', 'status', '--json'], {
      env: clusterEnv(),
    });
    expect(noVerify.code).toBe(0);
    expect(tls.stats.tlsSessions).toBeGreaterThan(encrypted);

    const plain = tls.stats.plainSessions;
    const off = await runSparkify(['--tls', 'off', 'migrate', 'status', '--json'], { env: clusterEnv() });
    expect(off.code).toBe(0);
    expect(tls.stats.plainSessions).toBeGreaterThan(plain);

    const config = await runSparkify(['config', '--json'], { env: clusterEnv() });
    expect((JSON.parse(config.stdout) as { config: { redshift: { tls: string } } }).config.redshift.tls).toBe(
      'verify',
    );
  });
});
