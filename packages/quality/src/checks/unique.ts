import { z } from 'zod';
import { quoteIdentifier as q } from '../sql-quote.js';
import { commonFields, defineCheck, identifier } from './check-definition.js';

/** `unique`: no two rows share `columns` (rows with a NULL among them are not compared); one row per key. */
export const unique = defineCheck({
  schema: z.strictObject({
    type: z.literal('unique'),
    table: identifier,
    columns: z.array(identifier).min(1),
    ...commonFields,
  }),
  defaultName: (spec) => `unique_${spec.table}_${spec.columns.join('_')}`,
  shape(spec) {
    const columns = spec.columns.map(q).join(', ');
    const present = spec.columns.map((column) => `${q(column)} IS NOT NULL`).join(' AND ');
    return {
      table: spec.table,
      description: `no two ${spec.table} rows share (${spec.columns.join(', ')})`,
      sql: `SELECT ${columns}, COUNT(*) AS copies FROM ${q(spec.table)} WHERE ${present} GROUP BY ${columns} HAVING COUNT(*) > 1`,
      keyColumns: [...spec.columns, 'copies'],
    };
  },
});
