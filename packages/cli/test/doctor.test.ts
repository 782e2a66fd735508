// `sparkify doctor` as a user runs it (the built binary), against:
// - Redshift: the scripted pg-wire Redshift (testkit) answering the catalog and COPY as Redshift's documentation
//   says, the scripted AWS API (DescribeClusters, GetWorkgroup, GetNamespace), and a real S3 API (s3rver) behind a
//   loopback proxy that answers GetBucketLocation per bucket (s3rver knows one region only);
// - PostgreSQL: a real one (the test server), with a real login role lacking CREATE and TEMP.
import { randomBytes } from 'node:crypto';
import { migrationChecksum, migrations } from '@sparkify/schema';
import {
  createTestDatabase,
  type S3FaultProxy,
  type ScriptedRedshift,
  type ScriptedReply,
  startS3FaultProxy,
  startScriptedRedshift,
  startTestS3,
  type TestDatabase,
  type TestS3,
} from '@sparkify/testkit';
import pg from 'pg';
import { afterAll, beforeAll, beforeEach, describe, expect, inject, it } from 'vitest';
import { type CliRun, removeTempFolders, runSparkify, tempFolder } from './run-sparkify.js';
import { type ScriptedAws, startScriptedAws } from './scripted-aws.js';

const ROLE = 'arn:aws:iam::123456789012:role/dwhRole';
const OTHER_ROLE = 'arn:aws:iam::123456789012:role/someoneElses';
const PASSWORD = `CanaryDoctorPw${randomBytes(4).toString('hex')}`;

/** What the scripted cluster, AWS and S3 answer in one test; reset before each. */
interface Scenario {
  canCreate: boolean;
  stagingOwner: string;
  attached: string[];
  /** The error Redshift answers a COPY with, if any. */
  copyError?: { code: string; message: string; detail?: string };
  regions: Record<string, string>;
}
let scenario: Scenario;
const fresh = (): Scenario => ({
  canCreate: true,
  stagingOwner: 'loader',
  attached: [ROLE],
  regions: { 'doctor-data': 'us-west-2', 'doctor-manifests': 'us-west-2' },
});

let backing: TestDatabase;
let postgres: TestDatabase;
let redshift: ScriptedRedshift;
let aws: ScriptedAws;
let s3: TestS3;
let locations: S3FaultProxy;
let locationsEndpoint: string;
let lastCopyCount = 0;
/** Each COPY the cluster received, with whether its object was on S3 at that moment. */
const copies: { sql: string; url: string; objectExisted: boolean }[] = [];

async function objectText(url: string): Promise<string | undefined> {
  // s3rver answers unsigned requests: the test reads S3 directly, not through the code under test.
  const answer = await fetch(`${s3.endpoint}/${url.slice('s3://'.length)}`);
  return answer.ok ? answer.text() : undefined;
}

/** The cluster: the catalog rows of user `loader`, and COPY as Redshift runs it (reading S3 at that moment). */
async function answer(sql: string): Promise<ScriptedReply> {
  if (/has_schema_privilege/i.test(sql)) {
    return {
      rows: [
        {
          user_name: 'loader',
          database_name: 'dev',
          schema_name: 'public',
          can_create: scenario.canCreate ? 't' : 'f',
          can_temp: 't',
          is_superuser: 'f',
        },
      ],
    };
  }
  if (/from pg_tables/i.test(sql)) {
    return {
      rows: ['staging_events', 'staging_songs', 'songplays', 'users', 'songs', 'artists', 'time'].map(
        (table) => ({
          table_name: table,
          owner: table.startsWith('staging_') ? scenario.stagingOwner : 'loader',
        }),
      ),
    };
  }
  if (/^COPY /i.test(sql)) {
    const url = /FROM '([^']+)'/.exec(sql)![1]!;
    const text = await objectText(url);
    copies.push({ sql, url, objectExisted: text !== undefined });
    if (scenario.copyError) return { error: scenario.copyError };
    // Redshift's own error when the object is not there: S3 answers 404 to the cluster.
    if (text === undefined)
      return { error: { code: 'XX000', message: `The specified S3 prefix '${url}' does not exist` } };
    lastCopyCount = /NOLOAD/.test(sql) ? 0 : text.split('\n').filter(Boolean).length;
    return { rows: [], command: 'COPY' };
  }
  if (/pg_last_copy_count/i.test(sql)) return { rows: [{ loaded: lastCopyCount }] };
  return undefined;
}

