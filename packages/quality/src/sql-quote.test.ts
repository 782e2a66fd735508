import { describe, expect, it } from 'vitest';
import { numberLiteral, quoteIdentifier, quoteLiteral } from './sql-quote.js';

describe('quoteIdentifier', () => {
  it('double-quotes plain lower-case names', () => {
    expect(quoteIdentifier('songplays')).toBe('"songplays"');
    expect(quoteIdentifier('item_in_session')).toBe('"item_in_session"');
  });

  it.each(['Users', 'users; DROP TABLE x', 'a"b', '', '1abc'])('refuses %j', (name) => {
    expect(() => quoteIdentifier(name)).toThrow(/not a plain identifier/);
  });
});

describe('quoteLiteral', () => {
  it('doubles single quotes', () => {
    expect(quoteLiteral("it's")).toBe("'it''s'");
  });

  it('refuses backslashes and control characters, which the two targets read differently', () => {
    expect(() => quoteLiteral('a\\b')).toThrow(/backslash/);
    expect(() => quoteLiteral('a\nb')).toThrow(/control/);
  });

  it('refuses DEL (U+007F) as the loader’s COPY literals do: one rule, from @sparkify/schema', () => {
    expect(() => quoteLiteral('a\u007fb')).toThrow(/control/);
    expect(() => quoteLiteral('a\u007fb')).toThrow(expect.objectContaining({ code: 'UNSAFE_SQL_VALUE' }));
  });
});

describe('numberLiteral', () => {
  it('renders finite numbers and refuses the rest', () => {
    expect(numberLiteral(0.01)).toBe('0.01');
    expect(() => numberLiteral(Number.NaN)).toThrow(/finite/);
  });
});
