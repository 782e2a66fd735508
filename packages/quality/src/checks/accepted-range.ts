import { z } from 'zod';
import { numberLiteral, quoteIdentifier as q } from '../sql-quote.js';
import { boundsProblems, commonFields, defineCheck, identifier } from './check-definition.js';
import { predicateShape } from './predicate-shape.js';

/** `accepted_range`: `column` is NULL or within [`min`, `max`] (either bound may be left out, not both). */
export const acceptedRange = defineCheck({
  schema: z.strictObject({
    type: z.literal('accepted_range'),
    table: identifier,
    column: identifier,
    min: z.number().optional(),
    max: z.number().optional(),
    ...commonFields,
  }),
  defaultName: (spec) => `accepted_range_${spec.table}_${spec.column}`,
  shape(spec) {
    const outside = [
      ...(spec.min === undefined ? [] : [`${q(spec.column)} < ${numberLiteral(spec.min)}`]),
      ...(spec.max === undefined ? [] : [`${q(spec.column)} > ${numberLiteral(spec.max)}`]),
    ];
    return predicateShape(
      spec.table,
      outside.length > 1 ? `(${outside.join(' OR ')})` : (outside[0] ?? '1 = 0'),
      [spec.column],
      `${spec.table}.${spec.column} within [${spec.min ?? '-inf'}, ${spec.max ?? 'inf'}] or NULL`,
    );
  },
  problems: (spec) => [
    ...boundsProblems(spec.min, spec.max),
    ...(spec.min === undefined && spec.max === undefined ? ['accepted_range needs min, max or both'] : []),
  ],
});
