import { randomUUID } from 'node:crypto';
import type { Command } from 'commander';
import type { Knex } from 'knex';
import {
  datasetLocations,
  deleteProbeObject,
  firstJsonObject,
  isS3Url,
  LoaderError,
  putProbeObject,
  redactCopyMessage,
  resolveCopyRegion,
} from '@sparkify/loader';
import { migrationStatus } from '@sparkify/schema';
import type { SparkifyConfig } from '../config/config-schema.js';
import type { CliContext, GlobalOptions } from '../context.js';
import { ExitCode } from '../errors.js';
import { addExamples } from '../help-examples.js';
import type { RedshiftApis } from '../redshift-credentials.js';
import { type CommandScope, runWithConfig } from '../run-command.js';
import { s3ClientFor } from '../s3-client.js';
import { openWarehouse, type Warehouse } from '../warehouse.js';
import {
  type CheckVerdict,
  type DoctorCheckName,
  doctorChecksFor,
  doctorExitCode,
  explainCopyRefusal,
  formatDoctorReport,
  judgeIamRole,
  judgeMigrations,
  judgeRegions,
  judgeRights,
  judgeTls,
  missingRole,
  ownersSql,
  parseRedshiftHost,
  planProbe,
  POSTGRES_SCOPE_NOTE,
  PROBE_TABLE,
  printableIdentifier,
  privilegesSql,
  type PrivilegeRow,
  type RedshiftHostFacts,
  rolesOfNamespace,
  skipped,
} from './doctor-checks.js';

interface DoctorOptions extends GlobalOptions {
  source?: string;
  songData?: string;
  logData?: string;
  manifestPrefix?: string;
  endpoint?: string;
  json?: boolean;
}

type S3 = Awaited<ReturnType<typeof s3ClientFor>>;

const messageOf = (error: unknown) => (error instanceof Error ? error.message : String(error));
const awsFailure = (error: unknown) =>
  `${(error as { name?: string }).name ?? 'Error'}: ${redactCopyMessage(messageOf(error))}`;

/** Connection, CREATE, TEMP, ownership and migrations: what the database itself decides, on either target. */
async function databaseChecks(warehouse: Warehouse): Promise<CheckVerdict[]> {
  const { knex } = warehouse;
  const privileges = (await knex.raw<{ rows: PrivilegeRow[] }>(privilegesSql)).rows[0]!;
  const owners = ownersSql(warehouse.dialect);
  const ownerRows = (
    await knex.raw<{ rows: { table_name: string; owner: string }[] }>(owners.sql, owners.bindings)
  ).rows;
  const rights = judgeRights(privileges, ownerRows, warehouse.dialect);
  let status: Awaited<ReturnType<typeof migrationStatus>>;
  try {
    status = await migrationStatus(knex, { dialect: warehouse.dialect });
  } catch (error) {
    return [
      ...rights,
      {
        check: 'migrations',
        status: 'fail',
        says: `cannot read the migration state: ${messageOf(error)}`,
        fix: `GRANT SELECT ON knex_migrations, schema_checksums TO ${printableIdentifier(privileges.user_name)}; or run doctor as the user that migrated`,
      },
    ];
  }
  return [
    ...rights,
    judgeMigrations(
      {
        applied: status.applied,
        pending: status.pending,
        changed: status.changed,
        total: status.migrations.filter((row) => row.state !== 'unknown').length,
      },
      warehouse.dialect,
      { tablesExist: ownerRows.length > 0, user: privileges.user_name },
    ),
  ];
}

