import { randomBytes } from 'node:crypto';
import type { Knex } from 'knex';
import { isSerializationFailure, retrySerializationFailures } from '@sparkify/schema';
import type { CheckReport, CheckResult } from './check-report.js';
import { wallClockText } from './wall-clock-text.js';

/** check_results.sample is VARCHAR(4096), and Redshift counts bytes. */
const SAMPLE_BYTES = 4096;

/** A stored check run, as read back from check_runs and check_results. */
export interface StoredCheckRun {
  checkRunId: number;
  startedAt: Date;
  finishedAt: Date | null;
  loadRunId: number | null;
  status: string;
  checksPassed: number;
  checksWarned: number;
  checksFailed: number;
  results: {
    checkName: string;
    checkType: string;
    tableName: string | null;
    severity: string;
    status: string;
    failingRows: number;
    sample: Record<string, unknown>[];
    durationMs: number | null;
  }[];
}

/** UTC wall-clock text for a TIMESTAMP column: a Date binding would be sent in the session's time zone. */
function timestampText(date: Date): string {
  return date.toISOString().replace('T', ' ').replace('Z', '');
}

/** The sample as JSON that fits the column: whole rows are dropped from the end rather than cutting the text. */
export function sampleText(sample: readonly Record<string, unknown>[]): string | null {
  if (sample.length === 0) return null;
  for (let keep = sample.length; keep > 0; keep -= 1) {
    const text = JSON.stringify(sample.slice(0, keep));
    if (Buffer.byteLength(text, 'utf8') <= SAMPLE_BYTES) return text;
  }
  return '[]';
}

const storedStatus = (result: CheckResult): string => result.status;

/**
 * Stores a check run and its results in one transaction and returns the new check_run_id. Redshift has no
 * RETURNING, so the run row is first written with a random one-off status, read back by it, then given its
 * real status; nobody else sees the token because all of it commits at once.
 */
export async function storeCheckRun(
  knex: Knex,
  report: CheckReport,
  options: { waitMs?: number } = {},
): Promise<number> {
  const token = `t-${randomBytes(6).toString('hex')}`;
  const waitMs = options.waitMs ?? 30_000;
  // A concurrent writer (a load's ledger, another check) can abort this transaction with a serialization
  // failure (Redshift 1023, the norm under SNAPSHOT isolation): it rolled back whole, so it is tried again.
  return retrySerializationFailures(() => storeOnce(knex, report, token), { waitMs }).catch(
    (error: unknown) => {
      if (!isSerializationFailure(error)) throw error;
      throw new Error(
        `busy: a concurrent transaction kept conflicting with storing the results for ${Math.round(waitMs / 1000)} s ` +
          `(${(error as Error).message}); nothing was stored, run the check again`,
        { cause: error },
      );
    },
  );
}

function storeOnce(knex: Knex, report: CheckReport, token: string): Promise<number> {
  return knex.transaction(async (trx) => {
    const [latestLoad] = await trx('etl_runs').max<{ run_id: unknown }[]>({ run_id: 'run_id' });
    await trx('check_runs').insert({
      started_at: timestampText(report.startedAt),
      finished_at: timestampText(report.finishedAt),
      load_run_id: latestLoad?.run_id ?? null,
      status: token,
      checks_passed: report.counts.passed,
      checks_warned: report.counts.warned,
      checks_failed: report.counts.failed + report.counts.errored,
    });
    const [inserted] = (await trx('check_runs').select('check_run_id').where({ status: token })) as {
      check_run_id: unknown;
    }[];
    const checkRunId = Number(inserted?.check_run_id);
    if (report.results.length > 0) {
      await trx('check_results').insert(
        report.results.map((result) => ({
          check_run_id: checkRunId,
          check_name: result.name,
          check_type: result.type,
          table_name: result.table,
          severity: result.severity,
          status: storedStatus(result),
          failing_rows: result.failingRows,
          sample: sampleText(result.sample),
          duration_ms: result.durationMs,
        })),
      );
    }
    await trx('check_runs').update({ status: report.status }).where({ check_run_id: checkRunId });
    return checkRunId;
  });
}

/** The stored UTC wall-clock text back into a Date. */
function utcDate(value: unknown): Date {
  const text = value instanceof Date ? wallClockText(value) : String(value);
  return new Date(`${text.replace(' ', 'T')}Z`);
}

const asNumber = (value: unknown): number | null =>
  value === null || value === undefined ? null : Number(value);

/** Reads a stored check run back (for trends and tests); undefined when the id is unknown. */
export async function readCheckRun(knex: Knex, checkRunId: number): Promise<StoredCheckRun | undefined> {
  const [run] = (await knex('check_runs').select('*').where({ check_run_id: checkRunId })) as Record<
    string,
    unknown
  >[];
  if (!run) return undefined;
  const results = (await knex('check_results')
    .select('*')
    .where({ check_run_id: checkRunId })
    .orderBy('check_name')) as Record<string, unknown>[];
  return {
    checkRunId,
    startedAt: utcDate(run['started_at']),
    finishedAt: run['finished_at'] === null ? null : utcDate(run['finished_at']),
    loadRunId: asNumber(run['load_run_id']),
    status: String(run['status']),
    checksPassed: asNumber(run['checks_passed']) ?? 0,
    checksWarned: asNumber(run['checks_warned']) ?? 0,
    checksFailed: asNumber(run['checks_failed']) ?? 0,
    results: results.map((row) => ({
      checkName: String(row['check_name']),
      checkType: String(row['check_type']),
      tableName: row['table_name'] === null ? null : String(row['table_name']),
      severity: String(row['severity']),
      status: String(row['status']),
      failingRows: Number(row['failing_rows']),
      sample: row['sample'] === null ? [] : (JSON.parse(String(row['sample'])) as Record<string, unknown>[]),
      durationMs: asNumber(row['duration_ms']),
    })),
  };
}
