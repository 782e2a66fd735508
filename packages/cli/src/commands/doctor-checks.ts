import { sqlLiteral } from '@sparkify/loader';
import { type Dialect, stagingDocuments, stagingEvents, stagingSongs, starTables } from '@sparkify/schema';

/**
 * The pure half of `sparkify doctor`: which checks a target gets, the SQL they send, and how each answer becomes one
 * line (✓/✗ with the fix). The command (doctor.ts) only gathers the answers.
 */

/** One check's outcome: ok, a warning that does not block a load, a failure, or not run (and why). */
export type CheckStatus = 'ok' | 'warn' | 'fail' | 'skip';

/** The checks, in the order they are printed. */
export const doctorCheckNames = [
  'connection',
  'tls',
  'create',
  'temp',
  'ownership',
  'migrations',
  'iam-role',
  'regions',
  'manifest-write',
  'role-reads-manifest',
  'role-reads-source',
] as const;
export type DoctorCheckName = (typeof doctorCheckNames)[number];

/** One line of the report. */
export interface CheckVerdict {
  check: DoctorCheckName;
  status: CheckStatus;
  says: string;
  /** What to do about it (failures and warnings). */
  fix?: string;
}

// PostgreSQL has no IAM role, no COPY from S3 and no REGION: only what the database itself decides is checked.
const POSTGRES_CHECKS: readonly DoctorCheckName[] = [
  'connection',
  'create',
  'temp',
  'ownership',
  'migrations',
];

/** The checks a target gets: all of them on Redshift; connection, rights and migration state on PostgreSQL. */
export function doctorChecksFor(dialect: Dialect): readonly DoctorCheckName[] {
  return dialect === 'redshift' ? doctorCheckNames : POSTGRES_CHECKS;
}

/** What the postgres target's report says about the checks it does not make. */
export const POSTGRES_SCOPE_NOTE =
  'postgres target: checks connection, rights and migration state only (IAM role, S3 access and regions are Redshift checks)';

/**
 * The database user's rights, in one catalog query both engines answer (HAS_*_PRIVILEGE and CURRENT_SCHEMA are
 * leader-node functions on Redshift, fine in a query that reads no user table). Nothing is glued in.
 */
export const privilegesSql = `SELECT current_user AS user_name, current_database() AS database_name,
       current_schema() AS schema_name,
       has_schema_privilege(current_schema(), 'CREATE') AS can_create,
       has_database_privilege(current_database(), 'TEMP') AS can_temp,
       (SELECT usesuper FROM pg_user WHERE usename = current_user) AS is_superuser`;

/**
 * The tables a load empties or rewrites: staging, the documents the validation pass reads (TRUNCATE before the
 * COPYs; the raw tables COPY fills exist on Redshift only) and the star.
 */
export function tablesALoadOwns(dialect: Dialect): string[] {
  return [
    stagingEvents.name,
    stagingSongs.name,
    ...Object.values(stagingDocuments).flatMap((tables) =>
      dialect === 'redshift' ? [tables.raw, tables.docs] : [tables.docs],
    ),
    ...starTables.map((table) => table.name),
  ];
}

/** The owners of the tables a load needs to own, by knex bindings (one `?` per table). */
export function ownersSql(dialect: Dialect): { sql: string; bindings: string[] } {
  const tables = tablesALoadOwns(dialect);
  return {
    sql:
      'SELECT tablename AS table_name, tableowner AS owner FROM pg_tables ' +
      `WHERE schemaname = current_schema() AND tablename IN (${tables.map(() => '?').join(', ')})`,
    bindings: tables,
  };
}

/** The answer of privilegesSql (booleans as the driver gives them: true, or 't' through a text protocol). */
export interface PrivilegeRow {
  user_name: string;
  database_name: string;
  schema_name: string | null;
  can_create: unknown;
  can_temp: unknown;
  is_superuser: unknown;
}

const truthy = (value: unknown) => value === true || value === 't' || value === 'true';

/** A name as a GRANT would need it: IAM users are `IAM:loader`, which only a quoted identifier can spell. */
export function printableIdentifier(name: string): string {
  return /^[a-z_][a-z0-9_]*$/.test(name) ? name : `"${name.replaceAll('"', '""')}"`;
}