/** The IAM role attached to the cluster (DescribeClusters IamRoles) or the namespace (GetNamespace iamRoles). */
async function iamRoleCheck(
  config: SparkifyConfig,
  apis: RedshiftApis,
  facts: RedshiftHostFacts | undefined,
): Promise<{ verdict: CheckVerdict; clusterRegion?: string }> {
  const redshift = config.redshift!;
  const apiRegion = config.region ?? 'us-east-1';
  const workgroup = redshift.workgroup ?? (facts?.kind === 'serverless' ? facts.workgroup : undefined);
  const clusterId = redshift.clusterId ?? (facts?.kind === 'provisioned' ? facts.clusterId : undefined);
  if (!config.iamRoleArn)
    return { verdict: missingRole(), ...(facts ? { clusterRegion: facts.region } : {}) };
  if (!workgroup && !clusterId) {
    return {
      verdict: {
        check: 'iam-role',
        status: 'warn',
        says: `cannot tell which cluster ${redshift.host ?? ''} is, so its roles were not asked`,
        fix: 'pass --cluster-id (provisioned) or --workgroup (Serverless); the probe COPY below still tries the role',
      },
    };
  }
  if (workgroup) {
    const { GetNamespaceCommand, GetWorkgroupCommand } = await import('@aws-sdk/client-redshift-serverless');
    try {
      const answer = await apis.serverless().send(new GetWorkgroupCommand({ workgroupName: workgroup }));
      const namespace = answer.workgroup?.namespaceName ?? workgroup;
      const address = answer.workgroup?.endpoint?.address;
      const { namespace: found } = await apis
        .serverless()
        .send(new GetNamespaceCommand({ namespaceName: namespace }));
      return {
        verdict: judgeIamRole(
          config.iamRoleArn,
          { kind: 'serverless', namespace },
          rolesOfNamespace(found?.iamRoles ?? []),
        ),
        clusterRegion:
          facts?.region ?? (address ? parseRedshiftHost(address)?.region : undefined) ?? apiRegion,
      };
    } catch (error) {
      return {
        verdict: {
          check: 'iam-role',
          status: 'warn',
          says: `could not ask Redshift Serverless for workgroup ${workgroup}'s roles: ${awsFailure(error)}`,
          fix: "allow redshift-serverless:GetWorkgroup and GetNamespace for the CLI's credentials (the probe COPY below still tries the role)",
        },
        ...(facts ? { clusterRegion: facts.region } : {}),
      };
    }
  }
  const { DescribeClustersCommand } = await import('@aws-sdk/client-redshift');
  try {
    const answer = await apis.redshift().send(new DescribeClustersCommand({ ClusterIdentifier: clusterId }));
    const cluster = answer.Clusters?.[0];
    const attached = (cluster?.IamRoles ?? []).flatMap((role) =>
      role.IamRoleArn
        ? [{ arn: role.IamRoleArn, ...(role.ApplyStatus ? { status: role.ApplyStatus } : {}) }]
        : [],
    );
    const address = cluster?.Endpoint?.Address;
    return {
      verdict: judgeIamRole(config.iamRoleArn, { kind: 'provisioned', clusterId: clusterId! }, attached),
      clusterRegion: facts?.region ?? (address ? parseRedshiftHost(address)?.region : undefined) ?? apiRegion,
    };
  } catch (error) {
    return {
      verdict: {
        check: 'iam-role',
        status: 'warn',
        says: `could not ask Redshift for cluster ${clusterId}'s roles: ${awsFailure(error)}`,
        fix: "allow redshift:DescribeClusters for the CLI's credentials (the probe COPY below still tries the role)",
      },
      ...(facts ? { clusterRegion: facts.region } : {}),
    };
  }
}

interface S3Facts {
  locations?: { songs: string; events: string };
  /** Why the S3 side could not be checked (no S3 source). */
  noSource?: string;
}

function s3Source(options: DoctorOptions, config: SparkifyConfig): S3Facts {
  try {
    const locations = datasetLocations({
      source: options.source ?? config.s3.source,
      songData: options.songData ?? config.s3.songData,
      logData: options.logData ?? config.s3.logData,
    });
    if (!isS3Url(locations.songs) || !isS3Url(locations.events)) {
      return { noSource: `the source ${locations.songs} is not on S3, and Redshift's COPY reads only S3` };
    }
    return { locations };
  } catch {
    return {
      noSource: 'no source configured: pass --source s3://bucket/prefix (or SPARKIFY_SOURCE, dwh.cfg [S3])',
    };
  }
}

