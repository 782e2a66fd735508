import { quoteLiteral as quoteSqlLiteral } from '@sparkify/schema';
import { QualityError } from './errors.js';

// Lower-case only: Redshift folds quoted identifiers to lower case, so a mixed-case name would mean two
// different columns on the two targets.
const IDENTIFIER = /^[a-z_][a-z0-9_]{0,126}$/;

/** Quotes a table or column name after checking it is a plain lower-case identifier both targets read alike. */
export function quoteIdentifier(name: string): string {
  if (!IDENTIFIER.test(name)) {
    throw new QualityError(
      'UNSAFE_SQL_VALUE',
      `"${name}" is not a plain identifier: use lower-case letters, digits and _ (Redshift folds case)`,
    );
  }
  return `"${name}"`;
}

/**
 * Quotes a string literal with the one rule every package shares (`quoteLiteral` of `@sparkify/schema`):
 * backslashes and control characters are refused as UNSAFE_SQL_VALUE.
 */
export function quoteLiteral(value: string): string {
  return quoteSqlLiteral(value, (problem) => new QualityError('UNSAFE_SQL_VALUE', problem));
}

/** Renders a finite number as a SQL numeric literal. */
export function numberLiteral(value: number): string {
  if (!Number.isFinite(value)) throw new QualityError('UNSAFE_SQL_VALUE', `${value} is not a finite number`);
  return String(value);
}
