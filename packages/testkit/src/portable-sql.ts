/**
 * REDSHIFT.md §6 as patterns: PostgreSQL-only constructs Redshift rejects or treats differently, and
 * Redshift-only ones PostgreSQL rejects. The union of the transform's and the checks' lists, for any SQL shared
 * by both engines (analytics questions included).
 */
export const forbiddenSqlConstructs: readonly [string, RegExp][] = [
  ['ON CONFLICT', /\bON\s+CONFLICT\b/i],
  ['RETURNING', /\bRETURNING\b/i],
  ['IS DISTINCT FROM', /\bIS\s+(NOT\s+)?DISTINCT\s+FROM\b/i],
  ['DISTINCT ON', /\bDISTINCT\s+ON\b/i],
  ['FILTER (WHERE', /\bFILTER\s*\(\s*WHERE\b/i],
  ['STRING_AGG / ARRAY_AGG / EVERY / LISTAGG', /\b(STRING_AGG|ARRAY_AGG|EVERY|LISTAGG)\s*\(/i],
  [
    'NOW() and friends',
    /\b(NOW\s*\(|CURRENT_TIMESTAMP|LOCALTIMESTAMP|CLOCK_TIMESTAMP|TRANSACTION_TIMESTAMP|GETDATE|SYSDATE)/i,
  ],
  ['json', /::\s*jsonb?\b|->>?|#>|@>/i],
  ['to_timestamp', /\bTO_TIMESTAMP\s*\(/i],
  ['sequences', /\b(NEXTVAL|SERIAL|BIGSERIAL)\b/i],
  ['set-returning / lateral / arrays', /\b(GENERATE_SERIES|UNNEST|LATERAL|ANY\s*\(\s*ARRAY|ARRAY\s*\[)/i],
  ['FROM (VALUES', /\bFROM\s*\(\s*VALUES\b/i],
  ['window functions and frames', /\bOVER\s*\(|\bWINDOW\b|\bRANGE\s+BETWEEN\b/i],
  ['locking reads / advisory locks', /\bFOR\s+(UPDATE|SHARE)\b|PG_ADVISORY/i],
  ['Redshift-only functions', /\b(NVL|NVL2|DATEADD|DATEDIFF|CONVERT_TIMEZONE|QUALIFY|MINUS|TOP\s+\d)\b/i],
  ['TEXT type / casts', /\bAS\s+TEXT\b|::\s*text\b/i],
  ['unquoted date_part', /date_part\s*\(\s*[a-z]/i],
  ['TRUNCATE', /\bTRUNCATE\b/i],
  ['leading WITH before INSERT', /^\s*WITH\b[\s\S]*\bINSERT\b/i],
];

/** The names of the forbidden constructs in `sql` (comment lines are prose, not SQL, and are skipped). */
export function portableSqlViolations(sql: string): string[] {
  const code = sql.replace(/--.*$/gm, '');
  return forbiddenSqlConstructs.filter(([, pattern]) => pattern.test(code)).map(([name]) => name);
}
