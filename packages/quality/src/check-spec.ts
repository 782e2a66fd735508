import { z } from 'zod';

const identifier = z
  .string()
  .regex(/^[a-z_][a-z0-9_]{0,126}$/, 'a lower-case identifier (letters, digits, _), as Redshift folds case');

export const checkNameSchema = z
  .string()
  .regex(/^[A-Za-z0-9_.:-]{1,128}$/, 'a name of 1-128 letters, digits, _ . : -');

const common = {
  name: checkNameSchema.optional(),
  description: z.string().max(500).optional(),
  severity: z.enum(['error', 'warn']).optional(),
  warnAbove: z.number().int().min(0).optional(),
  errorAbove: z.number().int().min(0).optional(),
};

/** The declarative form of every check type, as written in a checks file (and used for the default suite). */
export const checkSpecSchemas = {
  row_count: z.strictObject({
    type: z.literal('row_count'),
    table: identifier,
    min: z.number().int().min(0).optional(),
    max: z.number().int().min(0).optional(),
    ...common,
  }),
  not_null: z.strictObject({
    type: z.literal('not_null'),
    table: identifier,
    columns: z.array(identifier).min(1),
    /** Only rows matching this SQL condition must have the columns set (e.g. `song_id IS NOT NULL`). */
    where: z.string().min(1).optional(),
    ...common,
  }),
  unique: z.strictObject({
    type: z.literal('unique'),
    table: identifier,
    columns: z.array(identifier).min(1),
    ...common,
  }),
  relationships: z.strictObject({
    type: z.literal('relationships'),
    table: identifier,
    column: identifier,
    to: identifier,
    field: identifier,
    ...common,
  }),
  accepted_values: z.strictObject({
    type: z.literal('accepted_values'),
    table: identifier,
    column: identifier,
    values: z.array(z.string()).min(1),
    ...common,
  }),
  accepted_range: z.strictObject({
    type: z.literal('accepted_range'),
    table: identifier,
    column: identifier,
    min: z.number().optional(),
    max: z.number().optional(),
    ...common,
  }),
  match_rate: z.strictObject({
    type: z.literal('match_rate'),
    table: identifier,
    column: identifier,
    /** The lowest acceptable share (0..1) of rows with `column` set. */
    min: z.number().min(0).max(1),
    ...common,
  }),
  file_accounting: z.strictObject({ type: z.literal('file_accounting'), ...common }),
  nextsong_reconciliation: z.strictObject({ type: z.literal('nextsong_reconciliation'), ...common }),
  sql: z.strictObject({
    type: z.literal('sql'),
    name: checkNameSchema,
    /** A query returning the failing rows. */
    sql: z.string().min(1),
    table: identifier.optional(),
    keyColumns: z.array(identifier).optional(),
    description: common.description,
    severity: common.severity,
    warnAbove: common.warnAbove,
    errorAbove: common.errorAbove,
  }),
} as const;

export type CheckSpec = {
  [K in keyof typeof checkSpecSchemas]: z.infer<(typeof checkSpecSchemas)[K]>;
}[keyof typeof checkSpecSchemas];
