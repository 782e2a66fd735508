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
 * Quotes a string literal. Backslashes and control characters are refused rather than escaped, because Redshift
 * treats a backslash in a literal as an escape while PostgreSQL (standard_conforming_strings) does not.
 */
export function quoteLiteral(value: string): string {
  // eslint-disable-next-line no-control-regex
  if (/[\\\u0000-\u001f]/.test(value)) {
    throw new QualityError(
      'UNSAFE_SQL_VALUE',
      `the value ${JSON.stringify(value)} holds a backslash or control character, which the two targets read differently`,
    );
  }
  return `'${value.replaceAll("'", "''")}'`;
}

/** Renders a finite number as a SQL numeric literal. */
export function numberLiteral(value: number): string {
  if (!Number.isFinite(value)) throw new QualityError('UNSAFE_SQL_VALUE', `${value} is not a finite number`);
  return String(value);
}