/** Runs the probe COPYs on one session (the temporary table lives there) and judges each. */
async function probeCopies(
  knex: Knex,
  plan: ReturnType<typeof planProbe>,
  role: string,
): Promise<CheckVerdict[]> {
  const pool = knex.client as {
    acquireConnection(): Promise<{ query(sql: string): Promise<{ rows: { loaded?: unknown }[] }> }>;
    releaseConnection(connection: unknown): Promise<void>;
  };
  const connection = await pool.acquireConnection();
  const results: { check: CheckVerdict['check']; url: string; error?: string; fix?: string }[] = [];
  try {
    await connection.query(plan.createTable);
    for (const copy of plan.copies) {
      try {
        await connection.query(copy.sql);
        if (copy.expectRows !== undefined) {
          const loaded = Number(
            (await connection.query('SELECT pg_last_copy_count() AS loaded')).rows[0]?.loaded,
          );
          if (loaded !== copy.expectRows) {
            results.push({
              check: copy.check,
              url: copy.url,
              error: `COPY reported ${loaded} rows, expected ${copy.expectRows}`,
            });
            continue;
          }
        }
        results.push({ check: copy.check, url: copy.url });
      } catch (error) {
        const { code } = error as { code?: string };
        const message = redactCopyMessage(messageOf(error));
        results.push({
          check: copy.check,
          url: copy.url,
          error: `Redshift refused the COPY of ${copy.url}: ${code ? `${code} ` : ''}${message}`,
          fix: explainCopyRefusal(message, { role, url: copy.url }),
        });
      }
    }
  } finally {
    await connection.query(`DROP TABLE IF EXISTS ${PROBE_TABLE}`).catch(() => undefined);
    await pool.releaseConnection(connection);
  }
  const verdicts: CheckVerdict[] = [];
  for (const check of ['role-reads-manifest', 'role-reads-source'] as const) {
    const mine = results.filter((result) => result.check === check);
    if (mine.length === 0) continue;
    const failed = mine.filter((result) => result.error);
    const what = check === 'role-reads-manifest' ? 'the manifest prefix (probe COPY, 1 row)' : 'the source';
    verdicts.push(
      failed.length === 0
        ? {
            check,
            status: 'ok',
            says: `${role} reads ${what}: ${mine.map((result) => result.url).join(', ')}`,
          }
        : {
            check,
            status: 'fail',
            says: failed.map((result) => result.error).join('; '),
            fix:
              failed[0]!.fix ??
              'run doctor again; if it persists, read the COPY error in SYS_LOAD_ERROR_DETAIL',
          },
    );
  }
  return verdicts;
}

/** The first JSON object of each source dataset, for the NOLOAD COPY; or why the source cannot be read. */
async function sourceSamples(
  s3: S3,
  locations: { songs: string; events: string },
): Promise<{ objects: string[]; problem?: CheckVerdict }> {
  const objects: string[] = [];
  for (const location of [locations.songs, locations.events]) {
    try {
      const found = await firstJsonObject(s3, location);
      if (found) objects.push(found);
      else {
        return {
          objects,
          problem: {
            check: 'role-reads-source',
            status: 'fail',
            says: `no .json object under ${location}: the load would find nothing to read`,
            fix: 'check --source (song_data/ and log_data/ below it) or --song-data / --log-data',
          },
        };
      }
    } catch (error) {
      return {
        objects,
        problem: {
          check: 'role-reads-source',
          status: 'fail',
          says: `the CLI's credentials cannot list ${location}: ${awsFailure(error)}`,
          fix: "allow s3:ListBucket on the source bucket for the CLI's credentials (the load lists it)",
        },
      };
    }
  }
  return { objects };
}