/**
 * CREATE on the schema, TEMP on the database and ownership of every table a load truncates or rewrites; before the
 * first migration the tables do not exist yet, which is not a problem of rights (`migrate` creates them, owned by
 * whoever runs it).
 */
export function judgeRights(
  row: PrivilegeRow,
  owners: readonly { table_name: string; owner: string }[],
  dialect: Dialect,
): CheckVerdict[] {
  const user = row.user_name;
  const who = printableIdentifier(user);
  const schema = row.schema_name ?? 'public';
  const superuser = truthy(row.is_superuser);
  const verdicts: CheckVerdict[] = [
    truthy(row.can_create) || superuser
      ? { check: 'create', status: 'ok', says: `${user} may CREATE in schema ${schema}` }
      : {
          check: 'create',
          status: 'fail',
          says: `${user} has no CREATE on schema ${schema}: migrate cannot create the tables`,
          fix: `GRANT CREATE ON SCHEMA ${printableIdentifier(schema)} TO ${who};`,
        },
    truthy(row.can_temp) || superuser
      ? {
          check: 'temp',
          status: 'ok',
          says: `${user} may create TEMP tables in database ${row.database_name}`,
        }
      : {
          check: 'temp',
          status: 'fail',
          says: `${user} has no TEMP on database ${row.database_name}: the transform's temporary tables are refused`,
          fix: `GRANT TEMP ON DATABASE ${printableIdentifier(row.database_name)} TO ${who};`,
        },
  ];
  if (owners.length === 0) {
    verdicts.push({
      check: 'ownership',
      status: 'skip',
      says: `not migrated yet: the tables do not exist, and migrate creates them owned by ${user}`,
    });
    return verdicts;
  }
  const missing = tablesALoadOwns(dialect).filter(
    (name) => !owners.some((owner) => owner.table_name === name),
  );
  const foreign = owners.filter((owner) => owner.owner !== user);
  if (superuser || foreign.length === 0) {
    verdicts.push({
      check: 'ownership',
      status: 'ok',
      says: superuser
        ? `${user} is a superuser: may TRUNCATE the staging tables and rewrite the star`
        : `${user} owns the staging and star tables (TRUNCATE needs the owner)`,
    });
  } else {
    verdicts.push({
      check: 'ownership',
      status: 'fail',
      says:
        `${user} does not own ${foreign.map((owner) => `${owner.table_name} (owner ${owner.owner})`).join(', ')}: ` +
        'TRUNCATE needs the table owner or a superuser',
      fix: foreign.map((owner) => `ALTER TABLE ${owner.table_name} OWNER TO ${who};`).join(' '),
    });
  }
  if (missing.length > 0 && verdicts.at(-1)!.status === 'ok') {
    verdicts.at(-1)!.says += ` (${missing.join(', ')} not created yet)`;
  }
  return verdicts;
}

/** The migration state as the migrator reports it. */
export interface MigrationCounts {
  applied: number;
  pending: number;
  changed: number;
  total: number;
}

/** All applied: ready; none: not migrated yet (or not visible to this user); some: which to run; a changed one: the migrator will refuse it. */
export function judgeMigrations(
  status: MigrationCounts,
  dialect: Dialect,
  seen: { tablesExist: boolean; user: string } = { tablesExist: false, user: '' },
): CheckVerdict {
  const target = dialect === 'redshift' ? ' --target redshift' : '';
  if (status.applied === 0 && seen.tablesExist) {
    // The catalog lists the tables, but the migration ledger is not visible to this user (information_schema
    // shows only tables one has a privilege on): the schema may well be migrated, by someone else.
    return {
      check: 'migrations',
      status: 'fail',
      says: `the tables exist, but ${seen.user} cannot see the migration ledger (knex_migrations): no privilege on it`,
      fix: `GRANT SELECT ON knex_migrations, schema_checksums TO ${printableIdentifier(seen.user)}; or run doctor as the user that migrated`,
    };
  }
  if (status.applied === 0) {
    return {
      check: 'migrations',
      status: 'fail',
      says: `not migrated yet (0 of ${status.total} migrations applied)`,
      fix: `sparkify migrate${target}`,
    };
  }
  if (status.pending > 0) {
    return {
      check: 'migrations',
      status: 'fail',
      says: `${status.pending} of ${status.total} migrations pending`,
      fix: `sparkify migrate${target}`,
    };
  }
  if (status.changed > 0) {
    return {
      check: 'migrations',
      status: 'warn',
      says: `all ${status.total} applied, but ${status.changed} changed since it ran`,
      fix: 'see `sparkify migrate status`; restore the migration or record it with `sparkify migrate repair`',
    };
  }
  return { check: 'migrations', status: 'ok', says: `all ${status.total} migrations applied` };
}

