import { describe, expect, it } from 'vitest';
import { parseReferenceTime, utcFromWallClock, utcText } from './parse-reference-time.js';

describe('parseReferenceTime (--as-of)', () => {
  it('a date is 00:00 UTC; a time without a zone is UTC; a zone is honoured', () => {
    expect(parseReferenceTime('2018-12-01').toISOString()).toBe('2018-12-01T00:00:00.000Z');
    expect(parseReferenceTime('2018-11-30T18:00').toISOString()).toBe('2018-11-30T18:00:00.000Z');
    expect(parseReferenceTime('2018-11-30 18:00:07').toISOString()).toBe('2018-11-30T18:00:07.000Z');
    expect(parseReferenceTime('2018-11-30T18:00:07.5Z').toISOString()).toBe('2018-11-30T18:00:07.500Z');
    expect(parseReferenceTime('2018-11-30T20:00+02:00').toISOString()).toBe('2018-11-30T18:00:00.000Z');
    expect(parseReferenceTime('2018-11-30T13:00-0500').toISOString()).toBe('2018-11-30T18:00:00.000Z');
  });

  it('refuses impossible and malformed times, naming the option and the text', () => {
    for (const text of [
      '2018-02-31',
      '2018-11-30T24:00',
      '2018-13-01',
      '30/11/2018',
      'yesterday',
      '2018-11-30T18',
    ])
      expect(() => parseReferenceTime(text)).toThrow(
        `--as-of: expected a date (2018-12-01, meaning 00:00 UTC)`,
      );
    expect(() => parseReferenceTime('soon')).toThrow('got "soon"');
  });

  it('wall-clock text from the warehouse is UTC', () => {
    expect(utcFromWallClock('2018-11-01 21:01:46.796').toISOString()).toBe('2018-11-01T21:01:46.796Z');
    expect(utcText(new Date('2018-11-01T21:01:46.796Z'))).toBe('2018-11-01 21:01:46');
  });
});
