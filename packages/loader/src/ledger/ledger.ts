import type { Knex } from 'knex';
import type { Dataset } from '../dataset.js';
import { versionKey } from '../plan-load.js';
import type { RecordProblem } from '../records/object-reader.js';
import { sqlTimestamp } from './sql-timestamp.js';
import { storableOrNull, storableText } from './storable-text.js';

/** One object's outcome, as recorded in etl_files. */
export interface FileOutcome {
  dataset: Dataset;
  key: string;
  etag: string;
  size: number;
  read: number;
  staged: number;
  rejected: number;
}

/** A rejected record with the object it came from. */
export interface Reject extends RecordProblem {
  dataset: Dataset;
  key: string;
}

/** The counts written on etl_runs when a run ends. */
export interface RunTotals {
  filesPlanned?: number;
  filesSkipped?: number;
  recordsRead?: number;
  recordsStaged?: number;
  recordsRejected?: number;
  nextsongStaged?: number;
  nextsongNew?: number;
  nextsongUnchanged?: number;
  nextsongReplaced?: number;
  nextsongConflicting?: number;
  songplaysAdded?: number;
  usersWritten?: number;
  songsAdded?: number;
  artistsWritten?: number;
  timeAdded?: number;
  listSeconds?: number;
  stageSeconds?: number;
  transformSeconds?: number;
}

const ROW_BATCH = 500;
const RAW_BYTES = 60_000;
const MAX_STORED_REJECTS = 10_000;

/** Opens a run (status 'running') and returns its id, read back through the holder token: no RETURNING on Redshift. */
export async function startRun(
  knex: Knex,
  run: { target: string; source: string; fullRefresh: boolean; holder: string; startedAt: Date },
): Promise<number> {
  await knex('etl_runs').insert({
    status: 'running',
    target: run.target,
    source: storableText(run.source, 2048),
    full_refresh: run.fullRefresh,
    started_at: sqlTimestamp(run.startedAt),
    holder: run.holder,
  });
  const row = await knex('etl_runs')
    .where({ holder: run.holder, status: 'running' })
    .max({ id: 'run_id' })
    .first();
  return Number(row?.id);
}

function totalsColumns(totals: RunTotals): Record<string, number | undefined> {
  return {
    files_planned: totals.filesPlanned,
    files_skipped: totals.filesSkipped,
    records_read: totals.recordsRead,
    records_staged: totals.recordsStaged,
    records_rejected: totals.recordsRejected,
    nextsong_staged: totals.nextsongStaged,
    nextsong_new: totals.nextsongNew,
    nextsong_unchanged: totals.nextsongUnchanged,
    nextsong_replaced: totals.nextsongReplaced,
    nextsong_conflicting: totals.nextsongConflicting,
    songplays_added: totals.songplaysAdded,
    users_written: totals.usersWritten,
    songs_added: totals.songsAdded,
    artists_written: totals.artistsWritten,
    time_added: totals.timeAdded,
    list_seconds: totals.listSeconds,
    stage_seconds: totals.stageSeconds,
    transform_seconds: totals.transformSeconds,
  };
}

/** Closes a run as succeeded or failed, with its totals and (on failure) the error. */
export async function finishRun(
  knex: Knex,
  runId: number,
  outcome: {
    status: 'succeeded' | 'failed';
    finishedAt: Date;
    totals: RunTotals;
    errorCode?: string;
    errorMessage?: string;
  },
): Promise<void> {
  await knex('etl_runs')
    .where({ run_id: runId })
    .update({
      status: outcome.status,
      finished_at: sqlTimestamp(outcome.finishedAt),
      error_code: storableOrNull(outcome.errorCode, 64),
      error_message: storableOrNull(outcome.errorMessage, 4096),
      ...totalsColumns(outcome.totals),
    });
}

/** Marks runs left 'running' by a holder that died as failed, so the ledger tells what happened. */
export async function abandonRuns(knex: Knex, holder: string, finishedAt: Date): Promise<number> {
  return knex('etl_runs')
    .where({ holder, status: 'running' })
    .update({
      status: 'failed',
      finished_at: sqlTimestamp(finishedAt),
      error_code: 'ABANDONED',
      error_message: 'the loading process died before finishing (its lock was recovered)',
    });
}

/** Every object version a successful load has read (key + ETag), for the incremental plan. */
export async function loadedVersions(knex: Knex): Promise<Set<string>> {
  const rows: { object_key: string; etag: string }[] = await knex('etl_files')
    .join('etl_runs', 'etl_runs.run_id', 'etl_files.run_id')
    .where('etl_runs.status', 'succeeded')
    .distinct('etl_files.object_key', 'etl_files.etag');
  return new Set(rows.map((row) => versionKey(row.object_key, row.etag)));
}

/** Inserts rows a few hundred at a time: one statement per row is slow, one for 250,000 rows too large. */
async function insertInBatches<T>(
  knex: Knex,
  table: string,
  items: readonly T[],
  toRow: (item: T) => object,
) {
  for (let start = 0; start < items.length; start += ROW_BATCH) {
    await knex(table).insert(items.slice(start, start + ROW_BATCH).map(toRow));
  }
}

/** Records the files of a run (inside the transform transaction). */
export async function recordFiles(knex: Knex, runId: number, files: readonly FileOutcome[]): Promise<void> {
  await insertInBatches(knex, 'etl_files', files, (file) => ({
    run_id: runId,
    dataset: file.dataset,
    object_key: file.key,
    etag: file.etag,
    size_bytes: file.size,
    records_read: file.read,
    records_staged: file.staged,
    records_rejected: file.rejected,
  }));
}

/** Records rejected records with their raw text (capped), so nothing is lost silently. */
export async function recordRejects(knex: Knex, runId: number, rejects: readonly Reject[]): Promise<void> {
  await insertInBatches(knex, 'etl_rejects', rejects.slice(0, MAX_STORED_REJECTS), (reject) => ({
    run_id: runId,
    dataset: reject.dataset,
    object_key: storableText(reject.key, 2048),
    line_number: reject.line,
    field: storableOrNull(reject.field, 512),
    reason: storableText(reject.reason, 1024),
    raw_record: storableText(reject.raw, RAW_BYTES),
  }));
}