/** What a Redshift endpoint's host name tells: a provisioned cluster or a Serverless workgroup, and the region. */
export type RedshiftHostFacts =
  | { kind: 'provisioned'; clusterId: string; region: string }
  | { kind: 'serverless'; workgroup: string; region: string };

/**
 * Reads the AWS endpoint forms: `<cluster>.<id>.<region>.redshift.amazonaws.com` and
 * `<workgroup>.<account>.<region>.redshift-serverless.amazonaws.com`; anything else (a proxy, a tunnel) tells nothing.
 */
export function parseRedshiftHost(host: string): RedshiftHostFacts | undefined {
  const provisioned =
    /^([a-z][a-z0-9-]*)\.[a-z0-9]+\.([a-z]{2}(?:-gov|-iso[a-z]?)?-[a-z]+-\d)\.redshift\.amazonaws\.com(?:\.cn)?$/i.exec(
      host,
    );
  if (provisioned)
    return { kind: 'provisioned', clusterId: provisioned[1]!.toLowerCase(), region: provisioned[2]! };
  const serverless =
    /^([a-z0-9-]+)\.\d{12}\.([a-z]{2}(?:-gov|-iso[a-z]?)?-[a-z]+-\d)\.redshift-serverless\.amazonaws\.com(?:\.cn)?$/i.exec(
      host,
    );
  if (serverless)
    return { kind: 'serverless', workgroup: serverless[1]!.toLowerCase(), region: serverless[2]! };
  return undefined;
}

/** A role associated with a cluster or namespace, with its apply status when the API gives one. */
export interface AttachedRole {
  arn: string;
  status?: string;
}

const ROLE_ARN = /arn:aws[a-z-]*:iam::\d{12}:role\/[\w+=,.@\-/]+/;

/**
 * GetNamespace's `iamRoles` is a list of strings: documented as role ARNs, and in practice also answered as
 * `IamRole(applyStatus=in-sync, iamRoleArn=arn:aws:iam::…:role/…)`; both readings give the ARN (and the status).
 */
export function rolesOfNamespace(iamRoles: readonly string[]): AttachedRole[] {
  return iamRoles.flatMap((text) => {
    const arn = ROLE_ARN.exec(text)?.[0];
    if (!arn) return [];
    const status = /applyStatus=([\w-]+)/.exec(text)?.[1];
    return [status ? { arn, status } : { arn }];
  });
}

/** Where the roles were asked: a provisioned cluster (DescribeClusters) or a Serverless namespace (GetNamespace). */
export type RoleHolder =
  { kind: 'provisioned'; clusterId: string } | { kind: 'serverless'; namespace: string };

/** The configured COPY role must be among the roles attached to the cluster (or namespace), and in sync. */
export function judgeIamRole(
  configured: string | undefined,
  holder: RoleHolder,
  attached: readonly AttachedRole[],
): CheckVerdict {
  const where =
    holder.kind === 'provisioned'
      ? `cluster ${holder.clusterId}`
      : `Serverless namespace ${holder.namespace}`;
  if (!configured) return missingRole();
  const found = attached.find((role) => role.arn === configured);
  const attach =
    holder.kind === 'provisioned'
      ? `aws redshift modify-cluster-iam-roles --cluster-identifier ${holder.clusterId} --add-iam-roles ${configured}`
      : `aws redshift-serverless update-namespace --namespace-name ${holder.namespace} --iam-roles ${[
          ...attached.map((role) => role.arn),
          configured,
        ].join(' ')} (the list replaces the namespace's roles: keep the others)`;
  if (!found) {
    const others = attached.length === 0 ? 'none' : attached.map((role) => role.arn).join(', ');
    return {
      check: 'iam-role',
      status: 'fail',
      says: `${configured} is not attached to ${where} (attached: ${others}): COPY cannot assume it`,
      fix: attach,
    };
  }
  if (found.status && found.status !== 'in-sync') {
    return {
      check: 'iam-role',
      status: found.status === 'removing' ? 'fail' : 'warn',
      says: `${configured} is attached to ${where} but ${found.status}`,
      fix: found.status === 'removing' ? attach : 'wait until the role is in-sync, then run doctor again',
    };
  }
  return { check: 'iam-role', status: 'ok', says: `${configured} is attached to ${where}` };
}

