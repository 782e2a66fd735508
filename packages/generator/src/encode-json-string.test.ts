import { describe, expect, it } from 'vitest';
import { encodeJsonString } from './encode-json-string.js';
import { mojibake } from './mojibake.js';

describe('encodeJsonString', () => {
  it('escapes quotes and slashes of a user agent exactly as the event logs do', () => {
    const raw = '"Mozilla/5.0 (Windows NT 6.1; WOW64) AppleWebKit/537.36"';
    expect(encodeJsonString(raw, { escapeSlashes: true })).toBe(
      '"\\"Mozilla\\/5.0 (Windows NT 6.1; WOW64) AppleWebKit\\/537.36\\""',
    );
    expect(JSON.parse(encodeJsonString(raw, { escapeSlashes: true }))).toBe(raw);
  });

  it('leaves slashes alone in the song files style and writes non-ASCII as lowercase \\u escapes', () => {
    expect(encodeJsonString('Akron/Family – Björk', { escapeSlashes: false })).toBe(
      '"Akron/Family \\u2013 Bj\\u00f6rk"',
    );
  });

  it('round-trips characters outside the BMP through surrogate escapes', () => {
    const text = 'Moon 🌙';
    expect(encodeJsonString(text, { escapeSlashes: true })).toBe('"Moon \\ud83c\\udf19"');
    expect(JSON.parse(encodeJsonString(text, { escapeSlashes: true }))).toBe(text);
  });
});

describe('mojibake', () => {
  it('double-encodes like the public logs (Björk → Bj\\u00c3\\u0083\\u00c2\\u00b6rk)', () => {
    expect(encodeJsonString(mojibake('Björk'), { escapeSlashes: true })).toBe(
      '"Bj\\u00c3\\u0083\\u00c2\\u00b6rk"',
    );
    expect(encodeJsonString(mojibake('Beyoncé'), { escapeSlashes: true })).toBe(
      '"Beyonc\\u00c3\\u0083\\u00c2\\u00a9"',
    );
  });

  it('leaves ASCII text unchanged', () => {
    expect(mojibake("Des'ree & The Box Tops / Gob")).toBe("Des'ree & The Box Tops / Gob");
  });
});
