import { portableSqlViolations } from '@sparkify/testkit';
import { describe, expect, it } from 'vitest';
import {
  doctorChecksFor,
  doctorExitCode,
  explainCopyRefusal,
  formatDoctorReport,
  judgeIamRole,
  judgeMigrations,
  judgeRegions,
  judgeRights,
  ownersSql,
  tablesALoadOwns,
  parseRedshiftHost,
  planProbe,
  privilegesSql,
  rolesOfNamespace,
} from './doctor-checks.js';

const ROLE = 'arn:aws:iam::123456789012:role/dwhRole';
const row = (overrides: Record<string, unknown> = {}) => ({
  user_name: 'loader',
  database_name: 'dev',
  schema_name: 'public',
  can_create: true,
  can_temp: true,
  is_superuser: false,
  ...overrides,
});
const owned = (owner: string) =>
  tablesALoadOwns('postgres').map((table_name) => ({
    table_name,
    owner,
  }));

describe('doctor: the checks of a target', () => {
  it('postgres gets connection, rights and migrations only; redshift everything', () => {
    expect(doctorChecksFor('postgres')).toEqual(['connection', 'create', 'temp', 'ownership', 'migrations']);
    expect(doctorChecksFor('redshift')).toEqual(
      expect.arrayContaining(['tls', 'iam-role', 'regions', 'role-reads-manifest', 'role-reads-source']),
    );
  });

  it('sends catalog SQL with no glued text and nothing Redshift lacks', () => {
    const owners = ownersSql('redshift');
    expect(owners.sql.match(/\?/g)).toHaveLength(owners.bindings.length);
    expect(owners.bindings).toEqual(
      expect.arrayContaining(['staging_events', 'staging_events_raw', 'staging_songs_docs', 'songplays']),
    );
    expect(ownersSql('postgres').bindings).not.toContain('staging_events_raw');
    for (const sql of [privilegesSql, owners.sql]) expect(portableSqlViolations(sql)).toEqual([]);
  });
});

describe('doctor: rights', () => {
  it('all granted and every table owned: three ✓', () => {
    expect(judgeRights(row(), owned('loader'), 'postgres').map((verdict) => verdict.status)).toEqual([
      'ok',
      'ok',
      'ok',
    ]);
  });

  it('no CREATE, no TEMP: each a ✗ with the GRANT that fixes it, an IAM user quoted', () => {
    const [create, temp] = judgeRights(
      row({ user_name: 'IAM:loader', can_create: 'f', can_temp: false }),
      owned('IAM:loader'),
      'postgres',
    );
    expect(create).toMatchObject({ status: 'fail', fix: 'GRANT CREATE ON SCHEMA public TO "IAM:loader";' });
    expect(temp).toMatchObject({ status: 'fail', fix: 'GRANT TEMP ON DATABASE dev TO "IAM:loader";' });
  });

  it('tables owned by someone else: ✗ naming each with its owner, unless a superuser', () => {
    const [, , ownership] = judgeRights(
      row(),
      [...owned('loader').slice(1), { table_name: 'staging_events', owner: 'admin' }],
      'postgres',
    );
    expect(ownership).toMatchObject({
      status: 'fail',
      says: expect.stringContaining('staging_events (owner admin)') as unknown,
      fix: 'ALTER TABLE staging_events OWNER TO loader;',
    });
    expect(judgeRights(row({ is_superuser: 't' }), owned('admin'), 'postgres')[2]!.status).toBe('ok');
  });

  it('no tables yet: "not migrated yet", not a failure of rights', () => {
    const [, , ownership] = judgeRights(row(), [], 'postgres');
    expect(ownership).toMatchObject({
      status: 'skip',
      says: expect.stringContaining('not migrated yet') as unknown,
    });
  });
});

