import { describe, expect, it } from 'vitest';
import { storableText } from './storable-text.js';

describe('storableText', () => {
  it('replaces NUL and lone surrogates, keeps surrogate pairs', () => {
    expect(storableText('a\0b\0', 100)).toBe('a\uFFFDb\uFFFD');
    expect(storableText('x\ud800y\udc00', 100)).toBe('x\uFFFDy\uFFFD');
    expect(storableText('😀', 100)).toBe('😀');
  });

  it('cuts by UTF-8 bytes at a character boundary', () => {
    expect(storableText('ééé', 5)).toBe('éé');
    expect(Buffer.byteLength(storableText('€'.repeat(2000), 4096))).toBe(4095);
    expect(storableText('😀😀', 7)).toBe('😀');
    expect(storableText('abc', 3)).toBe('abc');
  });
});
