import { z } from 'zod';
import { numberLiteral, quoteIdentifier as q } from '../sql-quote.js';
import { boundsProblems, commonFields, defineCheck, identifier } from './check-definition.js';

/** `row_count`: the table holds at least `min` (default 1) and at most `max` rows; one failing row if not. */
export const rowCount = defineCheck({
  schema: z.strictObject({
    type: z.literal('row_count'),
    table: identifier,
    min: z.number().int().min(0).optional(),
    max: z.number().int().min(0).optional(),
    ...commonFields,
  }),
  defaultName: (spec) => `row_count_${spec.table}`,
  shape(spec) {
    const min = spec.min ?? 1;
    const tooFew = `COUNT(*) < ${numberLiteral(min)}`;
    const bounds = spec.max === undefined ? tooFew : `${tooFew} OR COUNT(*) > ${numberLiteral(spec.max)}`;
    const outside =
      spec.max === undefined
        ? `row_count < ${numberLiteral(min)}`
        : `row_count < ${numberLiteral(min)} OR row_count > ${numberLiteral(spec.max)}`;
    return {
      table: spec.table,
      description: `${spec.table} holds at least ${min}${spec.max === undefined ? '' : ` and at most ${spec.max}`} rows`,
      sql: `SELECT row_count FROM (SELECT COUNT(*) AS row_count FROM ${q(spec.table)}) AS counted WHERE ${outside}`,
      keyColumns: ['row_count'],
      countExpression: `CASE WHEN ${bounds} THEN 1 ELSE 0 END`,
      measure: { label: 'rows', expression: 'COUNT(*)' },
    };
  },
  problems: (spec) => boundsProblems(spec.min, spec.max),
});
