// The load ledger's rows as node-postgres reads them (migrations 0003, 0007, 0008), for tests that read the
// ledger: `db.knex<EtlRunRow>('etl_runs')`. node-postgres gives BIGINT as text (it may not fit a number),
// TIMESTAMP as a Date, and NULL as null.

/** One row of etl_runs: a load. */
export interface EtlRunRow {
  run_id: string;
  status: string;
  target: string;
  source: string;
  full_refresh: boolean;
  started_at: Date;
  finished_at: Date | null;
  files_planned: number | null;
  files_skipped: number | null;
  records_read: string | null;
  records_staged: string | null;
  records_rejected: string | null;
  nextsong_staged: string | null;
  nextsong_new: string | null;
  nextsong_unchanged: string | null;
  nextsong_replaced: string | null;
  nextsong_conflicting: string | null;
  songplays_added: string | null;
  users_written: string | null;
  songs_added: string | null;
  artists_written: string | null;
  time_added: string | null;
  list_seconds: number | null;
  stage_seconds: number | null;
  transform_seconds: number | null;
  error_code: string | null;
  error_message: string | null;
  holder: string | null;
}

/** One row of etl_files: an object a run read. */
export interface EtlFileRow {
  run_id: string;
  dataset: string;
  object_key: string;
  etag: string;
  size_bytes: string;
  records_read: string;
  records_staged: string;
  records_rejected: string;
}

/** One row of etl_rejects: a quarantined record. */
export interface EtlRejectRow {
  run_id: string;
  dataset: string;
  object_key: string;
  line_number: number;
  field: string | null;
  reason: string;
  raw_record: string | null;
}

/** The one row of etl_lock: who holds the load lock (all null when free). */
export interface EtlLockRow {
  lock_id: number;
  holder: string | null;
  host: string | null;
  pid: number | null;
  run_id: string | null;
  acquired_at: Date | null;
  boot_id: string | null;
  pid_namespace: string | null;
  start_ticks: string | null;
  heartbeat_at: Date | null;
}
