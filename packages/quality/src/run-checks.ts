import type { Knex } from 'knex';
import type { Check } from './check.js';
import type { CheckReport, CheckResult } from './check-report.js';
import type { Judgement } from './checks/check-definition.js';
import { QualityError } from './errors.js';
import { wallClockText } from './wall-clock-text.js';
import { evaluateStatus, worstStatus } from './evaluate-status.js';
import { countSql, planCheckQueries, sampleSql } from './plan-check-queries.js';

export interface RunChecksOptions {
  /** How many failing rows each result keeps (default 10). */
  sampleSize?: number;
  /**
   * How many queries run at once (default 4): the counting queries are independent, and a warehouse answers
   * several faster than one after another.
   */
  concurrency?: number;
  /** The clock, for tests. */
  now?: () => Date;
  /**
   * The reference time freshness is judged against (default: the clock when the run starts): for a warehouse
   * loaded with historical data, the time its data should be current for (`sparkify check --as-of`).
   */
  asOf?: Date;
  /**
   * Settings each check query runs with, inside its own transaction (`set_config(name, value, true)`, as SET
   * LOCAL): nothing outlives the query on the pooled session. See `postgresCheckSettings`.
   */
  sessionSettings?: Readonly<Record<string, string>>;
}

/**
 * What a PostgreSQL warehouse runs checks with: room for the hash joins and aggregates over every play (the
 * reconciliation and uniqueness checks), which with the server's default 4 MB sort to disk and merge instead
 * (M's suite: 5.3 s with the default, 3.4 s with this). Redshift has no such setting; its queries get none.
 */
export const postgresCheckSettings: Readonly<Record<string, string>> = { work_mem: '64MB' };

type Row = Record<string, unknown>;
interface Counted {
  failingRows: number;
  measure?: number | null;
  durationMs: number;
}
interface CountError {
  error: string;
  durationMs: number;
}
interface Judged {
  judgement: Judgement;
  durationMs: number;
}

/** Runs tasks with at most `limit` in flight. */
async function runConcurrently(tasks: readonly (() => Promise<void>)[], limit: number): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < tasks.length) {
      const task = tasks[next];
      next += 1;
      await task?.();
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, tasks.length) }, worker));
}

/** pg returns COUNT/SUM as strings (BIGINT / NUMERIC); an aggregate over no rows is NULL. */
function toNumber(value: unknown): number | null {
  if (value === null || value === undefined) return null;
  const number = Number(value);
  return Number.isFinite(number) ? number : null;
}

async function rows(
  knex: Knex,
  sql: string,
  settings: Readonly<Record<string, string>> = {},
): Promise<Row[]> {
  // knex's pg client turns every bare ? into a $n placeholder, even with no bindings; escaped, it stays a ?.
  const query = async (session: Knex) =>
    (await session.raw<{ rows: Row[] }>(sql.replaceAll('?', '\\?'))).rows;
  const entries = Object.entries(settings);
  if (entries.length === 0) return query(knex);
  return knex.transaction(async (trx) => {
    for (const [name, value] of entries) await trx.raw('SELECT set_config(?, ?, true)', [name, value]);
    return query(trx);
  });
}

