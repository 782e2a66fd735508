import { z } from 'zod';
import { numberLiteral, quoteIdentifier as q } from '../sql-quote.js';
import { commonFields, defineCheck, identifier } from './check-definition.js';
import { countWhere } from './predicate-shape.js';

/** `match_rate`: at least the share `min` (0..1) of the rows have `column` set; a warning by default. */
export const matchRate = defineCheck({
  schema: z.strictObject({
    type: z.literal('match_rate'),
    table: identifier,
    column: identifier,
    /** The lowest acceptable share (0..1) of rows with `column` set. */
    min: z.number().min(0).max(1),
    ...commonFields,
  }),
  defaultName: (spec) => `match_rate_${spec.table}_${spec.column}`,
  shape(spec) {
    const matched = countWhere(`${q(spec.column)} IS NOT NULL`);
    const min = numberLiteral(spec.min);
    return {
      table: spec.table,
      description: `at least ${spec.min * 100}% of ${spec.table} rows have ${spec.column}`,
      sql:
        `SELECT matched, total, CAST(matched AS DOUBLE PRECISION) / total AS match_rate FROM ` +
        `(SELECT ${matched} AS matched, COUNT(*) AS total FROM ${q(spec.table)}) AS counted ` +
        `WHERE total > 0 AND matched < ${min} * total`,
      keyColumns: ['matched', 'total', 'match_rate'],
      countExpression: `CASE WHEN COUNT(*) > 0 AND ${matched} < ${min} * COUNT(*) THEN 1 ELSE 0 END`,
      measure: {
        label: 'match rate',
        expression: `CAST(${matched} AS DOUBLE PRECISION) / NULLIF(COUNT(*), 0)`,
      },
      defaultSeverity: 'warn',
    };
  },
});
