import { describe, expect, it } from 'vitest';
import { copyTextField, parseCopyTextField } from './copy-text.js';

describe('copyTextField', () => {
  it('writes NULL as \\N and escapes the characters COPY gives a meaning to', () => {
    expect(copyTextField(null)).toBe('\\N');
    expect(copyTextField('a\tb\nc\\d\re')).toBe('a\\tb\\nc\\\\d\\re');
    expect(copyTextField('\\N')).toBe('\\\\N');
  });

  it('round-trips hostile strings', () => {
    for (const text of [
      'tab\there',
      'line\nbreak',
      'back\\slash',
      '\\.',
      'ünï©ødé 🎵',
      'quote"\'',
      '\\N',
      '',
    ]) {
      const field = copyTextField(text);
      expect(field).not.toMatch(/[\t\n]/);
      expect(parseCopyTextField(field)).toBe(text);
    }
  });

  it('replaces NUL, which PostgreSQL text cannot hold, with U+FFFD', () => {
    expect(copyTextField('a\0b')).toBe('a\uFFFDb');
  });

  it('writes numbers as PostgreSQL reads them', () => {
    expect(copyTextField(1540919166796)).toBe('1540919166796');
    expect(copyTextField(218.93179)).toBe('218.93179');
    expect(copyTextField(Number.POSITIVE_INFINITY)).toBe('\\N');
  });
});