beforeAll(async () => {
  process.env.AWS_ACCESS_KEY_ID ??= 'S3RVER';
  backing = await createTestDatabase(inject('pgUrl'), 'cli_doctor_redshift');
  postgres = await createTestDatabase(inject('pgUrl'), 'cli_doctor_postgres');
  // The backing database stands in for the cluster's catalog: migrated, with the checksums `migrate --target
  // redshift` would have stored.
  const migrated = await runSparkify(['migrate'], {
    env: { DATABASE_URL: backing.url, SPARKIFY_HOME: tempFolder('sparkify-doctor-home-') },
  });
  expect(migrated.code, migrated.stderr).toBe(0);
  for (const migration of migrations) {
    await backing
      .knex('schema_checksums')
      .where({ name: migration.name })
      .update({ checksum: migrationChecksum(migration, 'redshift') });
  }
  redshift = await startScriptedRedshift(backing.url, (statement) => answer(statement.sql));
  aws = await startScriptedAws({
    // Redshift API reference, DescribeClusters: Cluster.IamRoles is a list of ClusterIamRole (IamRoleArn, ApplyStatus).
    DescribeClusters: (params) => ({
      Clusters: {
        Cluster: {
          ClusterIdentifier: params.ClusterIdentifier,
          Endpoint: { Address: 'dwh-cluster.abc123xyz.us-west-2.redshift.amazonaws.com', Port: 5439 },
          IamRoles: scenario.attached
            .map(
              (arn) =>
                `<ClusterIamRole><IamRoleArn>${arn}</IamRoleArn><ApplyStatus>in-sync</ApplyStatus></ClusterIamRole>`,
            )
            .join(''),
        },
      },
    }),
    GetWorkgroup: (params) => ({
      workgroup: {
        workgroupName: params.workgroupName,
        namespaceName: 'sparkify-ns',
        endpoint: {
          address: `${String(params.workgroupName)}.123456789012.us-west-2.redshift-serverless.amazonaws.com`,
          port: 5439,
        },
      },
    }),
    // Redshift Serverless API reference, GetNamespace: iamRoles is a list of strings.
    GetNamespace: (params) => ({
      namespace: {
        namespaceName: params.namespaceName,
        iamRoles: scenario.attached.map((arn) => `IamRole(applyStatus=in-sync, iamRoleArn=${arn})`),
      },
    }),
  });
  s3 = await startTestS3();
  await s3.createBucket('doctor-data');
  await s3.createBucket('doctor-manifests');
  const put = async (key: string, body: string) => {
    const answer = await fetch(`${s3.endpoint}/doctor-data/${key}`, { method: 'PUT', body });
    expect(answer.ok).toBe(true);
  };
  await put(
    'sparkify/song_data/A/A/A/TRAAAAA.json',
    '{"num_songs":1,"artist_id":"AR1","artist_latitude":null,"artist_longitude":null,"artist_location":"","artist_name":"A","song_id":"SO1","title":"T","duration":200.5,"year":0}\n',
  );
  await put(
    'sparkify/log_data/2018/11/2018-11-01-events.json',
    '{"artist":null,"auth":"Logged In","firstName":"W","gender":"F","itemInSession":0,"lastName":"L","length":null,"level":"free","location":"X","method":"GET","page":"Home","registration":1540919166796.0,"sessionId":38,"song":null,"status":200,"ts":1541105830796,"userAgent":"U","userId":"39"}\n',
  );
  // GetBucketLocation (`GET /bucket?location`) per bucket, as S3 answers it (no constraint for us-east-1); the rest
  // goes to s3rver unchanged.
  locations = await startS3FaultProxy(s3.endpoint);
  locations.addRule({
    method: 'GET',
    path: /^\/[^/]+\/?$/,
    query: /(^|&)location(=|&|$)/,
    fault: {
      kind: 'answer',
      status: 200,
      contentType: 'application/xml',
      body: (path) => {
        const region = scenario.regions[path.replace(/^\//, '').replace(/\/$/, '')];
        return region && region !== 'us-east-1'
          ? `<LocationConstraint xmlns="http://s3.amazonaws.com/doc/2006-03-01/">${region}</LocationConstraint>`
          : '<LocationConstraint xmlns="http://s3.amazonaws.com/doc/2006-03-01/"/>';
      },
    },
  });
  locationsEndpoint = locations.endpoint;
});

afterAll(async () => {
  await redshift?.stop();
  await aws?.stop();
  await locations?.stop();
  await s3?.stop();
  await backing?.drop();
  await postgres?.drop();
  removeTempFolders();
});

beforeEach(() => {
  scenario = fresh();
  copies.splice(0);
  aws.calls.splice(0);
});

function redshiftEnv(extra: Record<string, string> = {}): Record<string, string> {
  return {
    SPARKIFY_HOME: tempFolder('sparkify-doctor-home-'),
    SPARKIFY_TARGET: 'redshift',
    REDSHIFT_HOST: '127.0.0.1',
    REDSHIFT_PORT: String(redshift.port),
    REDSHIFT_DATABASE: 'dev',
    REDSHIFT_USER: 'loader',
    REDSHIFT_PASSWORD: PASSWORD,
    REDSHIFT_CLUSTER_ID: 'dwh-cluster',
    // The scripted cluster speaks no TLS; doctor must say so (a warning, not a failure).
    SPARKIFY_TLS: 'off',
    SPARKIFY_IAM_ROLE_ARN: ROLE,
    SPARKIFY_MANIFEST_PREFIX: 's3://doctor-manifests/sparkify/',
    SPARKIFY_SOURCE: 's3://doctor-data/sparkify',
    AWS_REGION: 'us-west-2',
    AWS_ACCESS_KEY_ID: s3.credentials.accessKeyId,
    AWS_SECRET_ACCESS_KEY: s3.credentials.secretAccessKey,
    AWS_ENDPOINT_URL_S3: locationsEndpoint,
    AWS_ENDPOINT_URL_REDSHIFT: aws.endpoint,
    AWS_ENDPOINT_URL_REDSHIFT_SERVERLESS: aws.endpoint,
    ...extra,
  };
}

interface Report {
  ready: boolean;
  target: string;
  checks: { check: string; status: string; says: string; fix?: string }[];
}

async function doctor(
  env: Record<string, string>,
  args: string[] = [],
): Promise<{ run: CliRun; report: Report }> {
  const run = await runSparkify(['doctor', '--json', ...args], { env });
  expect(run.stdout + run.stderr).not.toContain(PASSWORD);
  let report: Report;
  try {
    report = JSON.parse(run.stdout) as Report;
  } catch {
    throw new Error(`doctor printed no JSON (exit ${run.code}): ${run.stdout}\n${run.stderr}`);
  }
  return { run, report };
}

const statusOf = (report: Report) =>
  Object.fromEntries(report.checks.map((check) => [check.check, check.status]));
const checkOf = (report: Report, name: string) => report.checks.find((check) => check.check === name)!;

async function probesLeft(): Promise<string[]> {
  const listing = await (await fetch(`${s3.endpoint}/doctor-manifests?list-type=2`)).text();
  return [...listing.matchAll(/<Key>([^<]+)<\/Key>/g)]
    .map((match) => match[1]!)
    .filter((key) => key.includes('doctor-probe'));
}

describe('sparkify doctor --target redshift (scripted cluster, AWS API and S3 regions)', () => {
  it('a cluster ready for its first load: exit 0, every check ✓ (TLS off is a warning), the probe COPYed and deleted', async () => {
    const { run, report } = await doctor(redshiftEnv());
    expect(run.code, run.stdout + run.stderr).toBe(0);
    expect(report.ready).toBe(true);
    expect(statusOf(report)).toEqual({
      connection: 'ok',
      tls: 'warn',
      create: 'ok',
      temp: 'ok',
      ownership: 'ok',
      migrations: 'ok',
      'iam-role': 'ok',
      regions: 'ok',
      'manifest-write': 'ok',
      'role-reads-manifest': 'ok',
      'role-reads-source': 'ok',
    });
    expect(checkOf(report, 'iam-role').says).toBe(`${ROLE} is attached to cluster dwh-cluster`);
    expect(aws.calls).toEqual([
      {
        operation: 'DescribeClusters',
        params: expect.objectContaining({ ClusterIdentifier: 'dwh-cluster' }) as unknown,
      },
    ]);
    // The probe was on S3 when the cluster read it (1 row), under the manifest prefix, with the role and REGION.
    const [probe, ...sources] = copies;
    expect(probe!.url).toMatch(/^s3:\/\/doctor-manifests\/sparkify\/doctor-probe-[0-9a-f-]+\.json$/);
    expect(probe!.objectExisted).toBe(true);
    expect(probe!.sql).toContain(`IAM_ROLE '${ROLE}'`);
    expect(probe!.sql).toContain("REGION 'us-west-2'");
    expect(sources.map((copy) => copy.url)).toEqual([
      's3://doctor-data/sparkify/song_data/A/A/A/TRAAAAA.json',
      's3://doctor-data/sparkify/log_data/2018/11/2018-11-01-events.json',
    ]);
    expect(sources.every((copy) => copy.objectExisted && /NOLOAD$/.test(copy.sql))).toBe(true);
    // Into a TEMP table only: nothing reached a table of the warehouse.
    expect(
      redshift.statements
        .filter((s) => /^COPY /i.test(s.sql))
        .every((s) => / sparkify_doctor_probe /.test(s.sql)),
    ).toBe(true);
    expect(await probesLeft()).toEqual([]);
    const star = await backing.knex('staging_events').count({ n: '*' });
    expect(Number(star[0]!.n)).toBe(0);
  });

  it('prints one line per check with ✓/✗ and the fix under each ✗', async () => {
    scenario.canCreate = false;
    const run = await runSparkify(['doctor'], { env: redshiftEnv() });
    expect(run.code).toBe(2);
    expect(run.stdout).toContain('✗ create');
    expect(run.stdout).toContain('fix: GRANT CREATE ON SCHEMA public TO loader;');
    expect(run.stdout).toMatch(/✓ connection +connected to Redshift at 127\.0\.0\.1/);
    expect(run.stdout.trim().split('\n').at(-1)).toBe('not ready: 1 problem to fix (exit 2)');
    expect(run.stdout + run.stderr).not.toContain(PASSWORD);
  });

  it('a user without CREATE, and staging tables owned by another user: exit 2, both named with their fix', async () => {
    scenario.canCreate = false;
    scenario.stagingOwner = 'admin';
    const { run, report } = await doctor(redshiftEnv());
    expect(run.code).toBe(2);
    expect(report.ready).toBe(false);
    expect(checkOf(report, 'create')).toMatchObject({
      status: 'fail',
      fix: 'GRANT CREATE ON SCHEMA public TO loader;',
    });
    expect(checkOf(report, 'ownership')).toMatchObject({
      status: 'fail',
      says: expect.stringContaining('staging_events (owner admin), staging_songs (owner admin)') as unknown,
      fix: 'ALTER TABLE staging_events OWNER TO loader; ALTER TABLE staging_songs OWNER TO loader;',
    });
    expect(checkOf(report, 'temp').status).toBe('ok');
  });

  it("a role not attached to the cluster: ✗ naming the attached ones, and the COPY's refusal as Redshift words it", async () => {
    scenario.attached = [OTHER_ROLE];
    // What Redshift answers a COPY whose IAM_ROLE the cluster cannot assume.
    scenario.copyError = {
      code: 'XX000',
      message: `User arn:aws:redshift:us-west-2:123456789012:dbuser:dwh-cluster/loader is not authorized to assume IAM Role ${ROLE}`,
    };
    const { run, report } = await doctor(redshiftEnv());
    expect(run.code).toBe(2);
    expect(checkOf(report, 'iam-role')).toMatchObject({
      status: 'fail',
      says: `${ROLE} is not attached to cluster dwh-cluster (attached: ${OTHER_ROLE}): COPY cannot assume it`,
      fix: `aws redshift modify-cluster-iam-roles --cluster-identifier dwh-cluster --add-iam-roles ${ROLE}`,
    });
    expect(checkOf(report, 'role-reads-manifest')).toMatchObject({
      status: 'fail',
      says: expect.stringContaining('is not authorized to assume IAM Role') as unknown,
      fix: expect.stringMatching(/^attach .*dwhRole to the cluster/) as unknown,
    });
    expect(await probesLeft()).toEqual([]);
  });

  it("a COPY refused with S3's permission error: ✗ with Redshift's code and message and the policy to add", async () => {
    scenario.copyError = {
      code: 'XX000',
      message:
        'S3ServiceException:Access Denied,Status 403,Error AccessDenied,Rid 3C5B1C7AB2E1A2F3,ExtRid x,CanRetry 1',
      detail: 'error:  S3ServiceException:Access Denied,Status 403 code:  8001',
    };
    const { run, report } = await doctor(redshiftEnv());
    expect(run.code).toBe(2);
    expect(checkOf(report, 'iam-role').status).toBe('ok');
    const probe = checkOf(report, 'role-reads-manifest');
    expect(probe.status).toBe('fail');
    expect(probe.says).toMatch(
      /Redshift refused the COPY of s3:\/\/doctor-manifests\/sparkify\/doctor-probe-.*: XX000 S3ServiceException:Access Denied,Status 403/,
    );
    expect(probe.fix).toBe(
      `allow ${ROLE} s3:GetObject on s3://doctor-manifests/sparkify/* and s3:ListBucket on arn:aws:s3:::doctor-manifests (and kms:Decrypt when the objects are KMS-encrypted)`,
    );
    expect(checkOf(report, 'role-reads-source').status).toBe('fail');
    expect(await probesLeft()).toEqual([]);
  });

  it('a manifest bucket in another region than the source: ✗ regions naming the bucket and both regions', async () => {
    scenario.regions['doctor-manifests'] = 'eu-west-1';
    const { run, report } = await doctor(redshiftEnv());
    expect(run.code).toBe(2);
    expect(checkOf(report, 'regions')).toMatchObject({
      status: 'fail',
      says: expect.stringMatching(
        /Bucket doctor-manifests \(the manifest prefix\) is in eu-west-1, but COPY reads everything from us-west-2/,
      ) as unknown,
    });
  });

  it('the data in another region than the cluster: a warning (COPY names REGION), still ready', async () => {
    scenario.regions['doctor-data'] = 'us-east-1';
    scenario.regions['doctor-manifests'] = 'us-east-1';
    const { run, report } = await doctor(redshiftEnv());
    expect(run.code).toBe(0);
    expect(checkOf(report, 'regions')).toMatchObject({
      status: 'warn',
      says: expect.stringContaining('the cluster is in us-west-2') as unknown,
    });
    expect(copies[0]!.sql).toContain("REGION 'us-east-1'");
  });

  it("Serverless: the roles come from GetNamespace of the workgroup's namespace", async () => {
    const env = redshiftEnv({ REDSHIFT_WORKGROUP: 'sparkify' });
    delete env.REDSHIFT_CLUSTER_ID;
    const { run, report } = await doctor(env);
    expect(run.code, run.stdout).toBe(0);
    expect(checkOf(report, 'iam-role').says).toBe(`${ROLE} is attached to Serverless namespace sparkify-ns`);
    expect(aws.calls.map((call) => [call.operation, call.params])).toEqual([
      ['GetWorkgroup', { workgroupName: 'sparkify' }],
      ['GetNamespace', { namespaceName: 'sparkify-ns' }],
    ]);
    scenario.attached = [];
    const missing = await doctor(env);
    expect(missing.run.code).toBe(2);
    expect(checkOf(missing.report, 'iam-role').fix).toContain(
      'aws redshift-serverless update-namespace --namespace-name sparkify-ns',
    );
  });

  it('nothing configured for Redshift: exit 2, each missing setting a ✗, no AWS call, no COPY', async () => {
    const { run, report } = await doctor({
      SPARKIFY_HOME: tempFolder('sparkify-doctor-home-'),
      SPARKIFY_TARGET: 'redshift',
    });
    expect(run.code).toBe(2);
    expect(checkOf(report, 'connection')).toMatchObject({
      status: 'fail',
      says: expect.stringContaining('redshift.host') as unknown,
    });
    expect(checkOf(report, 'iam-role').status).toBe('fail');
    expect(checkOf(report, 'manifest-write')).toMatchObject({
      status: 'fail',
      fix: expect.stringContaining('--manifest-prefix') as unknown,
    });
    expect(aws.calls).toEqual([]);
    expect(copies).toEqual([]);
  });
});

describe('sparkify doctor on the postgres target (real PostgreSQL)', () => {
  const reader = `doctor_reader_${randomBytes(3).toString('hex')}`;
  const readerUrl = () => {
    const url = new URL(postgres.url);
    url.username = reader;
    url.password = PASSWORD;
    return url.toString();
  };

  it('before migrate: connection and rights ✓, "not migrated yet", exit 2, and it says what it does not check', async () => {
    const { run, report } = await doctor({ DATABASE_URL: postgres.url });
    expect(run.code).toBe(2);
    expect(report.target).toBe('postgres');
    expect(statusOf(report)).toEqual({
      connection: 'ok',
      create: 'ok',
      temp: 'ok',
      ownership: 'skip',
      migrations: 'fail',
    });
    expect(checkOf(report, 'migrations')).toMatchObject({
      says: expect.stringContaining('not migrated yet') as unknown,
      fix: 'sparkify migrate',
    });
    const text = await runSparkify(['doctor'], { env: { DATABASE_URL: postgres.url } });
    expect(text.stdout).toContain('postgres target: checks connection, rights and migration state only');
  });

  it('after migrate: ready (exit 0); a user without CREATE, TEMP or the tables: exit 2, each named with its GRANT', async () => {
    const migrated = await runSparkify(['migrate'], { env: { DATABASE_URL: postgres.url } });
    expect(migrated.code, migrated.stderr).toBe(0);
    const ready = await doctor({ DATABASE_URL: postgres.url });
    expect(ready.run.code).toBe(0);
    expect(ready.report.ready).toBe(true);

    const admin = new pg.Client({ connectionString: postgres.url });
    await admin.connect();
    await admin.query(`CREATE ROLE ${reader} LOGIN PASSWORD '${PASSWORD}'`);
    // PostgreSQL grants TEMP to PUBLIC on every new database, and (since 15) no CREATE on schema public.
    await admin.query(`REVOKE TEMP ON DATABASE ${postgres.name} FROM PUBLIC`);
    await admin.end();
    const { run, report } = await doctor({ DATABASE_URL: readerUrl() });
    expect(run.code).toBe(2);
    expect(checkOf(report, 'create')).toMatchObject({
      status: 'fail',
      fix: `GRANT CREATE ON SCHEMA public TO ${reader};`,
    });
    expect(checkOf(report, 'temp')).toMatchObject({
      status: 'fail',
      fix: `GRANT TEMP ON DATABASE ${postgres.name} TO ${reader};`,
    });
    expect(checkOf(report, 'ownership')).toMatchObject({
      status: 'fail',
      says: expect.stringContaining('staging_events (owner') as unknown,
    });
    // information_schema shows only tables one has a privilege on: the ledger is there, but not to this user.
    expect(checkOf(report, 'migrations')).toMatchObject({
      status: 'fail',
      says: expect.stringContaining(`${reader} cannot see the migration ledger`) as unknown,
    });
  });
});
