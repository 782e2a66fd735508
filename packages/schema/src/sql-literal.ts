/**
 * Backslashes and the ASCII control characters (U+0000-U+001F and DEL, U+007F): Redshift reads a backslash in a
 * literal as an escape where PostgreSQL (standard_conforming_strings) does not, and a control character in a
 * literal is never a value this project means to write; both are refused rather than escaped or guessed at.
 */
// eslint-disable-next-line no-control-regex
const UNSAFE_IN_LITERAL = /[\\\u0000-\u001f\u007f]/;

/**
 * Quotes a string as a SQL literal that PostgreSQL and Redshift read alike, for the statements that cannot take
 * bind parameters (COPY, the check queries): quotes doubled, backslashes and control characters refused with the
 * caller's own error (so each package keeps its error codes).
 * @example quoteLiteral("it's", (problem) => new Error(problem)) // → 'it''s'
 */
export function quoteLiteral(value: string, refuse: (problem: string) => Error): string {
  if (UNSAFE_IN_LITERAL.test(value)) {
    throw refuse(
      `refusing to put ${JSON.stringify(value)} in SQL: it holds a backslash or control character, which PostgreSQL and Redshift read differently`,
    );
  }
  return `'${value.replaceAll("'", "''")}'`;
}
