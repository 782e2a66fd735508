import type { S3Client } from '@aws-sdk/client-s3';
import type { Knex } from 'knex';
import { stagingDocuments } from '@sparkify/schema';
import { s3Sdk } from '../s3-sdk.js';
import { type Dataset, datasets, isGzipKey, stagingTablesOf } from '../dataset.js';
import { LoaderError } from '../errors.js';
import type { FileOutcome, Reject } from '../ledger/ledger.js';
import { defaultRecordRules, type RecordRules } from '../records/ambiguous-json.js';
import { ObjectReader, type RecordProblem } from '../records/object-reader.js';
import { recordRules } from '../validation/record-rules.js';
import { validationStatements } from '../validation/validation-sql.js';
import { joinLocation, parseS3Url } from '../sources/s3-location.js';
import type { Source, SourceObject } from '../sources/source.js';
import {
  buildCopyStatement,
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
  maxErrors: number;
  /** The loader's own record rules (the earliest event time), applied by the validation pass as on PostgreSQL. */
  rules?: Partial<RecordRules>;
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
  /**
   * 'observe': the reads that follow each COPY, shown by --dry-run with placeholders; runCopy sends them.
   * 'tag': moves one COPY's documents to the documents table with their object id. 'count-rejects' and
   * 'sample-rejects': the validation pass's reads; 'shred': the pass's move of the valid rows into staging.
   */
  kind:
    | 'session'
    | 'probe'
    | 'truncate'
    | 'copy'
    | 'observe'
    | 'tag'
    | 'count-rejects'
    | 'sample-rejects'
    | 'shred';
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

/** Rejected records the validation pass reads back with their documents (all of them are counted). */
export const KEPT_REJECTS = 1000;

/**
 * What the validation pass relies on and Redshift's documentation leaves unsaid: navigating SUPER to a missing
 * key gives SQL NULL (lax mode, so JSON_TYPEOF is NULL), while a JSON null is a value whose JSON_TYPEOF is
 * 'null'. Asked of the cluster before any COPY; a different answer refuses the load rather than misjudge
 * every record with a null or a missing key.
 */
export const superNullProbeSql = `SELECT JSON_TYPEOF(m.doc."a") AS missing, JSON_TYPEOF(n.doc."a") AS json_null
FROM (SELECT JSON_PARSE('{}') AS doc) m, (SELECT JSON_PARSE('{"a":null}') AS doc) n`;

/**
 * Plans the manifests and the statements of one load. Each object has its own COPY, which loads its records whole
 * into `staging_<dataset>_raw` (one SUPER column, `FORMAT JSON 'noshred'`), followed by the INSERT that moves them
 * to `staging_<dataset>_docs` with the object's id. Redshift's COPY says nothing about which file a row came from
 * (no file-name column, and neither row order nor IDENTITY values follow the files), yet every songplay, song
 * version and user state must know its object so that a corrected object can take back what it gave: one COPY
 * per object is the only exact way, at a COPY's fixed overhead per object (see the README's Redshift section).
 * Then, per dataset, the validation pass generated from the JSON Schemas: it counts and reads back what breaks a
 * rule and shreds the rest into the typed staging table the transform reads, so every record is validated, not
 * a sample. `objectIds` are etl_objects' ids (a dry run, which registers nothing, shows `<object id n>`).
 */
const RESET_SESSION = 'RESET enable_case_sensitive_identifier';

export function planRedshiftStage(
  objects: readonly SourceObject[],
  config: RedshiftStageConfig,
  runLabel: string,
  objectIds?: ReadonlyMap<string, number>,
): RedshiftStagePlan {
  const folder = parseS3Url(config.manifestPrefix);
  const base = joinLocation(`s3://${folder.bucket}/${folder.prefix}`, runLabel);
  const uploads: Upload[] = [];
  const statements: RedshiftStatement[] = [
    // SUPER navigation keeps a key's case (doc."userId") only with this on, for this session.
    { kind: 'session', dataset: 'events', sql: 'SET enable_case_sensitive_identifier TO true' },
    { kind: 'probe', dataset: 'events', sql: superNullProbeSql },
  ];
  for (const dataset of datasets) {
    for (const table of stagingTablesOf(dataset, 'redshift')) {
      statements.push({ kind: 'truncate', dataset, sql: `TRUNCATE ${table}` });
    }
  }
  const rules = { ...defaultRecordRules, ...config.rules };
  for (const dataset of datasets) {
    const ofDataset = objects.filter((object) => object.dataset === dataset);
    const raw = stagingDocuments[dataset].raw;
    ofDataset.forEach((object, index) => {
      const manifestUrl = `${base}/${dataset}-${String(index + 1).padStart(6, '0')}.manifest`;
      uploads.push({ url: manifestUrl, body: buildManifest([object]) });
      const objectId = objectIds?.get(object.key);
      statements.push({ kind: 'observe', dataset, sql: copyMarkSql });
      statements.push({
        kind: 'copy',
        dataset,
        key: object.key,
        sql: buildCopyStatement({
          dataset,
          manifestUrl,
          iamRoleArn: config.iamRoleArn,
          region: config.region,
          maxErrors: config.maxErrors,
          gzip: isGzipKey(object.key),
        }),
      });
      for (const sql of [
        copyMarkSql,
        loadHistorySql({ copyId: '<copy id>', table: raw, startedAfter: '<before copy>' }),
        loadErrorDetailSql('<copy id>'),
        loadDetailSql('<copy id>'),
        lastCopyCountSql,
      ]) {
        statements.push({ kind: 'observe', dataset, sql: sql.trim() });
      }
      for (const sql of tagObjectSql(dataset, objectId ?? `<object id ${index + 1}>`)) {
        statements.push({ kind: 'tag', dataset, key: object.key, sql });
      }
    });
    if (ofDataset.length === 0) continue;
    const pass = validationStatements('redshift', dataset, recordRules(dataset, rules), KEPT_REJECTS);
    statements.push({ kind: 'count-rejects', dataset, sql: pass.countRejects });
    statements.push({ kind: 'sample-rejects', dataset, sql: pass.sampleRejects });
    statements.push({ kind: 'shred', dataset, sql: pass.shred });
    // The documents are not needed once shredded: their space is given back before the transform.
    statements.push({ kind: 'truncate', dataset, sql: `TRUNCATE ${stagingDocuments[dataset].docs}` });
  }
  statements.push({ kind: 'session', dataset: 'events', sql: RESET_SESSION });
  return { runLabel, sample: chooseSample(objects, config.sample), uploads, statements };
}

/** Moves the documents the last COPY loaded (the raw table holds only them) to the documents table, with their object id. */
export function tagObjectSql(dataset: Dataset, objectId: number | string): string[] {
  if (typeof objectId === 'number' && !Number.isSafeInteger(objectId)) {
    throw new LoaderError('CONFIG_INVALID', `object id: expected a whole number, got ${objectId}`);
  }
  const { raw, docs } = stagingDocuments[dataset];
  // DELETE, not TRUNCATE: TRUNCATE commits the transaction on Redshift.
  return [`INSERT INTO ${docs} (object_id, doc) SELECT ${objectId}, doc FROM ${raw}`, `DELETE FROM ${raw}`];
}

/** Reads the sample objects fully through the same validation as the PostgreSQL path; returns their problems. */
async function validateSample(
  source: Source,
  sample: readonly SourceObject[],
  rules: RecordRules,
): Promise<Reject[]> {
  const rejects: Reject[] = [];
  for (const object of sample) {
    const reader = new ObjectReader(object.dataset, () => undefined, 100, undefined, rules);
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
  const { PutObjectCommand } = await s3Sdk();
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
  /** The object this COPY read (one per COPY). */
  key?: string;
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
  const table = stagingDocuments[statement.dataset].raw;
  const before = await firstRow(session, copyMarkSql);
  let failure: string | undefined;
  let refusal: unknown;
  try {
    await session.query(statement.sql);
  } catch (error) {
    failure = describeDatabaseError(error);
    refusal = error;
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
      { cause: refusal },
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
      throw new LoaderError('COPY_FAILED', `Redshift COPY into ${table} failed: ${failure}`, {
        cause: refusal,
      });
    }
    return { key: statement.key, succeeded: false, loaded: 0, errors, lines, failure };
  }
  // pg_last_copy_count() is this COPY's: the copy id moved, so no earlier failed COPY stands in between.
  const loaded = Number((await firstRow(session, lastCopyCountSql))?.loaded ?? history.loaded_rows ?? 0);
  return { key: statement.key, succeeded: true, loaded, errors, lines };
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
    objects.map((object) => [object.key, { object, lines: 0, errors: 0, loaded: 0, reported: false }]),
  );
  for (const copy of copies) {
    const read = copy.key === undefined ? undefined : byKey.get(copy.key);
    if (read) read.loaded += copy.loaded;
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
  return [...byKey.values()].map(({ object, lines, errors, loaded, reported }): FileOutcome => {
    // A file is recorded as loaded only with a count Redshift reported for it: the ledger never loads a recorded
    // file again, so a guessed 0 would lose it for good.
    if (!reported) {
      throw new LoaderError(
        'COPY_FAILED',
        `Redshift reported no line count for ${object.key} (SYS_LOAD_DETAIL): not recording it as loaded`,
      );
    }
    // A song file is one document, or several (concatenated JSON values): what COPY loaded and refused.
    const read = object.dataset === 'songs' ? Math.max(1, loaded + errors) : Math.max(lines, errors);
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
  /** The rules the plan's validation pass was generated with (to name the rule each reject broke). */
  rules?: Partial<RecordRules>;
  onProgress?: (progress: StageProgress) => void;
}

/** Objects whose rejects are looked up again, line by line, in this process (the rest keep line 0). */
const LOCATED_OBJECTS = 20;

/**
 * Gives the validation pass's rejects their lines. Redshift keeps no line number for a row it loaded, so the pass
 * names object, field and rule; the few objects that had rejects are read again here through the same rules
 * (their JSON Schema verdicts agree record by record: validation-pass.test.ts), and when this process finds as
 * many rejects in an object as the warehouse did (beyond the lines COPY itself refused), its lines and reasons
 * replace line 0. Otherwise the warehouse's rejects stand as they are, raw record included.
 */
async function locateRejects(
  source: Source,
  objects: readonly SourceObject[],
  counted: ReadonlyMap<string, number>,
  found: readonly Reject[],
  copyErrors: readonly Reject[],
  rules: RecordRules,
): Promise<Reject[]> {
  const byKey = new Map(objects.map((object) => [object.key, object]));
  const toRead = [...counted.keys()].slice(0, LOCATED_OBJECTS).flatMap((key) => byKey.get(key) ?? []);
  const fieldsOf = (rejects: readonly Reject[]) =>
    rejects
      .map((reject) => String(reject.field))
      .sort()
      .join('\n');
  const located = new Map<string, Reject[]>();
  for (const object of toRead) {
    const refusedByCopy = new Set(
      copyErrors.filter((error) => error.key === object.key).map((error) => error.line),
    );
    const mine = (await validateSample(source, [object], rules)).filter(
      (reject) => !refusedByCopy.has(reject.line),
    );
    const theirs = found.filter((reject) => reject.key === object.key);
    // The same rejects, not just as many: every one the warehouse found read back, naming the same fields.
    if (theirs.length === counted.get(object.key) && fieldsOf(mine) === fieldsOf(theirs)) {
      located.set(object.key, mine);
    }
  }
  return [...found.filter((reject) => !located.has(reject.key)), ...[...located.values()].flat()];
}

/**
 * Stages through Redshift's own COPY: validates a sample first and refuses to COPY when it fails, writes the
 * manifests, runs the COPYs (the data never passes through Node) and reads their rows loaded and load errors,
 * then runs the validation pass over every record in the warehouse and shreds the valid ones into staging.
 */
export async function stageToRedshift(
  knex: Knex,
  source: Source,
  plan: RedshiftStagePlan & { objects: readonly SourceObject[]; objectIds: ReadonlyMap<string, number> },
  options: StageRedshiftOptions,
): Promise<StageResult> {
  const rules = { ...defaultRecordRules, ...options.rules };
  const sampleRejects = await validateSample(source, plan.sample, rules);
  // Bad records in the sample beyond what may be quarantined: refuse to COPY. Within the limit, COPY goes on
  // and the load errors and the validation pass count them (not counted twice).
  if (sampleRejects.length > options.maxErrors) {
    return { ...emptyStageResult(), rejects: sampleRejects, recordsRejected: sampleRejects.length };
  }
  await uploadStageFiles(options.s3, plan.uploads);
  const copies: CopyOutcome[] = [];
  const keyOfId = new Map([...plan.objectIds].map(([key, id]) => [id, key]));
  const rulesOf = { events: recordRules('events', rules), songs: recordRules('songs', rules) };
  // What the validation pass found: rejected records per object key, and the first KEPT_REJECTS of them.
  const passCounts = new Map<string, number>();
  const passRejects: Reject[] = [];
  // Running totals for progress (summing every COPY again after each would cost the square of the objects).
  const sizeOf = new Map(plan.objects.map((object) => [object.key, object.size]));
  const bytesTotal = plan.objects.reduce((sum, object) => sum + object.size, 0);
  let bytesCopied = 0;
  let rowsLoaded = 0;
  let rejected = 0;
  // knex types its client `any`: this is the part of it used here, one pooled session lent and given back.
  const pool = knex.client as {
    acquireConnection(): Promise<SqlSession>;
    releaseConnection(connection: SqlSession): Promise<void>;
  };
  const connection = await pool.acquireConnection();
  try {
    for (const statement of plan.statements) {
      if (statement.kind === 'observe') continue;
      if (statement.kind === 'probe') {
        const answer = (await connection.query(statement.sql)).rows[0] as Record<string, unknown> | undefined;
        if (answer?.missing !== null || answer.json_null !== 'null') {
          throw new LoaderError(
            'STAGING_FAILED',
            "this cluster's SUPER does not tell a missing key from a JSON null as the validation pass expects " +
              `(JSON_TYPEOF gave ${JSON.stringify(answer?.missing)} for a missing key and ` +
              `${JSON.stringify(answer?.json_null)} for null; expected null and "null"): nothing was loaded`,
          );
        }
        continue;
      }
      if (statement.kind === 'count-rejects') {
        for (const row of (await connection.query(statement.sql)).rows as Record<string, unknown>[]) {
          const key = keyOfId.get(Number(row.object_id)) ?? `<object ${String(row.object_id)}>`;
          passCounts.set(key, Number(row.rejected));
        }
        continue;
      }
      if (statement.kind === 'sample-rejects') {
        for (const row of (await connection.query(statement.sql)).rows as Record<string, unknown>[]) {
          const rule = rulesOf[statement.dataset][Number(row.rule) - 1];
          passRejects.push({
            dataset: statement.dataset,
            key: keyOfId.get(Number(row.object_id)) ?? `<object ${String(row.object_id)}>`,
            line: 0,
            field: rule?.problem.field ?? null,
            reason: `${rule?.problem.reason ?? `broke rule ${String(row.rule)}`} (found by the validation pass in the warehouse)`,
            raw: typeof row.raw_record === 'string' ? row.raw_record : '',
          });
        }
        continue;
      }
      if (statement.kind !== 'copy') {
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
    // Not a COPY's bad data (those are outcomes): the pass, a move or the session failed, and nothing is loaded.
    throw new LoaderError('STAGING_FAILED', `Redshift staging failed: ${describeDatabaseError(error)}`, {
      cause: error,
    });
  } finally {
    // The session setting never outlives staging, whatever stopped it (the pooled connection serves the rest).
    await connection.query(RESET_SESSION).catch(() => undefined);
    await pool.releaseConnection(connection);
  }
  const result = emptyStageResult();
  const copyErrors = copies.flatMap((copy) => copy.errors);
  const passRejected = [...passCounts.values()].reduce((sum, count) => sum + count, 0);
  result.rejects.push(
    ...copyErrors,
    ...(passRejected > 0
      ? await locateRejects(source, plan.objects, passCounts, passRejects, copyErrors, rules)
      : []),
  );
  result.recordsStaged = copies.reduce((sum, copy) => sum + copy.loaded, 0) - passRejected;
  result.recordsRejected = copyErrors.length + passRejected;
  result.recordsRead = result.recordsStaged + result.recordsRejected;
  // Per-file counts are only meaningful (and only needed) when every COPY ran: a run stopped by bad records
  // records no files.
  result.files = copies.every((copy) => copy.succeeded)
    ? redshiftFileOutcomes(plan.objects, copies).map((file) => {
        const failed = passCounts.get(file.key) ?? 0;
        return { ...file, staged: file.staged - failed, rejected: file.rejected + failed };
      })
    : [];
  return result;
}