/** The verdict when no COPY role is configured at all. */
export function missingRole(): CheckVerdict {
  return {
    check: 'iam-role',
    status: 'fail',
    says: 'no IAM role for COPY is configured',
    fix: 'set SPARKIFY_IAM_ROLE_ARN (or dwh.cfg [IAM_ROLE] ARN) to the role attached to the cluster',
  };
}

/**
 * The regions: COPY's REGION (the configured --copy-region, or the source bucket's) must hold every bucket it
 * reads, which the loader's own resolveCopyRegion decides (its refusal is the failure); a cluster in another
 * region still loads (COPY names REGION) but pays cross-region transfer, which is worth a warning.
 */
export function judgeRegions(
  outcome: { copyRegion: string; configured: boolean } | { refused: string },
  clusterRegion: string | undefined,
): CheckVerdict {
  if ('refused' in outcome) {
    return {
      check: 'regions',
      status: 'fail',
      says: outcome.refused,
      fix: 'keep the source and the manifest prefix in one region, and --copy-region (if set) equal to it',
    };
  }
  const data =
    `the source and manifest buckets are in ${outcome.copyRegion}, COPY's REGION ` +
    (outcome.configured ? '(--copy-region)' : "(the source bucket's, asked of S3)");
  if (!clusterRegion)
    return { check: 'regions', status: 'ok', says: `${data}; the cluster's region is not known` };
  if (clusterRegion !== outcome.copyRegion) {
    return {
      check: 'regions',
      status: 'warn',
      says: `${data}, but the cluster is in ${clusterRegion}: COPY works across regions, slower and with transfer charges`,
      fix: `keep the data in ${clusterRegion}, or accept the cross-region COPY`,
    };
  }
  return { check: 'regions', status: 'ok', says: `${data}; the cluster is there too` };
}

/** Why Redshift refused a probe COPY, in words that say what to change (its own message is kept beside it). */
export function explainCopyRefusal(message: string, context: { role: string; url: string }): string {
  if (/not authorized to (assume|get credentials)/i.test(message)) {
    return `attach ${context.role} to the cluster (or namespace) and let redshift.amazonaws.com (and redshift-serverless.amazonaws.com) assume it in its trust policy`;
  }
  if (/access ?denied|status 403/i.test(message)) {
    const bucket = /^s3:\/\/([^/]+)/.exec(context.url)?.[1] ?? '';
    return `allow ${context.role} s3:GetObject on ${context.url.replace(/[^/]*$/, '')}* and s3:ListBucket on arn:aws:s3:::${bucket} (and kms:Decrypt when the objects are KMS-encrypted)`;
  }
  if (/region|301|PermanentRedirect/i.test(message)) {
    return "set --copy-region to the bucket's region (or leave it unset: the bucket is asked)";
  }
  return "read Redshift's message; the role, the object and REGION are the usual suspects";
}

/** The name of the temporary table the probe COPYs land in (gone with the session). */
export const PROBE_TABLE = 'sparkify_doctor_probe';

/** One COPY of the probe, and which check its outcome answers. */
export interface ProbeCopy {
  check: 'role-reads-manifest' | 'role-reads-source';
  url: string;
  sql: string;
  /** Rows the COPY must report (pg_last_copy_count); NOLOAD reads without loading and is not counted. */
  expectRows?: number;
}

/** The probe: one object written under the manifest prefix, a temporary table, and the COPYs that read S3 as the role. */
export interface ProbePlan {
  probeUrl: string;
  probeBody: string;
  createTable: string;
  copies: ProbeCopy[];
}

