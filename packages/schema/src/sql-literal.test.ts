import { describe, expect, it } from 'vitest';
import { quoteLiteral } from './sql-literal.js';

const refuse = (problem: string) => new Error(problem);

describe('quoteLiteral', () => {
  it('doubles single quotes and keeps everything else as written', () => {
    expect(quoteLiteral("it's", refuse)).toBe("'it''s'");
    expect(quoteLiteral("''", refuse)).toBe("''''''");
    expect(quoteLiteral('s3://b/ünï ;"x"', refuse)).toBe(`'s3://b/ünï ;"x"'`);
    expect(quoteLiteral('', refuse)).toBe("''");
  });

  it.each([
    ['a backslash', 'a\\b'],
    ['NUL', 'a\u0000b'],
    ['a newline', 'a\nb'],
    ['U+001F', 'a\u001fb'],
    ['DEL (U+007F), an ASCII control character too', 'a\u007fb'],
  ])('refuses %s with the caller’s error', (_, value) => {
    class Refused extends Error {}
    expect(() => quoteLiteral(value, (problem) => new Refused(problem))).toThrow(Refused);
    expect(() => quoteLiteral(value, refuse)).toThrow(/backslash or control character/);
  });

  it('accepts the printable neighbours of the refused range', () => {
    expect(quoteLiteral(' ~', refuse)).toBe("' ~'");
    expect(quoteLiteral('é', refuse)).toBe("'é'");
  });
});
