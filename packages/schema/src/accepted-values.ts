/**
 * The values a field may take, declared once for the loader's JSON Schema and the checks (a test holds the schema
 * file to it). An `enforced` field's other values are bad records at load time, named by field, so a `level` of
 * "PAID" never lands in the star to fail a check later. Gender is not enforced: a new value is real data (the app
 * may start sending one), so the load keeps it and the check only warns.
 */
export const acceptedValues = {
  level: { values: ['free', 'paid'], enforced: true },
  gender: { values: ['F', 'M'], enforced: false },
} as const satisfies Record<string, { values: readonly string[]; enforced: boolean }>;

/** A field with declared values. */
export type AcceptedField = keyof typeof acceptedValues;