/** The Redshift-only checks: TLS, the attached role, regions, the manifest prefix and the role's reads (probe COPYs). */
async function redshiftChecks(
  scope: CommandScope,
  options: DoctorOptions,
  warehouse: Warehouse | undefined,
): Promise<CheckVerdict[]> {
  const { config } = scope;
  const verdicts: CheckVerdict[] = [];
  verdicts.push(
    warehouse && config.redshift ? judgeTls(config.redshift.tls) : skipped(['tls'], 'no connection')[0]!,
  );
  let role: { verdict: CheckVerdict; clusterRegion?: string };
  if (config.redshift) {
    const { redshiftApisFor } = await import('../redshift-credentials.js');
    const facts = parseRedshiftHost(config.redshift.host ?? '');
    role = await iamRoleCheck(config, redshiftApisFor(config, scope.context.env), facts);
  } else {
    role = {
      verdict: config.iamRoleArn ? skipped(['iam-role'], 'no Redshift configured')[0]! : missingRole(),
    };
  }
  verdicts.push(role.verdict);

  const manifestPrefix = options.manifestPrefix ?? config.s3.manifestPrefix;
  const source = s3Source(options, config);
  const s3: S3 = await s3ClientFor(config, options.endpoint);
  let copyRegion: string | undefined;
  if (!source.locations) verdicts.push(...skipped(['regions'], source.noSource!));
  else if (!manifestPrefix) verdicts.push(...skipped(['regions'], 'no manifest prefix'));
  else {
    try {
      copyRegion = await resolveCopyRegion(
        s3,
        {
          data: [source.locations.songs, source.locations.events],
          manifestPrefix,
        },
        config.copyRegion,
      );
      verdicts.push(judgeRegions({ copyRegion, configured: Boolean(config.copyRegion) }, role.clusterRegion));
    } catch (error) {
      if (!(error instanceof LoaderError)) throw error;
      verdicts.push(judgeRegions({ refused: error.message }, role.clusterRegion));
    }
  }

  if (!manifestPrefix) {
    verdicts.push(
      {
        check: 'manifest-write',
        status: 'fail',
        says: 'no manifest prefix: the load writes its manifests there',
        fix: 'pass --manifest-prefix s3://bucket/prefix/ or set SPARKIFY_MANIFEST_PREFIX',
      },
      ...skipped(['role-reads-manifest'], 'no manifest prefix'),
      ...skipped(['role-reads-source'], source.noSource ?? 'no manifest prefix'),
    );
    return verdicts;
  }
  const samples = source.locations ? await sourceSamples(s3, source.locations) : { objects: [] };
  const plan = planProbe({
    manifestPrefix,
    iamRoleArn: config.iamRoleArn ?? 'arn:aws:iam::000000000000:role/none',
    ...((copyRegion ?? config.copyRegion) ? { region: (copyRegion ?? config.copyRegion)! } : {}),
    probeId: randomUUID(),
    sourceObjects: samples.objects,
  });
  try {
    await putProbeObject(s3, plan.probeUrl, plan.probeBody);
  } catch (error) {
    verdicts.push(
      {
        check: 'manifest-write',
        status: 'fail',
        says: `the CLI's credentials cannot write ${plan.probeUrl}: ${awsFailure(error)}`,
        fix: `allow s3:PutObject (and s3:DeleteObject) on ${manifestPrefix.replace(/\/?$/, '/')}* for the CLI's credentials`,
      },
      ...skipped(['role-reads-manifest', 'role-reads-source'], 'no probe object'),
    );
    return verdicts;
  }
  const wrote: CheckVerdict = {
    check: 'manifest-write',
    status: 'ok',
    says: `wrote the probe ${plan.probeUrl}`,
  };
  verdicts.push(wrote);
  try {
    if (!warehouse || !config.iamRoleArn) {
      const why = warehouse ? 'no IAM role configured' : 'no connection';
      verdicts.push(
        ...skipped(['role-reads-manifest'], why),
        samples.problem ?? skipped(['role-reads-source'], why)[0]!,
      );
      return verdicts;
    }
    const copies = await probeCopies(warehouse.knex, plan, config.iamRoleArn);
    verdicts.push(...copies.filter((verdict) => verdict.check === 'role-reads-manifest'));
    const read = copies.find((verdict) => verdict.check === 'role-reads-source');
    if (read?.status === 'fail' || !samples.problem) {
      verdicts.push(read ?? skipped(['role-reads-source'], source.noSource ?? 'no source object')[0]!);
    } else verdicts.push(samples.problem);
    return verdicts;
  } finally {
    await deleteProbeObject(s3, plan.probeUrl).then(
      () => {
        wrote.says += ' (deleted again)';
      },
      (error: unknown) => {
        wrote.status = 'warn';
        wrote.says += `, but could not delete it: ${awsFailure(error)}`;
        wrote.fix = `allow s3:DeleteObject on the manifest prefix, and delete ${plan.probeUrl}`;
      },
    );
  }
}

/** Opens the warehouse, or says why not: the connection line. */
async function connect(scope: CommandScope): Promise<{ warehouse?: Warehouse; verdict: CheckVerdict }> {
  try {
    const warehouse = await openWarehouse(scope.config, scope.context);
    return {
      warehouse,
      verdict: { check: 'connection', status: 'ok', says: `connected to ${warehouse.label}` },
    };
  } catch (error) {
    const { code } = error as { code?: string };
    return {
      verdict: {
        check: 'connection',
        status: 'fail',
        says: messageOf(error),
        fix:
          code === 'CONFIG_INVALID'
            ? 'configure the cluster (`sparkify config --help`), then run doctor again'
            : 'check host, port, the security group and the sign-in (`sparkify config` shows what is used)',
      },
    };
  }
}

