import type { CheckType } from './check-registry.js';
import type { CheckJudge } from './checks/check-definition.js';

/** What a check may do when its failing rows pass a threshold: `error` fails the run, `warn` only reports. */
export type Severity = 'error' | 'warn';

/**
 * Failing-row counts a check tolerates: more than `warnAbove` (default 0) warns, more than `errorAbove`
 * (default 0) fails when the severity is `error`. A `warn` check never fails the run.
 */
export interface Thresholds {
  warnAbove?: number;
  errorAbove?: number;
}

/** A check as data: SQL that returns the failing rows, and how to judge their number. */
export interface Check {
  name: string;
  type: CheckType;
  /** The table the check reads (its main one); null for a custom query. */
  table: string | null;
  description: string;
  severity: Severity;
  thresholds: Thresholds;
  /** SQL returning the failing rows, key columns first; the runner counts them and samples the first few. */
  sql: string;
  /** Columns of `sql` that say which row failed; the sample is ordered by them. */
  keyColumns: string[];
  /**
   * An aggregate over `table` equal to the number of rows `sql` returns, so that the runner can count every
   * such check on one table in a single scan instead of one query each.
   */
  countExpression?: string;
  /** A figure worth reporting even when the check passes (row count, match rate): an aggregate over `table`. */
  measure?: { label: string; expression: string };
  /**
   * Set for checks judged in TypeScript (freshness, volume, null rates): `sql` returns the figures to judge, the
   * runner passes its rows to this, and thresholds do not apply. A warn-severity check can still at worst warn.
   */
  judge?: CheckJudge;
}
