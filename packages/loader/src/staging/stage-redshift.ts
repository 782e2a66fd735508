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

/** Everything the Redshift path will send, computed without a cluster: printed by --dry-run, tested as text. */
export interface RedshiftStagePlan {
  sample: SourceObject[];
  uploads: Upload[];
  statements: { dataset: Dataset | null; sql: string }[];
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
  const statements: RedshiftStagePlan['statements'] = datasets.map((dataset) => ({
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

/**
 * Stages through Redshift's own COPY: validates a sample first and refuses to COPY when it fails, writes the
 * manifests, runs the COPYs (the data never passes through Node), then reads rows loaded and load errors.
 */
export async function stageToRedshift(
  knex: Knex,
  source: Source,
  s3: S3Client,
  objects: readonly SourceObject[],
  config: RedshiftStageConfig,
  runLabel: string,
  onProgress?: (progress: StageProgress) => void,
): Promise<StageResult> {
  const plan = planRedshiftStage(objects, config, runLabel);
  const sampleRejects = await validateSample(source, plan.sample);
  // Bad records in the sample beyond what may be quarantined: refuse to COPY. Within the limit, COPY goes on
  // and Redshift's own MAXERROR counts them (they come back from the load errors, not counted twice).
  if (sampleRejects.length > config.maxErrors) {
    return { ...emptyStageResult(), rejects: sampleRejects, recordsRejected: sampleRejects.length };
  }
  for (const upload of plan.uploads) {
    const { bucket, prefix: key } = parseS3Url(upload.url, { folder: false });
    await s3.send(
      new PutObjectCommand({ Bucket: bucket, Key: key, Body: upload.body, ContentType: 'application/json' }),
    );
  }
  const result = emptyStageResult();
  const byKey = new Map(objects.map((object) => [object.key, { object, lines: 0, errors: 0 }]));
  const connection = await knex.client.acquireConnection();
  try {
    const readLoadErrors = async () =>
      (await connection.query(config.serverless ? serverlessLoadErrorsSql : loadErrorsSql)).rows as {
        object_key: string;
        line_number: number;
        field: string | null;
        reason: string;
        raw: string;
      }[];
    for (const statement of plan.statements) {
      let copyFailed = false;
      try {
        await connection.query(statement.sql);
      } catch (error) {
        // A COPY that hit MAXERROR is bad data: its load errors say where; anything else is not ours to explain.
        if (!statement.sql.startsWith('COPY')) throw error;
        copyFailed = true;
      }
      if (!statement.sql.startsWith('COPY')) continue;
      const errors = await readLoadErrors();
      if (copyFailed && errors.length === 0) {
        throw new LoaderError(
          'COPY_FAILED',
          `Redshift COPY failed and reported no load errors: ${statement.sql}`,
        );
      }
      const loaded = copyFailed ? 0 : Number((await connection.query(lastCopyCountSql)).rows[0]?.loaded ?? 0);
      if (!config.serverless) {
        for (const row of (await connection.query(loadCommitsSql)).rows as {
          object_key: string;
          lines: number;
        }[]) {
          const entry = byKey.get(row.object_key);
          if (entry) entry.lines += Number(row.lines);
        }
      }
      for (const error of errors) {
        const entry = byKey.get(error.object_key);
        if (entry) entry.errors += 1;
        result.rejects.push({
          dataset: statement.dataset ?? 'events',
          key: error.object_key,
          line: Number(error.line_number),
          field: error.field,
          reason: error.reason,
          raw: error.raw,
        });
      }
      result.recordsStaged += loaded;
      result.recordsRejected += errors.length;
      if (copyFailed) break;
      onProgress?.({
        stage: 'stage',
        objectsDone: objects.length,
        objectsTotal: objects.length,
        records: loaded,
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
  result.recordsRead = result.recordsStaged + result.recordsRejected;
  result.files = [...byKey.values()].map(({ object, lines, errors }): FileOutcome => {
    // Song objects hold one record; an NDJSON log holds one per line (STL_LOAD_COMMITS counts lines).
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
  return result;
}