/** Sample rows as plain JSON-friendly values: timestamps as the text the database holds. */
function plainRow(row: Row): Row {
  return Object.fromEntries(
    Object.entries(row).map(([key, value]) => [key, value instanceof Date ? wallClockText(value) : value]),
  );
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * Runs checks against the warehouse and judges them; never prints. Each table's count expressions share one
 * scan, the rest are counted one by one, judged checks get their figures' rows, and only checks with failing rows
 * are sampled. A check whose SQL fails
 * gets status `error`; an unreachable database throws a QualityError (CONNECTION_FAILED).
 */
export async function runChecks(
  knex: Knex,
  checks: readonly Check[],
  options: RunChecksOptions = {},
): Promise<CheckReport> {
  const sampleSize = options.sampleSize ?? 10;
  const now = options.now ?? (() => new Date());
  const startedAt = now();
  const began = performance.now();
  try {
    await knex.raw('SELECT 1');
  } catch (error) {
    throw new QualityError('CONNECTION_FAILED', `cannot reach the warehouse: ${messageOf(error)}`, {
      cause: error,
    });
  }

  const reference = options.asOf ?? startedAt;
  const read = (sql: string) => rows(knex, sql, options.sessionSettings);
  const counted = new Map<string, Counted | CountError | Judged>();
  const plan = planCheckQueries(checks);
  const concurrency = Math.max(1, options.concurrency ?? 4);
  const countTasks: (() => Promise<void>)[] = [
    ...plan.scans.map((scan) => async () => {
      const scanBegan = performance.now();
      try {
        const [row = {}] = await read(scan.sql);
        const durationMs = Math.round(performance.now() - scanBegan);
        for (const { check, countColumn, measureColumn } of scan.checks) {
          const entry: Counted = { failingRows: toNumber(row[countColumn]) ?? 0, durationMs };
          if (measureColumn) entry.measure = toNumber(row[measureColumn]);
          counted.set(check.name, entry);
        }
      } catch {
        // One broken expression (a custom `where`) must not sink the table's other checks: count them one by one.
        for (const { check } of scan.checks) counted.set(check.name, await countAlone(read, check));
      }
    }),
    ...plan.counts.map(({ check }) => async () => {
      counted.set(check.name, await countAlone(read, check));
    }),
    ...plan.judged.map(({ check, sql }) => async () => {
      const judgeBegan = performance.now();
      try {
        const judgement = check.judge!((await read(sql)).map(plainRow), { now: reference });
        counted.set(check.name, { judgement, durationMs: Math.round(performance.now() - judgeBegan) });
      } catch (error) {
        counted.set(check.name, {
          error: messageOf(error),
          durationMs: Math.round(performance.now() - judgeBegan),
        });
      }
    }),
  ];
  await runConcurrently(countTasks, concurrency);

  const results = checks.map((check): CheckResult => {
    const count = counted.get(check.name) ?? { error: 'not counted', durationMs: 0 };
    const result: CheckResult = {
      name: check.name,
      type: check.type,
      table: check.table,
      description: check.description,
      severity: check.severity,
      status: 'pass',
      failingRows: 0,
      sample: [],
      durationMs: count.durationMs,
    };
    if ('error' in count) {
      result.status = 'error';
      result.error = count.error;
      return result;
    }
    if ('judgement' in count) {
      const { judgement } = count;
      // Like evaluateStatus: a warn-severity check can at worst warn.
      result.status = judgement.status === 'fail' && check.severity === 'warn' ? 'warn' : judgement.status;
      result.failingRows = judgement.failingRows;
      result.message = judgement.message;
      result.sample = (judgement.sample ?? []).slice(0, sampleSize);
      if (judgement.measure) result.measure = judgement.measure;
      return result;
    }
    result.failingRows = count.failingRows;
    result.status = evaluateStatus(count.failingRows, check.severity, check.thresholds);
    if (check.measure && count.measure !== undefined)
      result.measure = { label: check.measure.label, value: count.measure };
    return result;
  });

  // Only checks with failing rows are sampled, so a clean warehouse costs no second pass.
  const sampleTasks = checks.flatMap((check, index) => {
    const result = results[index];
    if (!result || check.judge || result.status === 'error' || result.failingRows === 0) return [];
    return [
      async () => {
        const sampleBegan = performance.now();
        try {
          result.sample = (await read(sampleSql(check, sampleSize))).map(plainRow);
        } catch (error) {
          result.status = 'error';
          result.error = `counted ${result.failingRows} failing rows but could not sample them: ${messageOf(error)}`;
        }
        result.durationMs += Math.round(performance.now() - sampleBegan);
      },
    ];
  });
  await runConcurrently(sampleTasks, concurrency);

  const finishedAt = now();
  return {
    status: worstStatus(results.map((result) => result.status)),
    startedAt,
    finishedAt,
    durationMs: Math.round(performance.now() - began),
    counts: {
      passed: results.filter((result) => result.status === 'pass').length,
      warned: results.filter((result) => result.status === 'warn').length,
      failed: results.filter((result) => result.status === 'fail').length,
      errored: results.filter((result) => result.status === 'error').length,
    },
    results,
  };
}

async function countAlone(
  read: (sql: string) => Promise<Row[]>,
  check: Check,
): Promise<Counted | CountError> {
  const began = performance.now();
  try {
    const [row = {}] = await read(countSql(check));
    return {
      failingRows: toNumber(row['failing_rows']) ?? 0,
      durationMs: Math.round(performance.now() - began),
    };
  } catch (error) {
    return { error: messageOf(error), durationMs: Math.round(performance.now() - began) };
  }
}
