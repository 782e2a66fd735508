import type { Knex } from 'knex';
import { plainRow } from './plain-row.js';

/** One `sparkify check` run (check_runs). */
export interface CheckRunSummary {
  checkRunId: number;
  startedAt: string;
  loadRunId: number | null;
  status: string;
  passed: number;
  warned: number;
  failed: number;
}

/** One check's outcome in one run (check_results). */
export interface CheckOutcome {
  checkRunId: number;
  name: string;
  type: string;
  table: string | null;
  severity: string;
  status: string;
  failingRows: number;
}

/** The last check runs (oldest first) and every result of them: the latest results and each check's history. */
export interface CheckHistory {
  runs: CheckRunSummary[];
  results: CheckOutcome[];
}

/** The last `runs` check runs, oldest first, with their results. */
export async function checkHistory(knex: Knex, options: { runs?: number } = {}): Promise<CheckHistory> {
  const runRows = (await knex('check_runs')
    .select(
      'check_run_id',
      'started_at',
      'load_run_id',
      'status',
      'checks_passed',
      'checks_warned',
      'checks_failed',
    )
    .orderBy('check_run_id', 'desc')
    .limit(options.runs ?? 20)) as Record<string, unknown>[];
  const runs = runRows.reverse().map((raw) => {
    const row = plainRow(raw, []);
    return {
      checkRunId: Number(row['check_run_id']),
      startedAt: String(row['started_at']),
      loadRunId: row['load_run_id'] === null ? null : Number(row['load_run_id']),
      status: String(row['status']),
      passed: Number(row['checks_passed'] ?? 0),
      warned: Number(row['checks_warned'] ?? 0),
      failed: Number(row['checks_failed'] ?? 0),
    };
  });
  if (runs.length === 0) return { runs, results: [] };
  const resultRows = (await knex('check_results')
    .select('check_run_id', 'check_name', 'check_type', 'table_name', 'severity', 'status', 'failing_rows')
    .where('check_run_id', '>=', (runs[0] as CheckRunSummary).checkRunId)
    .orderBy(['check_run_id', 'check_name'])) as Record<string, unknown>[];
  return {
    runs,
    results: resultRows.map((row) => ({
      checkRunId: Number(row['check_run_id']),
      name: String(row['check_name']),
      type: String(row['check_type']),
      table: row['table_name'] === null ? null : String(row['table_name']),
      severity: String(row['severity']),
      status: String(row['status']),
      failingRows: Number(row['failing_rows']),
    })),
  };
}
