import { z } from 'zod';
import { quoteIdentifier as q } from '../sql-quote.js';
import { commonFields, defineCheck, identifier } from './check-definition.js';

/** `relationships`: every `table.column` that is set exists in `to.field` (orphans fail). */
export const relationships = defineCheck({
  schema: z.strictObject({
    type: z.literal('relationships'),
    table: identifier,
    column: identifier,
    to: identifier,
    field: identifier,
    ...commonFields,
  }),
  defaultName: (spec) => `orphans_${spec.table}_${spec.column}`,
  // One failing row per missing parent key (with how many rows point at it), not per child row: the sample
  // then names distinct keys, and a million songplays of one deleted user stay one line.
  shape: (spec) => ({
    table: spec.table,
    description: `every ${spec.table}.${spec.column} exists in ${spec.to}.${spec.field}`,
    sql:
      `SELECT child.${q(spec.column)}, COUNT(*) AS referencing_rows FROM ${q(spec.table)} AS child ` +
      `LEFT JOIN ${q(spec.to)} AS parent ON parent.${q(spec.field)} = child.${q(spec.column)} ` +
      `WHERE child.${q(spec.column)} IS NOT NULL AND parent.${q(spec.field)} IS NULL GROUP BY child.${q(spec.column)}`,
    keyColumns: [spec.column, 'referencing_rows'],
  }),
});
