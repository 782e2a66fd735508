import { isUtf8 } from 'node:buffer';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { defaultRecordRules, type RecordRules } from '../src/records/ambiguous-json.js';
import { encodeRecord } from '../src/records/encode-record.js';
import { fastEncoderFor } from '../src/records/fast-encode.js';
import { ObjectReader } from '../src/records/object-reader.js';
import { badInputCases } from './bad-input-corpus.js';
import { play, visit } from './fixtures.js';

/*
 * The fast path (fast-encode.ts) against the reference (encodeRecord): for every line, either the fast path leaves
 * it to encodeRecord, or it writes exactly the row encodeRecord writes. A record encodeRecord refuses is never
 * taken by the fast path, so every problem keeps its field, reason and line. Records of the format's usual shape
 * must take the fast path: otherwise it would be correct and useless.
 */

const tail = Buffer.from('\t42');
const seed = Number(process.env.FC_SEED ?? Date.now() % 2 ** 31);

/** What the fast path makes of one line (not line 1 of its file): its row, or null when encodeRecord must judge it. */
function fastRow(line: Buffer, rules: RecordRules = defaultRecordRules): string | null {
  const encoder = fastEncoderFor('events', rules)!;
  // Inside a larger buffer, as the reader hands it over: the scan must stop at the line's end.
  const before = Buffer.from('{"artist":"x"}\n');
  const buffer = Buffer.concat([before, line, Buffer.from('\n,"song":"y"}\n')]);
  // Exactly the room it asks for: a row that overran it would come out cut short, and differ.
  const out = Buffer.alloc(encoder.maxRowBytes(line.length, tail.length) + 8, 0x7e);
  const written = encoder.encode(buffer, before.length, before.length + line.length, out, 8, tail);
  if (written < 0) return null;
  expect(written - 8).toBeLessThanOrEqual(encoder.maxRowBytes(line.length, tail.length));
  return out.toString('utf8', 8, written);
}

/** What the reader's general path makes of the same line (record-splitter.ts, then encodeRecord), or null. */
function referenceRow(line: Buffer, rules: RecordRules = defaultRecordRules): string | null {
  if (!isUtf8(line)) return null;
  let text = line.toString('utf8');
  if (text.endsWith('\r')) text = text.slice(0, -1);
  return encodeRecord('events', text, rules, tail.toString()).row ?? null;
}

/** The fast path either leaves the line to encodeRecord or writes what encodeRecord writes (and refuses nothing itself). */
function agree(line: Buffer, rules?: RecordRules): void {
  const fast = fastRow(line, rules);
  if (fast !== null) expect(fast).toBe(referenceRow(line, rules));
}

/** A play as JSON text with `raw` in place of one value (numbers as written, escapes, anything). */
function withRaw(record: Record<string, unknown>, key: string, raw: string): string {
  return JSON.stringify({ ...record, [key]: '\u0000raw\u0000' }).replace('"\\u0000raw\\u0000"', raw);
}