/**
 * The probe COPYs: the probe object under the manifest prefix (loaded: 1 row), and one real object of each source
 * dataset read with NOLOAD (Redshift checks it can read and parse it, loads nothing). Every literal goes through the
 * loader's validated quoting; the temporary table disappears with the session.
 */
export function planProbe(options: {
  manifestPrefix: string;
  iamRoleArn: string;
  region?: string;
  probeId: string;
  sourceObjects: readonly string[];
}): ProbePlan {
  if (!/^[a-z0-9-]{1,64}$/.test(options.probeId)) throw new Error(`not a probe id: ${options.probeId}`);
  const prefix = options.manifestPrefix.endsWith('/') ? options.manifestPrefix : `${options.manifestPrefix}/`;
  const probeUrl = `${prefix}doctor-probe-${options.probeId}.json`;
  const copy = (url: string, extra: string[]) =>
    [
      `COPY ${PROBE_TABLE} FROM ${sqlLiteral(url)}`,
      `IAM_ROLE ${sqlLiteral(options.iamRoleArn)}`,
      `FORMAT AS JSON 'auto'`,
      ...(options.region ? [`REGION ${sqlLiteral(options.region)}`] : []),
      ...extra,
    ].join('\n');
  return {
    probeUrl,
    probeBody: `${JSON.stringify({ probe: options.probeId })}\n`,
    createTable: `CREATE TEMP TABLE ${PROBE_TABLE} (probe VARCHAR(64))`,
    copies: [
      { check: 'role-reads-manifest', url: probeUrl, sql: copy(probeUrl, []), expectRows: 1 },
      ...options.sourceObjects.map((url) => ({
        check: 'role-reads-source' as const,
        url,
        sql: copy(url, [...(/\.gz$/i.test(url) ? ['GZIP'] : []), 'NOLOAD']),
      })),
    ],
  };
}

/** TLS as configured: `verify` connected only after the certificate checked out; the others were asked for. */
export function judgeTls(mode: 'verify' | 'no-verify' | 'off'): CheckVerdict {
  if (mode === 'verify') return { check: 'tls', status: 'ok', says: 'TLS with the certificate verified' };
  return {
    check: 'tls',
    status: 'warn',
    says:
      mode === 'off'
        ? 'TLS is off: credentials and data cross the network in plain text'
        : 'TLS without certificate verification: anyone on the path can pose as the cluster',
    fix: 'drop --tls / SPARKIFY_TLS (default verify) once the cluster is reached directly',
  };
}

const MARK: Record<CheckStatus, string> = { ok: '✓', warn: '!', fail: '✗', skip: '-' };

/** Any failure means not ready: exit 2 with the list; warnings alone do not block a load. */
export function doctorExitCode(verdicts: readonly CheckVerdict[]): 0 | 2 {
  return verdicts.some((verdict) => verdict.status === 'fail') ? 2 : 0;
}

/** The report: a header, one line per check (✓ ok, ✗ failed, ! warning, - not checked) with its fix, and the verdict. */
export function formatDoctorReport(
  header: string,
  verdicts: readonly CheckVerdict[],
  notes: readonly string[] = [],
): string {
  const width = Math.max(...verdicts.map((verdict) => verdict.check.length));
  const lines = [header, ...notes.map((note) => `  ${note}`)];
  for (const verdict of verdicts) {
    lines.push(`${MARK[verdict.status]} ${verdict.check.padEnd(width)}  ${verdict.says}`);
    if (verdict.fix && verdict.status !== 'ok') lines.push(`  ${''.padEnd(width)}  fix: ${verdict.fix}`);
  }
  const failures = verdicts.filter((verdict) => verdict.status === 'fail').length;
  lines.push(
    failures === 0
      ? 'ready for a first load'
      : `not ready: ${failures} problem${failures === 1 ? '' : 's'} to fix (exit 2)`,
  );
  return lines.join('\n');
}

/** The checks that could not run because an earlier one failed, each saying which. */
export function skipped(checks: readonly DoctorCheckName[], because: string): CheckVerdict[] {
  return checks.map((check) => ({ check, status: 'skip', says: `not checked: ${because}` }));
}
