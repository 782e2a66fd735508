import type { Check, Thresholds } from './check.js';
import { checkDefinition, type CheckSpec } from './check-registry.js';

/** The name a check gets when its spec gives none: type, table and columns, e.g. `unique_users_user_id`. */
export function defaultCheckName(spec: CheckSpec): string {
  return checkDefinition(spec.type).defaultName(spec);
}

/** Turns a declarative check spec into a check: the SQL returning its failing rows plus how to judge them. */
export function buildCheck(spec: CheckSpec): Check {
  const shape = checkDefinition(spec.type).shape(spec);
  const thresholds: Thresholds = {};
  // Judged types (freshness, volume, null rates) take no failing-row thresholds.
  if ('warnAbove' in spec && spec.warnAbove !== undefined) thresholds.warnAbove = spec.warnAbove;
  if ('errorAbove' in spec && spec.errorAbove !== undefined) thresholds.errorAbove = spec.errorAbove;
  const check: Check = {
    name: spec.name ?? defaultCheckName(spec),
    type: spec.type,
    table: shape.table,
    description: spec.description ?? shape.description,
    severity: spec.severity ?? shape.defaultSeverity ?? 'error',
    thresholds,
    sql: shape.sql,
    keyColumns: shape.keyColumns,
  };
  if (shape.countExpression) check.countExpression = shape.countExpression;
  if (shape.measure) check.measure = shape.measure;
  if (shape.judge) check.judge = shape.judge;
  return check;
}
