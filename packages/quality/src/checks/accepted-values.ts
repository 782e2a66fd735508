import { z } from 'zod';
import { quoteIdentifier as q, quoteLiteral } from '../sql-quote.js';
import { commonFields, defineCheck, identifier } from './check-definition.js';
import { predicateShape } from './predicate-shape.js';

/** `accepted_values`: `column` is NULL or one of `values`. */
export const acceptedValues = defineCheck({
  schema: z.strictObject({
    type: z.literal('accepted_values'),
    table: identifier,
    column: identifier,
    values: z.array(z.string()).min(1),
    ...commonFields,
  }),
  defaultName: (spec) => `accepted_values_${spec.table}_${spec.column}`,
  shape: (spec) =>
    predicateShape(
      spec.table,
      `${q(spec.column)} IS NOT NULL AND ${q(spec.column)} NOT IN (${spec.values.map(quoteLiteral).join(', ')})`,
      [spec.column],
      `${spec.table}.${spec.column} in (${spec.values.join(', ')}) or NULL`,
    ),
});
