import type { Knex } from 'knex';
import { AnalyticsError } from './errors.js';
import type { Value } from './run-questions.js';
import { plainRow, secondsBetween } from './plain-row.js';

/** One load as `sparkify runs` lists it (from etl_runs). Times are UTC `yyyy-mm-dd hh:mm:ss`. */
export interface RunSummary {
  runId: number;
  status: string;
  startedAt: string;
  finishedAt: string | null;
  target: string;
  source: string;
  fullRefresh: boolean;
  /** Objects the run planned to read (new or changed). */
  objects: number | null;
  objectsSkipped: number | null;
  records: number | null;
  rejects: number | null;
  songplaysAdded: number | null;
  /** Wall-clock seconds from start to finish (null while running). */
  seconds: number | null;
  errorCode: string | null;
  errorMessage: string | null;
}

/** One object a run read (etl_files). */
export interface RunFile {
  dataset: string;
  objectKey: string;
  etag: string;
  sizeBytes: number;
  recordsRead: number;
  recordsStaged: number;
  recordsRejected: number;
}

/** One quarantined record (etl_rejects). */
export interface RunReject {
  dataset: string;
  objectKey: string;
  lineNumber: number;
  field: string | null;
  reason: string;
  rawRecord: string | null;
}

/** `sparkify runs show <id>`: one run, its files, and its rejects (the first `rejectLimit`). */
export interface RunDetail {
  run: RunSummary;
  files: RunFile[];
  rejects: RunReject[];
  rejectCount: number;
}

const runNumbers = [
  'run_id',
  'files_planned',
  'files_skipped',
  'records_read',
  'records_rejected',
  'songplays_added',
];

const text = (value: Value | undefined): string | null =>
  value === null || value === undefined ? null : String(value);
const count = (value: Value | undefined): number | null =>
  value === null || value === undefined ? null : Number(value);

function runSummary(raw: Record<string, unknown>): RunSummary {
  const row = plainRow(raw, runNumbers);
  return {
    runId: Number(row['run_id']),
    status: String(row['status']),
    startedAt: String(row['started_at']),
    finishedAt: text(row['finished_at']),
    target: String(row['target']),
    source: String(row['source']),
    fullRefresh: row['full_refresh'] === true,
    objects: count(row['files_planned']),
    objectsSkipped: count(row['files_skipped']),
    records: count(row['records_read']),
    rejects: count(row['records_rejected']),
    songplaysAdded: count(row['songplays_added']),
    // From the timestamps as read (milliseconds kept), not from their second-precision text.
    seconds:
      raw['started_at'] instanceof Date && raw['finished_at'] instanceof Date
        ? (raw['finished_at'].getTime() - raw['started_at'].getTime()) / 1000
        : secondsBetween(row['started_at'] ?? null, row['finished_at'] ?? null),
    errorCode: text(row['error_code']),
    errorMessage: text(row['error_message']),
  };
}

const runColumns = [
  'run_id',
  'status',
  'started_at',
  'finished_at',
  'target',
  'source',
  'full_refresh',
  'files_planned',
  'files_skipped',
  'records_read',
  'records_rejected',
  'songplays_added',
  'error_code',
  'error_message',
];

/** The last `limit` loads, newest first. */
export async function listRuns(knex: Knex, options: { limit?: number } = {}): Promise<RunSummary[]> {
  const rows = (await knex('etl_runs')
    .select(runColumns)
    .orderBy('run_id', 'desc')
    .limit(options.limit ?? 20)) as Record<string, unknown>[];
  return rows.map(runSummary);
}

/** One run with its files and rejects; throws RUN_UNKNOWN when the ledger has no such run. */
export async function showRun(
  knex: Knex,
  runId: number,
  options: { rejectLimit?: number } = {},
): Promise<RunDetail> {
  const [run] = (await knex('etl_runs').select(runColumns).where({ run_id: runId })) as Record<
    string,
    unknown
  >[];
  if (!run) {
    const [latest] = await knex('etl_runs').max<{ run_id: unknown }[]>({ run_id: 'run_id' });
    throw new AnalyticsError(
      'RUN_UNKNOWN',
      `no load run ${runId} in etl_runs${latest?.run_id ? ` (the latest is ${String(latest.run_id)}; sparkify runs lists them)` : ' (no load has run yet)'}`,
    );
  }
  const files = (await knex('etl_files')
    .select(
      'dataset',
      'object_key',
      'etag',
      'size_bytes',
      'records_read',
      'records_staged',
      'records_rejected',
    )
    .where({ run_id: runId })
    .orderBy('object_key')) as Record<string, unknown>[];
  const rejects = (await knex('etl_rejects')
    .select('dataset', 'object_key', 'line_number', 'field', 'reason', 'raw_record')
    .where({ run_id: runId })
    .orderBy(['object_key', 'line_number'])
    .limit(options.rejectLimit ?? 100)) as Record<string, unknown>[];
  const [rejectTotal] = await knex('etl_rejects')
    .where({ run_id: runId })
    .count<{ n: unknown }[]>({ n: '*' });
  return {
    run: runSummary(run),
    files: files.map((file) => ({
      dataset: String(file['dataset']),
      objectKey: String(file['object_key']),
      etag: String(file['etag']),
      sizeBytes: Number(file['size_bytes']),
      recordsRead: Number(file['records_read']),
      recordsStaged: Number(file['records_staged']),
      recordsRejected: Number(file['records_rejected']),
    })),
    rejects: rejects.map((reject) => ({
      dataset: String(reject['dataset']),
      objectKey: String(reject['object_key']),
      lineNumber: Number(reject['line_number']),
      field: reject['field'] === null ? null : String(reject['field']),
      reason: String(reject['reason']),
      rawRecord: reject['raw_record'] === null ? null : String(reject['raw_record']),
    })),
    rejectCount: Number(rejectTotal?.n ?? 0),
  };
}
