import { catalog } from '@sparkify/schema';
import { quoteIdentifier as q } from '../sql-quote.js';
import type { CheckShape } from './check-definition.js';

/** An aggregate counting the rows that match a predicate, for a table's shared scan. */
export const countWhere = (predicate: string): string => `SUM(CASE WHEN ${predicate} THEN 1 ELSE 0 END)`;

/** The primary-key columns the catalog knows for a table, to say which row failed; none for other tables. */
function sampleKeyOf(table: string, tested: readonly string[]): string[] {
  const primaryKey = catalog.find((candidate) => candidate.name === table)?.primaryKey ?? [];
  return [...primaryKey.filter((column) => !tested.includes(column)), ...tested];
}

/** The shape of a check on one table whose failing rows are the rows matching `predicate`. */
export function predicateShape(
  table: string,
  predicate: string,
  tested: string[],
  description: string,
): CheckShape {
  const keyColumns = sampleKeyOf(table, tested);
  return {
    table,
    description,
    sql: `SELECT ${keyColumns.map(q).join(', ')} FROM ${q(table)} WHERE ${predicate}`,
    keyColumns,
    countExpression: countWhere(predicate),
  };
}
