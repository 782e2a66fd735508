import { z } from 'zod';
import { checkNameSchema, commonFields, defineCheck, identifier } from './check-definition.js';

/** `sql`: your own query returning the failing rows; it needs a name, and is counted on its own. */
export const sql = defineCheck({
  schema: z.strictObject({
    type: z.literal('sql'),
    name: checkNameSchema,
    /** A query returning the failing rows. */
    sql: z.string().min(1),
    table: identifier.optional(),
    keyColumns: z.array(identifier).optional(),
    description: commonFields.description,
    severity: commonFields.severity,
    warnAbove: commonFields.warnAbove,
    errorAbove: commonFields.errorAbove,
  }),
  defaultName: (spec) => spec.name,
  shape: (spec) => ({
    table: spec.table ?? null,
    description: spec.description ?? 'custom query returning failing rows',
    sql: spec.sql.trim().replace(/;\s*$/, ''),
    keyColumns: spec.keyColumns ?? [],
  }),
});
