import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { checkEventTime, findDuplicateKey, findLoneSurrogate, scanDuplicateKey } from './ambiguous-json.js';
import { encodeRecord } from './encode-record.js';

const event = (overrides: Record<string, unknown> = {}) => ({
  artist: null,
  auth: 'Logged In',
  firstName: 'A',
  gender: 'F',
  itemInSession: 0,
  lastName: 'B',
  length: null,
  level: 'free',
  location: null,
  method: 'GET',
  page: 'Home',
  registration: 1540919166796.0,
  sessionId: 1,
  song: null,
  status: 200,
  ts: 1541106106796,
  userAgent: null,
  userId: '1',
  ...overrides,
});
const text = (overrides: Record<string, unknown> = {}) => JSON.stringify(event(overrides));

describe('duplicate keys', () => {
  it('are found whatever the spacing, and named as a JSON pointer', () => {
    expect(findDuplicateKey('{"userId":"1","userId":"2"}', { userId: '2' })).toBe('/userId');
    expect(findDuplicateKey('{ "a" : 1 , "a" : 2 }', { a: 2 })).toBe('/a');
    expect(scanDuplicateKey('{"x":{"k/1":1,"k/1":2}}')).toBe('/x/k~11');
    expect(scanDuplicateKey('{"x":[{"a":1},{"a":2,"a":3}]}')).toBe('/x/1/a');
  });

  it('are not seen in colons or quoted keys inside strings, nor in the same key in sibling objects', () => {
    const agent = 'Mozilla/5.0 (Windows NT 6.1; rv:31.0) \\"userId\\":\\"9\\"';
    const raw = text({ userAgent: agent, song: 'a "userId": b' });
    expect(findDuplicateKey(raw, JSON.parse(raw))).toBeNull();
    expect(scanDuplicateKey('{"x":{"a":1},"y":{"a":2}}')).toBeNull();
  });

  it('make encodeRecord refuse the record, naming the key', () => {
    const raw = text().replace('"userId":"1"', '"userId":"1","userId":"2"');
    expect(encodeRecord('events', raw).problem).toEqual({
      field: '/userId',
      reason: 'is named twice in one object; which value is meant is ambiguous, so the record is refused',
    });
  });
});

describe('lone surrogates', () => {
  it('are refused and named; a surrogate pair is text', () => {
    const lone = text().replace('"song":null', '"song":"x\\ud800y"');
    expect(findLoneSurrogate(lone, JSON.parse(lone))).toEqual({
      field: '/song',
      reason: 'holds a lone UTF-16 surrogate ("x\\\\ud800y"), which is not text',
    });
    expect(encodeRecord('events', lone).problem?.field).toBe('/song');
    const pair = text().replace('"song":null', '"song":"\\ud83d\\ude00"');
    expect(findLoneSurrogate(pair, JSON.parse(pair))).toBeNull();
    expect(encodeRecord('events', pair).problem).toBeUndefined();
  });
});

describe('event times in seconds', () => {
  it('are refused with the hint, at a configurable bound', () => {
    const seconds = encodeRecord('events', text({ ts: 1541106106 }));
    expect(seconds.problem?.field).toBe('/ts');
    expect(seconds.problem?.reason).toContain('looks like seconds (2018-11-01T21:01:46.000Z if it were)');
    expect(encodeRecord('events', text({ ts: 1541106106796 })).problem).toBeUndefined();
    const early = text({ ts: Date.UTC(1999, 5, 1) });
    expect(encodeRecord('events', early).problem?.field).toBe('/ts');
    expect(
      encodeRecord('events', early, { minEventTimeMs: Date.UTC(1990, 0, 1), strictKeys: false }).problem,
    ).toBeUndefined();
    expect(
      checkEventTime(Date.UTC(2000, 0, 1), { minEventTimeMs: Date.UTC(2000, 0, 1), strictKeys: false }),
    ).toBeNull();
  });
});

describe('the cheap pre-checks', () => {
  // Keys and strings drawn from characters that matter here: colons, quotes, backslashes, non-ASCII, surrogates.
  const piece = fc.constantFrom('a', 'b', ':', '"', '\\', 'é', '\u003a', '\ud800', '\udc00', '😀', ' ');
  const word = fc.array(piece, { maxLength: 4 }).map((parts) => parts.join(''));
  /** JSON text of a flat object whose keys may repeat, each string escaped as an ensure_ascii writer would. */
  const asciiJson = (value: string) => {
    let colons = 0;
    return JSON.stringify(value).replace(/[^\x20-\x7e]|:/g, (char) =>
      // Every other colon escaped too: the one escape that changes the colon count.
      char === ':' && (colons += 1) % 2 === 1
        ? ':'
        : `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`,
    );
  };
  const record = fc.array(fc.tuple(word, fc.oneof(word, fc.integer())), { minLength: 1, maxLength: 5 });
  const textOf = (pairs: [string, string | number][], escaped: boolean) =>
    `{${pairs
      .map(([key, value]) => {
        const encode = escaped ? asciiJson : (part: string) => JSON.stringify(part);
        return `${encode(key)}:${typeof value === 'number' ? value : encode(value)}`;
      })
      .join(',')}}`;
  /** The definition: some key or string value of the parsed record holds a lone surrogate. */
  const holdsLoneSurrogate = (parsed: Record<string, unknown>) =>
    Object.entries(parsed).some(
      ([key, value]) => /\p{Cs}/u.test(key) || (typeof value === 'string' && /\p{Cs}/u.test(value)),
    );

  it('find every duplicate key the exact scan finds, escaped or not', () => {
    fc.assert(
      fc.property(record, fc.boolean(), (pairs, escaped) => {
        const raw = textOf(pairs, escaped);
        expect(findDuplicateKey(raw, JSON.parse(raw))).toBe(scanDuplicateKey(raw));
      }),
      { numRuns: 2000 },
    );
  });

  it('find every lone surrogate, escaped or not', () => {
    fc.assert(
      fc.property(record, fc.boolean(), (pairs, escaped) => {
        const raw = textOf(pairs, escaped);
        const parsed = JSON.parse(raw) as Record<string, unknown>;
        expect(findLoneSurrogate(raw, parsed) !== null).toBe(holdsLoneSurrogate(parsed));
      }),
      { numRuns: 2000 },
    );
  });
});
