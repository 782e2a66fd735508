import { PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import type { Knex } from 'knex';
import { type Dataset, datasets, stagingTable } from '../dataset.js';
import { LoaderError } from '../errors.js';
import type { FileOutcome, Reject } from '../ledger/ledger.js';
import { ObjectReader, type RecordProblem } from '../records/object-reader.js';
import { joinLocation, parseS3Url } from '../sources/s3-location.js';
import type { Source, SourceObject } from '../sources/source.js';
import {
  buildCopyStatement,
  buildEventsJsonPaths,
  buildManifest,
  lastCopyCountSql,
  loadCommitsSql,
  loadErrorsSql,
  serverlessLoadErrorsSql,
} from './redshift-sql.js';
import { emptyStageResult, type StageProgress, type StageResult } from './stage-result.js';

/** Settings of the Redshift COPY path. */
export interface RedshiftStageConfig {
  iamRoleArn: string;
  region?: string;
  /** s3://bucket/prefix/ where this tool writes manifests and the JSONPaths file. */
  manifestPrefix: string;
  /** A JSONPaths file to use instead of the generated one (dwh.cfg's LOG_JSONPATH). */
  logJsonPath?: string;
  maxErrors: number;
  /** Objects per dataset validated before any COPY. */
  sample: number;
  serverless?: boolean;
}

/** An object this tool writes to S3 before the COPY. */
export interface Upload {
  url: string;
  body: string;
}

/** One statement of the Redshift path, with what it is: a COPY's outcome is read back, a TRUNCATE's is not. */
export interface RedshiftStatement {
  kind: 'truncate' | 'copy';
  dataset: Dataset;
  sql: string;
}

/** Everything the Redshift path will send, computed without a cluster: printed by --dry-run, tested as text. */
export interface RedshiftStagePlan {
  sample: SourceObject[];
  uploads: Upload[];
  statements: RedshiftStatement[];
}

/** Evenly spread objects (at most `count` per dataset) to validate before loading. */
export function chooseSample(objects: readonly SourceObject[], count: number): SourceObject[] {
  return datasets.flatMap((dataset) => {
    const ofDataset = objects.filter((object) => object.dataset === dataset);
    if (ofDataset.length <= count) return ofDataset;
    const step = ofDataset.length / count;
    return Array.from({ length: count }, (_, index) => ofDataset[Math.floor(index * step)]!);
  });
}

/** Plans manifests, the JSONPaths file and the statements of one load (gzip and plain objects COPY separately). */
export function planRedshiftStage(
  objects: readonly SourceObject[],
  config: RedshiftStageConfig,
  runLabel: string,
): RedshiftStagePlan {
  const folder = parseS3Url(config.manifestPrefix);
  const base = joinLocation(`s3://${folder.bucket}/${folder.prefix}`, runLabel);
  const uploads: Upload[] = [];
  const statements: RedshiftStatement[] = datasets.map((dataset) => ({
    kind: 'truncate',
    dataset,
    sql: `TRUNCATE ${stagingTable[dataset].name}`,
  }));
  let jsonPathsUrl = config.logJsonPath;
  if (!jsonPathsUrl && objects.some((object) => object.dataset === 'events')) {
    jsonPathsUrl = `${base}/events.jsonpaths.json`;
    uploads.push({ url: jsonPathsUrl, body: buildEventsJsonPaths() });
  }
  for (const dataset of datasets) {
    for (const gzip of [false, true]) {
      const group = objects.filter(
        (object) => object.dataset === dataset && object.key.endsWith('.gz') === gzip,
      );
      if (group.length === 0) continue;
      const manifestUrl = `${base}/${dataset}${gzip ? '-gzip' : ''}.manifest`;
      uploads.push({ url: manifestUrl, body: buildManifest(group) });
      statements.push({
        kind: 'copy',
        dataset,
        sql: buildCopyStatement({
          dataset,
          manifestUrl,
          jsonPathsUrl,
          iamRoleArn: config.iamRoleArn,
          region: config.region,
          maxErrors: config.maxErrors,
          gzip,
        }),
      });
    }
  }
  return { sample: chooseSample(objects, config.sample), uploads, statements };
}

/** Reads the sample objects fully through the same validation as the PostgreSQL path; returns their problems. */
async function validateSample(source: Source, sample: readonly SourceObject[]): Promise<Reject[]> {
  const rejects: Reject[] = [];
  for (const object of sample) {
    const reader = new ObjectReader(object.dataset, () => undefined, 100);
    try {
      for await (const chunk of source.read(object)) reader.push(chunk);
      reader.end();
    } catch (error) {
      if (!(error instanceof LoaderError && error.code === 'OBJECT_UNREADABLE')) throw error;
      reader.problems.push({ line: 0, field: null, reason: error.message, raw: '' });
    }
    rejects.push(
      ...reader.problems.map((problem: RecordProblem) => ({
        ...problem,
        dataset: object.dataset,
        key: object.key,
      })),
    );
  }
  return rejects;
}

/** Writes the plan's manifests and JSONPaths file to S3, where the COPYs read them. */
export async function uploadStageFiles(s3: S3Client, uploads: readonly Upload[]): Promise<void> {
  for (const upload of uploads) {
    const { bucket, prefix: key } = parseS3Url(upload.url, { folder: false });
    await s3.send(
      new PutObjectCommand({ Bucket: bucket, Key: key, Body: upload.body, ContentType: 'application/json' }),
    );
  }
}

/** A database session that answers plain SQL: a pg client on one connection, so pg_last_copy_id() is ours. */
export interface SqlSession {
  query(sql: string): Promise<{ rows: unknown[] }>;
}

/** One row of STL_LOAD_ERRORS / SYS_LOAD_ERROR_DETAIL as the load-error queries name its columns. */
interface LoadErrorRow {
  object_key: string;
  line_number: number;
  field: string | null;
  reason: string;
  raw: string;
}

/** What one COPY did, read back from the session right after it. */
export interface CopyOutcome {
  /** False when the COPY failed on bad data (MAXERROR reached): then nothing was loaded. */
  succeeded: boolean;
  /** Rows loaded (pg_last_copy_count(); 0 after a failure). */
  loaded: number;
  /** One per rejected record. */
  errors: Reject[];
  /** Lines each file contributed (STL_LOAD_COMMITS; empty on Serverless, which has no STL views). */
  lines: { key: string; lines: number }[];
}

/**
 * Runs one COPY and reads back rows loaded, load errors and lines per file. A COPY that fails with load errors
 * is bad data (an outcome); one that fails without any is not ours to explain and throws.
 */
export async function runCopy(
  session: SqlSession,
  statement: RedshiftStatement,
  serverless: boolean,
): Promise<CopyOutcome> {
  let succeeded = true;
  try {
    await session.query(statement.sql);
  } catch {
    succeeded = false;
  }
  const errorRows = (await session.query(serverless ? serverlessLoadErrorsSql : loadErrorsSql))
    .rows as LoadErrorRow[];
  if (!succeeded && errorRows.length === 0) {
    throw new LoaderError(
      'COPY_FAILED',
      `Redshift COPY failed and reported no load errors: ${statement.sql}`,
    );
  }
  const countRows = succeeded ? ((await session.query(lastCopyCountSql)).rows as { loaded?: unknown }[]) : [];
  const loaded = Number(countRows[0]?.loaded ?? 0);
  const lines = serverless
    ? []
    : ((await session.query(loadCommitsSql)).rows as { object_key: string; lines: number }[]).map((row) => ({
        key: row.object_key,
        lines: Number(row.lines),
      }));
  const errors = errorRows.map((row): Reject => ({
    dataset: statement.dataset,
    key: row.object_key,
    line: Number(row.line_number),
    field: row.field,
    reason: row.reason,
    raw: row.raw,
  }));
  return { succeeded, loaded, errors, lines };
}

/**
 * Per-file outcomes of the COPYs (pure). Song objects hold one record; an NDJSON log holds one per line
 * (STL_LOAD_COMMITS counts lines), and a file is never said to have read fewer records than it rejected.
 */
export function redshiftFileOutcomes(
  objects: readonly SourceObject[],
  copies: readonly CopyOutcome[],
): FileOutcome[] {
  const byKey = new Map(objects.map((object) => [object.key, { object, lines: 0, errors: 0 }]));
  for (const copy of copies) {
    for (const { key, lines } of copy.lines) {
      const entry = byKey.get(key);
      if (entry) entry.lines += lines;
    }
    for (const error of copy.errors) {
      const entry = byKey.get(error.key);
      if (entry) entry.errors += 1;
    }
  }
  return [...byKey.values()].map(({ object, lines, errors }): FileOutcome => {
    const read = object.dataset === 'songs' ? Math.max(1, errors) : Math.max(lines, errors);
    return {
      dataset: object.dataset,
      key: object.key,
      etag: object.etag,
      size: object.size,
      read,
      staged: read - errors,
      rejected: errors,
    };
  });
}

export interface StageRedshiftOptions {
  s3: S3Client;
  /** Bad records tolerated: a sample with more is refused before any COPY. */
  maxErrors: number;
  serverless?: boolean;
  onProgress?: (progress: StageProgress) => void;
}

/**
 * Stages through Redshift's own COPY: validates a sample first and refuses to COPY when it fails, writes the
 * manifests, runs the COPYs (the data never passes through Node), then reads rows loaded and load errors.
 */
export async function stageToRedshift(
  knex: Knex,
  source: Source,
  plan: RedshiftStagePlan & { objects: readonly SourceObject[] },
  options: StageRedshiftOptions,
): Promise<StageResult> {
  const sampleRejects = await validateSample(source, plan.sample);
  // Bad records in the sample beyond what may be quarantined: refuse to COPY. Within the limit, COPY goes on
  // and Redshift's own MAXERROR counts them (they come back from the load errors, not counted twice).
  if (sampleRejects.length > options.maxErrors) {
    return { ...emptyStageResult(), rejects: sampleRejects, recordsRejected: sampleRejects.length };
  }
  await uploadStageFiles(options.s3, plan.uploads);
  const copies: CopyOutcome[] = [];
  const connection = (await knex.client.acquireConnection()) as SqlSession;
  try {
    for (const statement of plan.statements) {
      if (statement.kind === 'truncate') {
        await connection.query(statement.sql);
        continue;
      }
      const copy = await runCopy(connection, statement, options.serverless ?? false);
      copies.push(copy);
      if (!copy.succeeded) break;
      options.onProgress?.({
        stage: 'stage',
        objectsDone: plan.objects.length,
        objectsTotal: plan.objects.length,
        records: copy.loaded,
        bytes: 0,
      });
    }
  } catch (error) {
    throw new LoaderError('COPY_FAILED', `Redshift COPY failed: ${(error as Error).message}`, {
      cause: error,
    });
  } finally {
    await knex.client.releaseConnection(connection);
  }
  const result = emptyStageResult();
  for (const copy of copies) {
    result.rejects.push(...copy.errors);
    result.recordsStaged += copy.loaded;
    result.recordsRejected += copy.errors.length;
  }
  result.recordsRead = result.recordsStaged + result.recordsRejected;
  result.files = redshiftFileOutcomes(plan.objects, copies);
  return result;
}
