import type { Check } from './check.js';
import { numberLiteral, quoteIdentifier } from './sql-quote.js';

/** One pass over a table that counts the failing rows of several checks at once (and their measures). */
export interface TableScan {
  table: string;
  sql: string;
  /** For each check: the result column holding its failing-row count, and its measure's column. */
  checks: { check: Check; countColumn: string; measureColumn?: string }[];
}

/** The queries a check run sends, before any sampling. */
export interface CheckQueryPlan {
  scans: TableScan[];
  /** Checks counted on their own: `SELECT COUNT(*) FROM (<failing rows>)`. */
  counts: { check: Check; sql: string }[];
  /** Checks judged in TypeScript: their query returns the figures to judge (a handful of rows), sent as is. */
  judged: { check: Check; sql: string }[];
}

/**
 * Groups checks so that each table is scanned as few times as possible: every check with a count expression
 * on the same table shares one `SELECT agg1, agg2, ... FROM table`; the others are counted one by one, and
 * judged checks send their own query.
 */
export function planCheckQueries(checks: readonly Check[]): CheckQueryPlan {
  const byTable = new Map<string, Check[]>();
  const counts: CheckQueryPlan['counts'] = [];
  const judged: CheckQueryPlan['judged'] = [];
  for (const check of checks) {
    if (check.judge) {
      judged.push({ check, sql: check.sql });
    } else if (check.countExpression && check.table) {
      byTable.set(check.table, [...(byTable.get(check.table) ?? []), check]);
    } else {
      counts.push({ check, sql: countSql(check) });
    }
  }
  const scans = [...byTable].map(([table, tableChecks]): TableScan => {
    const columns: string[] = [];
    const scanChecks = tableChecks.map((check, index) => {
      const countColumn = `failing_${index}`;
      columns.push(`${check.countExpression} AS ${countColumn}`);
      if (!check.measure) return { check, countColumn };
      const measureColumn = `measure_${index}`;
      columns.push(`${check.measure.expression} AS ${measureColumn}`);
      return { check, countColumn, measureColumn };
    });
    return {
      table,
      sql: `SELECT ${columns.join(',\n       ')}\nFROM ${quoteIdentifier(table)}`,
      checks: scanChecks,
    };
  });
  return { scans, counts, judged };
}

/** Counts a check's failing rows on its own. */
export function countSql(check: Check): string {
  return `SELECT COUNT(*) AS failing_rows FROM (${check.sql}) AS failing`;
}

/** The first `limit` failing rows, in key order so that samples are stable from run to run. */
export function sampleSql(check: Check, limit: number): string {
  const order =
    check.keyColumns.length > 0 ? ` ORDER BY ${check.keyColumns.map(quoteIdentifier).join(', ')}` : '';
  return `SELECT * FROM (${check.sql}) AS failing${order} LIMIT ${numberLiteral(limit)}`;
}