describe('the fast path of log lines', () => {
  it('writes the rows of the format as it is, byte for byte what encodeRecord writes', () => {
    const lines = [
      play(),
      visit(),
      play({ userAgent: '"Mozilla/5.0 (Macintosh) AppleWebKit/537.36"', artist: 'Beyoncé', song: '東京' }),
      play({ registration: 1533922721873.0, length: 383.81065, location: 'Birmingham-Hoover, AL' }),
      visit({
        userId: '',
        firstName: null,
        lastName: null,
        gender: null,
        registration: null,
        auth: 'Logged Out',
      }),
      play({ song: 'Tab\there, new\nline, back\\slash, nul\u0000, bell\u0007' }),
    ].map((record) => Buffer.from(JSON.stringify(record).replaceAll('/', '\\/')));
    lines.push(Buffer.from(`${withRaw(play(), 'registration', '1540919166796.0')}\r`));
    lines.push(
      Buffer.from(withRaw(play(), 'length', '2.50000').replace('{', ' {  ').replace(/,"/g, ' ,\t"')),
    );
    for (const line of lines) {
      expect(fastRow(line)).not.toBeNull();
      agree(line);
    }
    // The format's own quirks, spelled out: a float registration loses its ".0", escaped slashes are slashes.
    const row = fastRow(Buffer.from(withRaw(play({ userAgent: '"a\\/b"' }), 'registration', '1.0e0')));
    expect(row).toBeNull();
    const usual = fastRow(
      Buffer.from(withRaw(play({ userAgent: 'a\\/b' }), 'registration', '1540919166796.0')),
    )!;
    expect(usual.split('\t')[11]).toBe('1540919166796');
    expect(usual.split('\t')[16]).toBe('a\\\\/b');
  });

  it('leaves every line it is not sure of to encodeRecord, and takes none that encodeRecord refuses', () => {
    const base = JSON.stringify(play());
    const cases: (string | Buffer)[] = [
      `${base.slice(0, -1)},"artist":"twice"}`,
      `${base.slice(0, -1)},"extra":1}`,
      base.replace('"artist"', '"\\u0061rtist"'),
      base.replace('"Artist One"', '"\\ud800 lone"'),
      base.replace('"Artist One"', '"\\ud83c\\udfb5 pair"'),
      base.replace('"Artist One"', '"bad \\x escape"'),
      base.replace('"Artist One"', '"raw\ttab"'),
      base.replace('"paid"', '"PAID"').replace('"free"', '"FREE"'),
      base.replace('"NextSong"', '"Next\\u0053ong"'),
      withRaw(play(), 'length', '1e2'),
      withRaw(play(), 'length', '-0'),
      withRaw(play(), 'length', '-0.0'),
      withRaw(play(), 'length', '01'),
      withRaw(play(), 'length', '1.'),
      withRaw(play(), 'length', '.5'),
      withRaw(play(), 'length', '0.0000001'),
      withRaw(play(), 'length', '0.000001'),
      withRaw(play(), 'length', '1234567890.1234567'),
      withRaw(play(), 'length', '1000000000.5'),
      withRaw(play(), 'registration', '4102444800000.25'),
      withRaw(play(), 'length', 'true'),
      withRaw(play(), 'length', 'nul'),
      withRaw(play(), 'length', 'nullx'),
      withRaw(play(), 'length', '[1]'),
      withRaw(play(), 'status', '200.5'),
      withRaw(play(), 'status', '200.000'),
      withRaw(play(), 'status', '600'),
      withRaw(play(), 'status', '99.5'),
      withRaw(play(), 'ts', '1541106106'),
      withRaw(play(), 'userId', '"1234567890"'),
      withRaw(play(), 'userId', '"12a"'),
      withRaw(play(), 'song', '""'),
      withRaw(visit(), 'song', '""'),
      withRaw(play(), 'length', 'null'),
      // The song column holds 512 bytes.
      withRaw(play(), 'song', `"${'é'.repeat(257)}"`),
      withRaw(play(), 'song', `"${'e'.repeat(513)}"`),
      withRaw(play(), 'song', `"${'\\u00e9'.repeat(257)}"`),
      `${base} x`,
      `${base},`,
      base.slice(0, -1),
      `[${base}]`,
      '{}',
      '   ',
      `\uFEFF${base}`,
      Buffer.concat([Buffer.from(base.slice(0, 20)), Buffer.from([0xc3, 0x28]), Buffer.from(base.slice(20))]),
      Buffer.concat([Buffer.from(base.replace('Artist One', 'Artist')), Buffer.from([0xe9])]),
      // A byte that is never UTF-8, inside the artist's name.
      Buffer.from(base).fill(0xff, 15, 16),
    ];
    let deferred = 0;
    for (const text of cases) {
      const line = Buffer.isBuffer(text) ? text : Buffer.from(text);
      agree(line);
      if (fastRow(line) === null) deferred += 1;
    }
    // All but three are refused by encodeRecord; those three (0.000001, a status of 200.000, a visit's empty
    // song) are valid and written alike.
    expect(deferred).toBe(cases.length - 3);
  });

  it('writes numbers as encodeRecord does, or leaves them to it, up to the digits a double holds', () => {
    const numbers = [
      '1540919166796.1234',
      '123456789.12345678',
      '0.12345678901234567',
      '0.100000000000001',
      '999999999.999999',
      '12.5000000000000000000',
      '0.00001',
      '7',
      '0',
      '0.0',
    ];
    for (const raw of numbers) {
      agree(Buffer.from(withRaw(play(), 'length', raw)));
      agree(Buffer.from(withRaw(play(), 'registration', raw)));
    }
    expect(fastRow(Buffer.from(withRaw(play(), 'length', '12.5000000000000000000')))!.split('\t')[6]).toBe(
      '12.5',
    );
  });

  it('agrees with encodeRecord on every log line of the bad-input corpus', () => {
    let lines = 0;
    badInputCases.forEach((badCase, index) => {
      for (const [key, body] of Object.entries(badCase.files(index))) {
        if (!key.startsWith('log_data/') || key.endsWith('.gz')) continue;
        const bytes = Buffer.isBuffer(body) ? body : Buffer.from(body);
        let start = 0;
        while (start < bytes.length) {
          let end = bytes.indexOf(0x0a, start);
          if (end < 0) end = bytes.length;
          // Line 1 may carry a BOM, which the splitter removes first; the fast path refuses it either way.
          if (start > 0 || bytes[0] !== 0xef) agree(bytes.subarray(start, end));
          lines += 1;
          start = end + 1;
        }
      }
    });
    expect(lines).toBeGreaterThan(50);
  });

  const text = fc.oneof(
    fc.string({ unit: 'binary', maxLength: 40 }),
    fc.string({ unit: 'grapheme-ascii', maxLength: 40 }),
    fc.constantFrom('', ' ', '"', '\\', '/', '\t', '\n', '\r', '\u0000', '\u001f', '\u007f', 'é', '€', '😀'),
    fc.constantFrom('\ud800', '\udfff', 'a\ud83c', 'x'.repeat(257), 'é'.repeat(129), '€'.repeat(86)),
  );
  const numberText = fc
    .record({
      sign: fc.constantFrom('', '', '-'),
      whole: fc.oneof(fc.constant('0'), fc.stringMatching(/^[1-9][0-9]{0,19}$/)),
      fraction: fc.option(fc.stringMatching(/^[0-9]{1,20}$/)),
      exponent: fc.option(fc.stringMatching(/^[eE][+-]?[0-9]{1,3}$/), { freq: 8 }),
    })
    .map(
      ({ sign, whole, fraction, exponent }) =>
        `${sign}${whole}${fraction ? `.${fraction}` : ''}${exponent ?? ''}`,
    );
  const anyValue = fc.oneof(
    text.map((value) => JSON.stringify(value)),
    numberText,
    fc.double().map((value) => JSON.stringify(value)),
    fc.integer().map(String),
    fc.constantFrom(
      'null',
      'true',
      'false',
      '{}',
      '[]',
      '"NextSong"',
      '"Home"',
      '"paid"',
      '"free"',
      '"7"',
      '""',
    ),
  );

  it('agrees with encodeRecord on records with hostile values, keys and spacing', () => {
    const keys = Object.keys(play());
    const mutation = fc.oneof(
      fc.record({ kind: fc.constant('value' as const), key: fc.constantFrom(...keys), raw: anyValue }),
      fc.record({ kind: fc.constant('drop' as const), key: fc.constantFrom(...keys) }),
      fc.record({
        kind: fc.constant('extra' as const),
        key: fc.constantFrom(...keys, 'extra', 'ts2'),
        raw: anyValue,
      }),
      fc.record({
        kind: fc.constant('space' as const),
        at: fc.nat(),
        space: fc.constantFrom(' ', '\t', '\r', '  '),
      }),
    );
    const line = fc.record({
      base: fc.constantFrom('play', 'visit'),
      shuffle: fc.boolean(),
      mutations: fc.array(mutation, { maxLength: 4 }),
      minEventTimeMs: fc.constantFrom(defaultRecordRules.minEventTimeMs, 0, 1541106106797, 1.5),
    });
    let taken = 0;
    let runs = 0;
    fc.assert(
      fc.property(line, ({ base, shuffle, mutations, minEventTimeMs }) => {
        const record = base === 'play' ? play() : visit();
        const entries: [string, string][] = Object.entries(record).map(([key, value]) => [
          key,
          JSON.stringify(value),
        ]);
        if (shuffle) entries.reverse();
        const spaces: { at: number; space: string }[] = [];
        for (const change of mutations) {
          if (change.kind === 'value') {
            const entry = entries.find(([key]) => key === change.key);
            if (entry) entry[1] = change.raw;
          } else if (change.kind === 'drop') {
            const index = entries.findIndex(([key]) => key === change.key);
            if (index >= 0) entries.splice(index, 1);
          } else if (change.kind === 'extra') entries.push([change.key, change.raw]);
          else spaces.push(change);
        }
        let json = `{${entries.map(([key, raw]) => `${JSON.stringify(key)}:${raw}`).join(',')}}`;
        // Whitespace between tokens only (after a structural character), so that the JSON stays JSON.
        for (const { at, space } of spaces) {
          const structural = [...json.matchAll(/[{}:,]/g)].map((match) => match.index);
          const after = structural[at % structural.length]! + 1;
          json = `${json.slice(0, after)}${space}${json.slice(after)}`;
        }
        const rules = { ...defaultRecordRules, minEventTimeMs };
        const bytes = Buffer.from(json);
        agree(bytes, rules);
        runs += 1;
        if (fastRow(bytes, rules) !== null) taken += 1;
      }),
      { numRuns: 3000, seed },
    );
    // Most draws change one or two values and stay valid: the fast path must have taken a good share of them.
    expect(taken).toBeGreaterThan(runs / 10);
  });

  it('takes every valid record of the usual shape, whatever its strings and numbers hold', () => {
    // Code points, none a surrogate; short enough for their columns even at 4 UTF-8 bytes each.
    const validText = (maxLength: number, minLength = 0) =>
      fc.string({ unit: 'binary', minLength, maxLength }).filter((value) => !/\p{Cs}/u.test(value));
    const decimal = fc
      .record({
        whole: fc.oneof(fc.constant('0'), fc.stringMatching(/^[1-9][0-9]{0,7}$/)),
        fraction: fc.option(fc.stringMatching(/^[0-9]{0,5}[1-9]0{0,3}$/)),
      })
      .filter(({ whole, fraction }) => whole !== '0' || !fraction || !/^0{6}/.test(fraction))
      .map(({ whole, fraction }) => `${whole}${fraction ? `.${fraction}` : ''}`);
    const event = fc.record({
      nextSong: fc.boolean(),
      auth: validText(8),
      gender: validText(2),
      method: validText(4),
      strings: fc.array(validText(60), { minLength: 4, maxLength: 4 }),
      song: validText(60, 1),
      artist: validText(60, 1),
      // The page decides the NextSong rules; a page that needs an escape is left to encodeRecord.
      page: validText(16, 1).filter(
        (value) => JSON.stringify(value) === `"${value}"` && !value.includes('/'),
      ),
      userId: fc.stringMatching(/^[0-9]{1,9}$/),
      length: decimal,
      registration: fc.oneof(decimal, fc.constant('1540919166796.0'), fc.constant('null')),
      level: fc.constantFrom('free', 'paid'),
      numbers: fc.tuple(fc.nat(2147483647), fc.nat(2147483647), fc.integer({ min: 100, max: 599 })),
      ts: fc.integer({ min: defaultRecordRules.minEventTimeMs, max: 4102444800000 }),
    });
    fc.assert(
      fc.property(event, (drawn) => {
        const { auth, gender, method } = drawn;
        const [firstName, lastName, location, userAgent] = drawn.strings;
        const [itemInSession, sessionId, status] = drawn.numbers;
        const values: Record<string, string> = {
          artist: JSON.stringify(drawn.artist),
          auth: JSON.stringify(auth),
          firstName: JSON.stringify(firstName),
          gender: JSON.stringify(gender),
          itemInSession: String(itemInSession),
          lastName: JSON.stringify(lastName),
          length: drawn.length,
          level: JSON.stringify(drawn.level),
          location: JSON.stringify(location),
          method: JSON.stringify(method),
          page: JSON.stringify(drawn.nextSong ? 'NextSong' : drawn.page),
          registration: drawn.registration,
          sessionId: String(sessionId),
          song: JSON.stringify(drawn.song),
          status: String(status),
          ts: String(drawn.ts),
          userAgent: JSON.stringify(userAgent),
          userId: JSON.stringify(drawn.userId),
        };
        const json = `{${Object.entries(values)
          .map(([key, raw]) => `"${key}":${raw}`)
          .join(',')}}`;
        const line = Buffer.from(json.replaceAll('/', '\\/'));
        const row = fastRow(line);
        expect(row).not.toBeNull();
        expect(row).toBe(referenceRow(line));
      }),
      { numRuns: 2000, seed },
    );
  });
});

describe('ObjectReader with the fast path', () => {
  it('gives the rows, counts and problems of encodeRecord line by line, however the object is cut into chunks', () => {
    const good = [play(), visit(), play({ artist: 'Sigur Rós', userAgent: '"x\\/y"' })].map((record) =>
      JSON.stringify(record),
    );
    const bad = ['{"artist":', withRaw(play(), 'status', '"200"'), `${good[0]!.slice(0, -1)},"artist":"x"}`];
    const lines = fc.array(fc.oneof(fc.constantFrom(...good), fc.constantFrom(...bad), fc.constant('')), {
      minLength: 1,
      maxLength: 40,
    });
    fc.assert(
      fc.property(lines, fc.integer({ min: 1, max: 900 }), fc.boolean(), (drawn, chunkBytes, crlf) => {
        const body = Buffer.from(drawn.join(crlf ? '\r\n' : '\n'));
        const rows: string[] = [];
        const reader = new ObjectReader(
          'events',
          (batch) => rows.push(batch.toString('utf8')),
          1000,
          64,
          undefined,
          42,
        );
        for (let at = 0; at < body.length; at += chunkBytes) reader.push(body.subarray(at, at + chunkBytes));
        const counts = reader.end();

        const expectedRows: string[] = [];
        const expectedProblems: { line: number; field: string | null }[] = [];
        drawn.forEach((text, index) => {
          if (text.trim() === '') return;
          const encoded = encodeRecord('events', text, defaultRecordRules, '\t42');
          if (encoded.problem) expectedProblems.push({ line: index + 1, field: encoded.problem.field });
          else expectedRows.push(encoded.row);
        });
        expect(rows.join('')).toBe(expectedRows.join(''));
        expect(reader.problems.map(({ line, field }) => ({ line, field }))).toEqual(expectedProblems);
        expect(counts).toEqual({
          read: expectedRows.length + expectedProblems.length,
          staged: expectedRows.length,
          rejected: expectedProblems.length,
        });
      }),
      { numRuns: 300, seed },
    );
  });
});