describe('doctor: migrations', () => {
  it('none applied, some pending, changed, all applied', () => {
    expect(judgeMigrations({ applied: 0, pending: 8, changed: 0, total: 8 }, 'redshift')).toMatchObject({
      status: 'fail',
      says: 'not migrated yet (0 of 8 migrations applied)',
      fix: 'sparkify migrate --target redshift',
    });
    expect(judgeMigrations({ applied: 6, pending: 2, changed: 0, total: 8 }, 'postgres')).toMatchObject({
      status: 'fail',
      fix: 'sparkify migrate',
    });
    expect(judgeMigrations({ applied: 8, pending: 0, changed: 1, total: 8 }, 'postgres').status).toBe('warn');
    expect(judgeMigrations({ applied: 8, pending: 0, changed: 0, total: 8 }, 'postgres').status).toBe('ok');
    // Tables in the catalog but no visible ledger: not "not migrated", a missing privilege.
    expect(
      judgeMigrations({ applied: 0, pending: 8, changed: 0, total: 8 }, 'postgres', {
        tablesExist: true,
        user: 'r',
      }),
    ).toMatchObject({
      status: 'fail',
      says: expect.stringContaining('r cannot see the migration ledger') as unknown,
    });
  });
});

describe('doctor: the IAM role', () => {
  it('reads cluster and workgroup from AWS endpoint names, nothing from others', () => {
    expect(parseRedshiftHost('dwhcluster.abc123xyz.us-west-2.redshift.amazonaws.com')).toEqual({
      kind: 'provisioned',
      clusterId: 'dwhcluster',
      region: 'us-west-2',
    });
    expect(parseRedshiftHost('sparkify.123456789012.eu-west-1.redshift-serverless.amazonaws.com')).toEqual({
      kind: 'serverless',
      workgroup: 'sparkify',
      region: 'eu-west-1',
    });
    expect(parseRedshiftHost('127.0.0.1')).toBeUndefined();
  });

  it("GetNamespace's iamRoles: plain ARNs and the IamRole(applyStatus=…, iamRoleArn=…) form", () => {
    expect(
      rolesOfNamespace([
        ROLE,
        'IamRole(applyStatus=adding, iamRoleArn=arn:aws:iam::123456789012:role/other)',
      ]),
    ).toEqual([{ arn: ROLE }, { arn: 'arn:aws:iam::123456789012:role/other', status: 'adding' }]);
  });

  it('attached and in sync ✓; not attached ✗ with the command that attaches it; adding is a warning', () => {
    const cluster = { kind: 'provisioned', clusterId: 'dwh' } as const;
    expect(judgeIamRole(ROLE, cluster, [{ arn: ROLE, status: 'in-sync' }]).status).toBe('ok');
    expect(judgeIamRole(ROLE, cluster, [{ arn: 'arn:aws:iam::123456789012:role/other' }])).toMatchObject({
      status: 'fail',
      says: expect.stringContaining(
        'not attached to cluster dwh (attached: arn:aws:iam::123456789012:role/other)',
      ) as unknown,
      fix: `aws redshift modify-cluster-iam-roles --cluster-identifier dwh --add-iam-roles ${ROLE}`,
    });
    expect(judgeIamRole(ROLE, cluster, [{ arn: ROLE, status: 'adding' }]).status).toBe('warn');
    // update-namespace replaces the list: the fix keeps the roles already there.
    expect(
      judgeIamRole(ROLE, { kind: 'serverless', namespace: 'ns' }, [
        { arn: 'arn:aws:iam::123456789012:role/a' },
      ]).fix,
    ).toContain('--iam-roles arn:aws:iam::123456789012:role/a arn:aws:iam::123456789012:role/dwhRole');
    expect(judgeIamRole(undefined, cluster, []).status).toBe('fail');
  });
});

describe('doctor: regions', () => {
  it('a refusal of resolveCopyRegion fails; a cluster elsewhere warns; one region passes', () => {
    expect(judgeRegions({ refused: 'Bucket m is in eu-west-1' }, 'us-west-2')).toMatchObject({
      status: 'fail',
      says: 'Bucket m is in eu-west-1',
    });
    expect(judgeRegions({ copyRegion: 'us-east-1', configured: false }, 'us-west-2')).toMatchObject({
      status: 'warn',
      says: expect.stringContaining('the cluster is in us-west-2') as unknown,
    });
    expect(judgeRegions({ copyRegion: 'us-west-2', configured: true }, 'us-west-2').status).toBe('ok');
  });
});

