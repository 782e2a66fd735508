import { describe, expect, it } from 'vitest';
import { passwordOfUrl, redactText, redactUrlPasswords } from './redact-text.js';

describe('redaction', () => {
  it('replaces a secret and its JSON-escaped and URL-encoded forms', () => {
    const secret = 'pa"ss/wörd';
    const text = `raw ${secret} json ${JSON.stringify(secret)} url ${encodeURIComponent(secret)}`;
    const redacted = redactText(text, [secret]);
    expect(redacted).not.toContain('pa"ss');
    expect(redacted).not.toContain('pa\\"ss');
    expect(redacted).not.toContain(encodeURIComponent(secret));
    expect(redacted).toBe('raw *** json "***" url ***');
  });

  it('hides URL passwords in any text', () => {
    expect(redactUrlPasswords('failed postgres://me:s3cret@db.example:5432/x and redshift://u:p@h/d')).toBe(
      'failed postgres://me:***@db.example:5432/x and redshift://u:***@h/d',
    );
    expect(redactUrlPasswords('http://example.com/a:b')).toBe('http://example.com/a:b');
  });

  it('finds the password of a URL, also one that does not parse', () => {
    expect(passwordOfUrl('postgres://me:p%40ss@h:5432/db')).toBe('p@ss');
    expect(passwordOfUrl('postgres://me@h/db')).toBeUndefined();
    expect(passwordOfUrl('postgres://me:s3cret@h:notaport/db')).toBe('s3cret');
  });
});
