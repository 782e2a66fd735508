import { PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import type { Knex } from 'knex';
import { type Dataset, datasets, isGzipKey, stagingTable } from '../dataset.js';
import { LoaderError } from '../errors.js';
import type { FileOutcome, Reject } from '../ledger/ledger.js';
import { ObjectReader, type RecordProblem } from '../records/object-reader.js';
import { joinLocation, parseS3Url } from '../sources/s3-location.js';
import type { Source, SourceObject } from '../sources/source.js';
import {
  buildCopyStatement,
  buildEventsJsonPaths,
  buildManifest,
  copyMarkSql,
  lastCopyCountSql,
  loadDetailSql,
  loadErrorDetailSql,
  loadHistorySql,
  redactCopyMessage,
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
  /** 'observe': the reads that follow each COPY, shown by --dry-run with placeholders; runCopy sends them. */
  kind: 'truncate' | 'copy' | 'observe' | 'tag';
  dataset: Dataset;
  /** The object a COPY reads or a tag marks. */
  key?: string;
  sql: string;
}

/** Everything the Redshift path will send, computed without a cluster: printed by --dry-run, tested as text. */
export interface RedshiftStagePlan {
  /** Names this run's files on S3 (`run-<id>` in a dry run). */
  runLabel: string;
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

/**
 * Plans manifests, the JSONPaths file and the statements of one load: one COPY per object, each followed by the
 * UPDATE that gives its staged rows their object id. Redshift's COPY says nothing about which file a row came from
 * (no file-name column, and neither row order nor IDENTITY values follow the files), yet every songplay, song
 * version and user state must know its object so that a corrected object can take back what it gave. One COPY per
 * object is the only exact way: it costs a COPY's fixed overhead per object (see the README's Redshift section).
 * `objectIds` are etl_objects' ids (a dry run, which registers nothing, shows `<object id n>`).
 */
export function planRedshiftStage(
  objects: readonly SourceObject[],
  config: RedshiftStageConfig,
  runLabel: string,
  objectIds?: ReadonlyMap<string, number>,
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
    const ofDataset = objects.filter((object) => object.dataset === dataset);
    ofDataset.forEach((object, index) => {
      const manifestUrl = `${base}/${dataset}-${String(index + 1).padStart(6, '0')}.manifest`;
      uploads.push({ url: manifestUrl, body: buildManifest([object]) });
      const table = stagingTable[dataset].name;
      const objectId = objectIds?.get(object.key);
      statements.push({ kind: 'observe', dataset, sql: copyMarkSql });
      statements.push({
        kind: 'copy',
        dataset,
        key: object.key,
        sql: buildCopyStatement({
          dataset,
          manifestUrl,
          jsonPathsUrl,
          iamRoleArn: config.iamRoleArn,
          region: config.region,
          maxErrors: config.maxErrors,
          gzip: isGzipKey(object.key),
        }),
      });
      for (const sql of [
        copyMarkSql,
        loadHistorySql({ copyId: '<copy id>', table, startedAfter: '<before copy>' }),
        loadErrorDetailSql('<copy id>'),
        loadDetailSql('<copy id>'),
        lastCopyCountSql,
      ]) {
        statements.push({ kind: 'observe', dataset, sql: sql.trim() });
      }
      statements.push({
        kind: 'tag',
        dataset,
        key: object.key,
        sql: tagObjectSql(table, objectId ?? `<object id ${index + 1}>`),
      });
    });
  }
  return { runLabel, sample: chooseSample(objects, config.sample), uploads, statements };
}

/** Gives the rows the last COPY staged (the only ones without an object id) the object's id. */
export function tagObjectSql(table: string, objectId: number | string): string {
  if (typeof objectId === 'number' && !Number.isSafeInteger(objectId)) {
    throw new LoaderError('CONFIG_INVALID', `object id: expected a whole number, got ${objectId}`);
  }
  return `UPDATE ${table} SET object_id = ${objectId} WHERE object_id IS NULL`;
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

/** One row of SYS_LOAD_ERROR_DETAIL as the load-error query names its columns. */
interface LoadErrorRow {
  object_key: string;
  line_number: number;
  field: string | null;
  error_code: number | string;
  reason: string;
}

/** What one COPY did, read back from the session right after it. */
export interface CopyOutcome {
  /** False when the COPY failed on bad data (MAXERROR reached): then nothing was loaded. */
  succeeded: boolean;
  /** Rows loaded (pg_last_copy_count(); 0 after a failure). */
  loaded: number;
  /** One per rejected record. */
  errors: Reject[];
  /** Lines each file was scanned for (SYS_LOAD_DETAIL), every file of the COPY. */
  lines: { key: string; lines: number }[];
  /** Redshift's own error when the COPY failed (code and message, credentials hidden). */
  failure?: string;
}

function describeDatabaseError(error: unknown): string {
  const { code, message, detail } = error as { code?: string; message?: string; detail?: string };
  const text = [message ?? String(error), detail].filter(Boolean).join(' DETAIL: ');
  return redactCopyMessage(code ? `${code}: ${text}` : text);
}

const firstRow = async (session: SqlSession, sql: string) =>
  ((await session.query(sql)).rows as Record<string, unknown>[])[0];

/**
 * Runs one COPY and reads back what Redshift recorded for exactly this COPY: the copy id is read before and
 * after (an unchanged id is a COPY that failed before loading: its own error is reported, nothing else is read),
 * then its SYS_LOAD_HISTORY row (see loadHistorySql for the scoping), its load errors and its lines per file
 * from the SYS views, which cover provisioned clusters, Serverless and concurrency scaling alike. A COPY that
 * failed is an outcome only when its load errors explain it; otherwise it throws with Redshift's own error.
 */
export async function runCopy(session: SqlSession, statement: RedshiftStatement): Promise<CopyOutcome> {
  const table = stagingTable[statement.dataset].name;
  const before = await firstRow(session, copyMarkSql);
  let failure: string | undefined;
  try {
    await session.query(statement.sql);
  } catch (error) {
    failure = describeDatabaseError(error);
  }
  const after = await firstRow(session, copyMarkSql);
  const beforeId = Number(before?.copy_id ?? -1);
  const afterId = Number(after?.copy_id ?? -1);
  if (afterId === beforeId) {
    throw new LoaderError(
      'COPY_FAILED',
      failure
        ? `Redshift refused the COPY into ${table} before loading anything: ${failure}`
        : `Redshift reported no new COPY into ${table} (pg_last_copy_id() unchanged at ${afterId})`,
    );
  }
  const startedAfter = String(before?.at ?? '');
  const history = await firstRow(session, loadHistorySql({ copyId: afterId, table, startedAfter }));
  if (!history) {
    throw new LoaderError(
      'COPY_FAILED',
      `SYS_LOAD_HISTORY has no row for the COPY into ${table} (copy id ${afterId}, started after ${startedAfter})` +
        (failure ? `; the COPY failed: ${failure}` : ''),
    );
  }
  const queryId = Number(history.query_id);
  const errorRows = (await session.query(loadErrorDetailSql(queryId))).rows as LoadErrorRow[];
  const errors = errorRows.map((row): Reject => ({
    dataset: statement.dataset,
    key: row.object_key,
    line: Number(row.line_number),
    field: row.field,
    reason: `${row.reason} (Redshift load error ${row.error_code})`,
    raw: '',
  }));
  const lines = (
    (await session.query(loadDetailSql(queryId))).rows as { object_key: string; lines: unknown }[]
  ).map((row) => ({ key: row.object_key, lines: Number(row.lines) }));
  if (failure) {
    if (errors.length === 0) {
      throw new LoaderError('COPY_FAILED', `Redshift COPY into ${table} failed: ${failure}`);
    }
    return { succeeded: false, loaded: 0, errors, lines, failure };
  }
  // pg_last_copy_count() is this COPY's: the copy id moved, so no earlier failed COPY stands in between.
  const loaded = Number((await firstRow(session, lastCopyCountSql))?.loaded ?? history.loaded_rows ?? 0);
  return { succeeded: true, loaded, errors, lines };
}

/**
 * Per-file outcomes of the COPYs (pure). Song objects hold one record; an NDJSON log holds one per line
 * (STL_LOAD_COMMITS counts lines), and a file is never said to have read fewer records than it rejected.
 */
export function redshiftFileOutcomes(
  objects: readonly SourceObject[],
  copies: readonly CopyOutcome[],
): FileOutcome[] {
  const byKey = new Map(
    objects.map((object) => [object.key, { object, lines: 0, errors: 0, reported: false }]),
  );
  for (const copy of copies) {
    for (const { key, lines } of copy.lines) {
      const entry = byKey.get(key);
      if (entry) {
        entry.lines += lines;
        entry.reported = true;
      }
    }
    for (const error of copy.errors) {
      const entry = byKey.get(error.key);
      if (entry) entry.errors += 1;
    }
  }
  return [...byKey.values()].map(({ object, lines, errors, reported }): FileOutcome => {
    // A file is recorded as loaded only with a count Redshift reported for it: the ledger never loads a recorded
    // file again, so a guessed 0 would lose it for good.
    if (!reported) {
      throw new LoaderError(
        'COPY_FAILED',
        `Redshift reported no line count for ${object.key} (SYS_LOAD_DETAIL): not recording it as loaded`,
      );
    }
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
  // Running totals for progress (summing every COPY again after each would cost the square of the objects).
  const sizeOf = new Map(plan.objects.map((object) => [object.key, object.size]));
  const bytesTotal = plan.objects.reduce((sum, object) => sum + object.size, 0);
  let bytesCopied = 0;
  let rowsLoaded = 0;
  let rejected = 0;
  const connection = (await knex.client.acquireConnection()) as SqlSession;
  try {
    for (const statement of plan.statements) {
      if (statement.kind === 'observe') continue;
      if (statement.kind === 'truncate' || statement.kind === 'tag') {
        await connection.query(statement.sql);
        continue;
      }
      const copy = await runCopy(connection, statement);
      copies.push(copy);
      rejected += copy.errors.length;
      if (!copy.succeeded) {
        // A failed COPY fails the run: as bad records when its load errors are over --max-errors (MAXERROR is
        // one more, so that is the normal case), otherwise with Redshift's own error.
        if (rejected <= options.maxErrors) {
          throw new LoaderError('COPY_FAILED', `Redshift COPY failed: ${copy.failure ?? 'unknown error'}`);
        }
        break;
      }
      rowsLoaded += copy.loaded;
      // Redshift reads the bytes, not this process: progress is the planned size of the objects copied.
      bytesCopied += statement.key ? (sizeOf.get(statement.key) ?? 0) : 0;
      options.onProgress?.({
        stage: 'stage',
        objectsDone: copies.length,
        objectsTotal: plan.objects.length,
        records: rowsLoaded,
        bytes: bytesCopied,
        bytesTotal,
      });
    }
  } catch (error) {
    if (error instanceof LoaderError) throw error;
    throw new LoaderError('COPY_FAILED', `Redshift COPY failed: ${describeDatabaseError(error)}`, {
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
  // Per-file counts are only meaningful (and only needed) when every COPY ran: a run stopped by bad records
  // records no files.
  result.files = copies.every((copy) => copy.succeeded) ? redshiftFileOutcomes(plan.objects, copies) : [];
  return result;
}