describe('doctor: the probe COPY', () => {
  it('COPYs the probe (1 row) and each source sample with NOLOAD, literals quoted, REGION set', () => {
    const plan = planProbe({
      manifestPrefix: 's3://m/manifests',
      iamRoleArn: ROLE,
      region: 'us-west-2',
      probeId: 'abc-1',
      sourceObjects: ["s3://data/song_data/it's.json", 's3://data/log_data/day.json.gz'],
    });
    expect(plan.probeUrl).toBe('s3://m/manifests/doctor-probe-abc-1.json');
    expect(JSON.parse(plan.probeBody)).toEqual({ probe: 'abc-1' });
    expect(plan.createTable).toMatch(/^CREATE TEMP TABLE /);
    expect(plan.copies.map((copy) => [copy.check, copy.expectRows])).toEqual([
      ['role-reads-manifest', 1],
      ['role-reads-source', undefined],
      ['role-reads-source', undefined],
    ]);
    expect(plan.copies[0]!.sql).toBe(
      [
        "COPY sparkify_doctor_probe FROM 's3://m/manifests/doctor-probe-abc-1.json'",
        `IAM_ROLE '${ROLE}'`,
        "FORMAT AS JSON 'auto'",
        "REGION 'us-west-2'",
      ].join('\n'),
    );
    expect(plan.copies[1]!.sql).toContain("FROM 's3://data/song_data/it''s.json'");
    expect(plan.copies[1]!.sql.endsWith('NOLOAD')).toBe(true);
    expect(plan.copies[2]!.sql).toMatch(/GZIP\nNOLOAD$/);
    expect(() =>
      planProbe({ ...{ manifestPrefix: 's3://m/x\\', iamRoleArn: ROLE, probeId: 'a', sourceObjects: [] } }),
    ).toThrow(/backslash/);
  });

  it("explains Redshift's refusals: role not assumable, S3 access denied", () => {
    const context = { role: ROLE, url: 's3://m/manifests/doctor-probe-1.json' };
    expect(
      explainCopyRefusal(
        'User arn:aws:redshift:us-west-2:123456789012:dbuser:dwh/loader is not authorized to assume IAM Role arn:aws:iam::123456789012:role/dwhRole',
        context,
      ),
    ).toMatch(/^attach .*dwhRole to the cluster/);
    expect(
      explainCopyRefusal('S3ServiceException:Access Denied,Status 403,Error AccessDenied', context),
    ).toBe(
      `allow ${ROLE} s3:GetObject on s3://m/manifests/* and s3:ListBucket on arn:aws:s3:::m (and kms:Decrypt when the objects are KMS-encrypted)`,
    );
  });
});

describe('doctor: the report', () => {
  it('one line per check, the fix under each ✗ and !, and exit 2 only for a ✗', () => {
    const verdicts = [
      { check: 'connection', status: 'ok', says: 'connected' },
      { check: 'create', status: 'fail', says: 'no CREATE', fix: 'GRANT …' },
      { check: 'tls', status: 'warn', says: 'TLS is off', fix: 'drop --tls' },
      { check: 'ownership', status: 'skip', says: 'not migrated yet' },
    ] as const;
    expect(formatDoctorReport('sparkify doctor: X', verdicts, ['a note']).split('\n')).toEqual([
      'sparkify doctor: X',
      '  a note',
      '✓ connection  connected',
      '✗ create      no CREATE',
      '              fix: GRANT …',
      '! tls         TLS is off',
      '              fix: drop --tls',
      '- ownership   not migrated yet',
      'not ready: 1 problem to fix (exit 2)',
    ]);
    expect(doctorExitCode(verdicts)).toBe(2);
    expect(doctorExitCode(verdicts.filter((verdict) => verdict.status !== 'fail'))).toBe(0);
    expect(formatDoctorReport('h', [verdicts[0]]).endsWith('ready for a first load')).toBe(true);
  });
});
