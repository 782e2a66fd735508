import { z } from 'zod';
import { quoteIdentifier as q } from '../sql-quote.js';
import { commonFields, defineCheck, identifier } from './check-definition.js';
import { predicateShape } from './predicate-shape.js';

/** `not_null`: no row has any of `columns` NULL (only rows matching `where`, when given). */
export const notNull = defineCheck({
  schema: z.strictObject({
    type: z.literal('not_null'),
    table: identifier,
    columns: z.array(identifier).min(1),
    /** Only rows matching this SQL condition must have the columns set (e.g. `song_id IS NOT NULL`). */
    where: z.string().min(1).optional(),
    ...commonFields,
  }),
  defaultName: (spec) => `not_null_${spec.table}_${spec.columns.join('_')}${spec.where ? '_where' : ''}`,
  shape(spec) {
    const anyNull = spec.columns.map((column) => `${q(column)} IS NULL`).join(' OR ');
    const predicate = spec.where ? `(${spec.where}) AND (${anyNull})` : anyNull;
    const when = spec.where ? ` when ${spec.where}` : '';
    return predicateShape(
      spec.table,
      predicate,
      spec.columns,
      `${spec.table}.${spec.columns.join(', ')} never NULL${when}`,
    );
  },
});
