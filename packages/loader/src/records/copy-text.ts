/** Characters PostgreSQL's COPY text format gives a meaning to, plus NUL, which a text value cannot hold. */
const NEEDS_ESCAPE = /[\\\n\r\t\0]/;
const ESCAPES = /[\\\n\r\t\0]/g;
const ESCAPED: Record<string, string> = {
  '\\': '\\\\',
  '\n': '\\n',
  '\r': '\\r',
  '\t': '\\t',
  '\0': '\uFFFD',
};

/**
 * Encodes one value as a field of PostgreSQL's COPY text format: NULL as \N, backslash, newline, carriage
 * return and tab escaped. A NUL character (which PostgreSQL text cannot store, and which would abort the COPY)
 * becomes U+FFFD so that the row still loads and the substitution stays visible.
 */
export function copyTextField(value: unknown): string {
  if (value === null || value === undefined) return '\\N';
  if (typeof value === 'string') {
    return NEEDS_ESCAPE.test(value) ? value.replace(ESCAPES, (char) => ESCAPED[char]!) : value;
  }
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : '\\N';
  if (typeof value === 'boolean') return value ? 't' : 'f';
  return copyTextField(JSON.stringify(value));
}

/** Decodes one COPY text field back to a string (or null): the inverse of copyTextField, for tests and tools. */
export function parseCopyTextField(field: string): string | null {
  if (field === '\\N') return null;
  return field.replace(/\\(.)/g, (_match, char: string) =>
    char === 'n' ? '\n' : char === 'r' ? '\r' : char === 't' ? '\t' : char,
  );
}