/** Runs every check of the target, prints the report (or JSON) and sets exit 0 (ready) or 2 (not ready). */
async function runDoctor(scope: CommandScope, options: DoctorOptions): Promise<void> {
  const dialect = scope.config.target === 'redshift' ? 'redshift' : 'postgres';
  const { warehouse, verdict } = await connect(scope);
  const verdicts: CheckVerdict[] = [verdict];
  try {
    const database: DoctorCheckName[] = ['create', 'temp', 'ownership', 'migrations'];
    verdicts.push(...(warehouse ? await databaseChecks(warehouse) : skipped(database, 'no connection')));
    if (dialect === 'redshift') verdicts.push(...(await redshiftChecks(scope, options, warehouse)));
  } finally {
    await warehouse?.close().catch(() => undefined);
  }
  const order = doctorChecksFor(dialect);
  verdicts.sort((a, b) => order.indexOf(a.check) - order.indexOf(b.check));
  const exitCode = doctorExitCode(verdicts);
  const label = warehouse?.label ?? (dialect === 'redshift' ? 'Redshift' : 'PostgreSQL');
  if (options.json) {
    scope.out(
      JSON.stringify(
        {
          ready: exitCode === 0,
          target: dialect,
          warehouse: label,
          ...(dialect === 'postgres' ? { note: POSTGRES_SCOPE_NOTE } : {}),
          checks: verdicts,
        },
        null,
        2,
      ),
    );
  } else {
    scope.out(
      formatDoctorReport(
        `sparkify doctor: ${label}`,
        verdicts,
        dialect === 'postgres' ? [POSTGRES_SCOPE_NOTE] : [],
      ),
    );
  }
  scope.context.exitCode = exitCode === 0 ? ExitCode.ok : ExitCode.cannotRun;
}

/** `sparkify doctor`: checks, without loading anything, what the first load needs, and says what is missing. */
export function registerDoctorCommand(program: Command, context: CliContext): void {
  const command = program
    .command('doctor')
    .description(
      'check, without loading anything, what the first load needs; one line per check with the fix',
    )
    .option(
      '-s, --source <location>',
      'the s3://bucket/prefix the load will read (song_data/ and log_data/ below)',
    )
    .option('--song-data <location>', 'song data location (instead of --source; dwh.cfg SONG_DATA)')
    .option('--log-data <location>', 'log data location (instead of --source; dwh.cfg LOG_DATA)')
    .option(
      '--manifest-prefix <s3url>',
      'redshift: where the load writes manifests (a probe is written and deleted)',
    )
    .option('--endpoint <url>', 'S3-compatible endpoint (MinIO, LocalStack); also AWS_ENDPOINT_URL_S3')
    .option('--json', 'print one machine-readable result')
    .addHelpText(
      'after',
      `
Redshift: the connection and TLS; CREATE on the schema, TEMP on the database and ownership of the staging and
star tables (TRUNCATE needs the owner), or "not migrated yet"; the migrations; the IAM role attached to the cluster
(DescribeClusters) or Serverless namespace (GetNamespace); the regions of the source and manifest buckets against
COPY's REGION and the cluster; and, with the configured role and REGION, a COPY of a small probe object the CLI
writes under the manifest prefix into a TEMP table (deleted again) and a NOLOAD COPY of one source object of each
dataset. Nothing reaches a table of the warehouse.
PostgreSQL: the connection, the rights and the migration state only.

Exit codes: 0 ready for a first load (warnings, marked !, do not block it), 2 not ready (each ✗ with its fix).`,
    )
    .action(async (_options: DoctorOptions, cmd: Command) => {
      const options = cmd.optsWithGlobals<DoctorOptions>();
      await runWithConfig(context, options, (scope) => runDoctor(scope, options));
    });
  addExamples(command, [
    {
      run: 'sparkify doctor',
      says: 'the embedded (or DATABASE_URL) PostgreSQL: connection, rights, migrations',
    },
    { run: 'sparkify doctor --json' },
    {
      run: 'sparkify doctor --target redshift',
      says: 'nothing configured for Redshift yet: every ✗ names what to set',
      exitCode: 2,
    },
  ]);
}
