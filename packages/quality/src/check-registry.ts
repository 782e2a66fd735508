import type { z } from 'zod';
import { acceptedRange } from './checks/accepted-range.js';
import { acceptedValues } from './checks/accepted-values.js';
import type { CheckDefinition } from './checks/check-definition.js';
import { fileAccounting } from './checks/file-accounting.js';
import { freshness } from './checks/freshness.js';
import { matchRate } from './checks/match-rate.js';
import { nextsongReconciliation } from './checks/nextsong-reconciliation.js';
import { notNull } from './checks/not-null.js';
import { nullRate } from './checks/null-rate.js';
import { relationships } from './checks/relationships.js';
import { rowCount } from './checks/row-count.js';
import { sql } from './checks/sql.js';
import { unique } from './checks/unique.js';
import { unknownKeys } from './checks/unknown-keys.js';
import { volumeAnomaly } from './checks/volume-anomaly.js';

/** Each key must be the `type` its definition's schema accepts (a mismatch does not compile). */
function registry<R extends { [Type in keyof R]: CheckDefinition<{ type: Type & string }> }>(
  definitions: R,
): R {
  return definitions;
}

/**
 * Every check type, by the `type` a checks file names: adding one is a file in `src/checks/` and a line here.
 * The order is the one error messages list them in.
 */
export const checkRegistry = registry({
  row_count: rowCount,
  not_null: notNull,
  unique,
  relationships,
  accepted_values: acceptedValues,
  accepted_range: acceptedRange,
  match_rate: matchRate,
  file_accounting: fileAccounting,
  nextsong_reconciliation: nextsongReconciliation,
  freshness,
  volume_anomaly: volumeAnomaly,
  unknown_keys: unknownKeys,
  null_rate: nullRate,
  sql,
});

type Registry = typeof checkRegistry;

/** The name of a check type, e.g. `unique`. */
export type CheckType = keyof Registry;

/** The declarative form of a check of any type, as written in a checks file (and used for the default suite). */
export type CheckSpec = { [Type in CheckType]: z.infer<Registry[Type]['schema']> }[CheckType];

/** Every check type, in the registry's order. */
export const checkTypes = Object.keys(checkRegistry) as CheckType[];

/** Whether a value names a registered check type. */
export function isCheckType(value: unknown): value is CheckType {
  return typeof value === 'string' && Object.hasOwn(checkRegistry, value);
}

/** The definition of a check type, typed for any spec (each definition only ever sees specs of its type). */
export function checkDefinition(type: CheckType): CheckDefinition<CheckSpec> {
  return checkRegistry[type];
}
