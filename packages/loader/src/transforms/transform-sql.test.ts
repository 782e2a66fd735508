import { describe, expect, it } from 'vitest';
import * as sql from './transform-sql.js';

/** REDSHIFT.md §6: constructs that must stay out of SQL shared by PostgreSQL and Redshift. */
const forbidden: [string, RegExp][] = [
  ['ON CONFLICT', /\bON\s+CONFLICT\b/i],
  ['RETURNING', /\bRETURNING\b/i],
  ['IS DISTINCT FROM', /\bIS\s+(NOT\s+)?DISTINCT\s+FROM\b/i],
  ['DISTINCT ON', /\bDISTINCT\s+ON\b/i],
  ['one-argument to_timestamp', /\bto_timestamp\s*\(/i],
  [
    'leader-node-only time functions',
    /\b(NOW\s*\(|CURRENT_TIMESTAMP|LOCALTIMESTAMP|CLOCK_TIMESTAMP|GETDATE|SYSDATE)\b/i,
  ],
  ['FILTER (WHERE', /\bFILTER\s*\(\s*WHERE\b/i],
  ['array/aggregate functions', /\b(STRING_AGG|ARRAY_AGG|LISTAGG|GENERATE_SERIES|UNNEST)\s*\(/i],
  ['LATERAL', /\bLATERAL\b/i],
  ['json operators', /->>|->|#>|@>|::jsonb?\b/i],
  ['TRUNCATE', /\bTRUNCATE\b/i],
  ['Redshift-only functions', /\b(NVL|DATEADD|DATEDIFF|CONVERT_TIMEZONE)\s*\(/i],
  ['unquoted date_part', /date_part\s*\(\s*[a-z]/i],
  ['leading WITH before INSERT', /^\s*WITH\b[\s\S]*\bINSERT\b/i],
  ['bind parameters', /\$\d|\?/],
  ['RANGE frames', /\bRANGE\s+BETWEEN\b/i],
];

const statements: [string, string][] = Object.entries(sql).flatMap(([name, value]): [string, string][] =>
  Array.isArray(value)
    ? value.map((text: string, index): [string, string] => [`${name}[${index}]`, text])
    : [[name, value]],
);

describe('the shared transform SQL', () => {
  it.each(statements)('%s uses only constructs both engines accept', (_name, text) => {
    for (const [construct, pattern] of forbidden) expect(text, construct).not.toMatch(pattern);
  });

  it('tie-breaks every ROW_NUMBER with an ORDER BY', () => {
    for (const [, text] of statements) {
      for (const match of text.matchAll(/ROW_NUMBER\(\)\s+OVER\s*\(/gi)) {
        // The window clause, up to its balanced closing parenthesis (it may hold CAST(…)).
        let depth = 1;
        let end = match.index + match[0].length;
        for (; depth > 0 && end < text.length; end += 1)
          depth += text[end] === '(' ? 1 : text[end] === ')' ? -1 : 0;
        expect(text.slice(match.index, end)).toMatch(/ORDER BY/i);
      }
    }
  });
});
