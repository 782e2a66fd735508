import { unlinkSync } from 'node:fs';
import { join } from 'node:path';
import type { LoadOptions } from '../src/index.js';
import { type FixtureFiles, gz, ndjson, play, song } from './fixtures.js';

/*
 * The bad-input corpus: each case is bad data mixed into good data, with what a load must say about it. Used by
 * the hardening test (every case through a real load) and by the validation-pass test (every record that parses
 * through the warehouse's SQL rules, which must agree with the JSON Schemas).
 */

const line = (record: unknown) => JSON.stringify(record);

/** A good play of case `index` (its own session, so the case's good rows can be counted afterwards). */
export const goodPlay = (index: number, item: number) =>
  play({ sessionId: 5000 + index, itemInSession: item, userId: String(100 + index) });

/** A good play whose JSON text has `replacement` in place of one field's value. */
function playWithRawField(index: number, key: string, replacement: string): string {
  return line({ ...goodPlay(index, 2), [key]: '<raw>' }).replace('"<raw>"', replacement);
}

/** The day file of case `index`: good plays on lines 1, 3 and 4, the bad text on line 2. */
function dayWithBadLine(index: number, bad: string | Buffer): Buffer {
  const before = Buffer.from(`${line(goodPlay(index, 1))}\n`);
  const after = Buffer.from(`\n${line(goodPlay(index, 3))}\n${line(goodPlay(index, 4))}\n`);
  return Buffer.concat([before, Buffer.isBuffer(bad) ? bad : Buffer.from(bad), after]);
}

export const dayKey = (index: number) => `log_data/2018/11/case-${index}-events.json`;
export const songKey = (index: number) => `song_data/C/A/S/TRCASE${index}.json`;

export interface BadCase {
  name: string;
  /** The objects of the case: its bad one mixed with good data. */
  files: (index: number) => FixtureFiles;
  /** The object the message must name (a key below the source root). */
  key: (index: number) => string;
  /** The line the message must name; 0 for a problem with the whole object. */
  line: number;
  /** The field (JSON pointer) the message must name, or null when the record is not a JSON object. */
  field: string | null;
  reason: RegExp;
  /** What etl_rejects.raw_record must hold (undefined: nothing to compare, e.g. an object that cannot be read). */
  raw?: (index: number) => string;
  /** Good songplays of the case that a --max-errors load adds. */
  plays: number;
  /** Good songs of the case that a --max-errors load adds. */
  songs?: number;
  /** Hooks into the load (an object deleted between listing and reading). */
  during?: (root: string, index: number) => Partial<LoadOptions>;
}

const badLineCase = (
  name: string,
  bad: (index: number) => string,
  field: string | null,
  reason: RegExp,
): BadCase => ({
  name,
  files: (index) => ({ [dayKey(index)]: dayWithBadLine(index, bad(index)) }),
  key: dayKey,
  line: 2,
  field,
  reason,
  raw: bad,
  plays: 3,
});

const withoutKey = (record: Record<string, unknown>, key: string) => {
  const copy = { ...record };
  delete copy[key];
  return copy;
};

const songFileCase = (
  name: string,
  body: (index: number) => string,
  field: string | null,
  reason: RegExp,
  at: Pick<BadCase, 'line' | 'raw'> = { line: 1, raw: body },
): BadCase => ({
  name,
  files: (index) => ({
    [songKey(index)]: body(index),
    [`song_data/C/A/S/TRGOOD${index}.json`]: line(
      song({ song_id: `SOGOOD${index}`, title: `Good ${index}` }),
    ),
    [dayKey(index)]: ndjson([goodPlay(index, 1)]),
  }),
  key: songKey,
  field,
  reason,
  ...at,
  plays: 1,
  songs: 1,
});

const deep = (depth: number) => `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`;

/** Gzip whose deflate data is overwritten: the header is fine, the first block is not. */
function corruptGzip(text: string): Buffer {
  const bytes = gz(text);
  bytes.fill(0xff, 10, Math.min(bytes.length - 8, 40));
  return bytes;
}

export const badInputCases: BadCase[] = [
  badLineCase('a truncated line', () => '{"artist": "Truncated", "auth": "Logg', null, /invalid JSON/),
  badLineCase(
    'ts as a string',
    (i) => line({ ...goodPlay(i, 2), ts: '1541106106796' }),
    '/ts',
    /expected integer, got string/,
  ),
  badLineCase(
    'sessionId as a fraction',
    (i) => line({ ...goodPlay(i, 2), sessionId: 7.5 }),
    '/sessionId',
    /expected integer, got number 7.5/,
  ),
  badLineCase(
    'a missing key',
    (i) => line(withoutKey(goodPlay(i, 2), 'userAgent')),
    '/userAgent',
    /is missing/,
  ),
  badLineCase(
    'NextSong without song',
    (i) => line({ ...goodPlay(i, 2), song: null }),
    '/song',
    /NextSong event must carry song/,
  ),
  badLineCase(
    'userId not digits',
    (i) => line({ ...goodPlay(i, 2), userId: '12a' }),
    '/userId',
    /expected digits as a string/,
  ),
  badLineCase(
    'a negative ts',
    (i) => line({ ...goodPlay(i, 2), ts: -1 }),
    '/ts',
    /expected a value >= 0, got number -1/,
  ),
  badLineCase(
    'a far-future ts (year 5138)',
    (i) => line({ ...goodPlay(i, 2), ts: 99_999_999_999_999 }),
    '/ts',
    /expected a value <= 4102444800000/,
  ),
  badLineCase('null as a record', () => 'null', null, /expected a JSON object, got null/),
  badLineCase('42 as a record', () => '42', null, /expected a JSON object, got number 42/),
  badLineCase('[] as a record', () => '[]', null, /expected a JSON object, got an array/),
  badLineCase('{} as a record', () => '{}', '/artist', /is missing/),
  badLineCase('a JSON string as a record', () => '"NextSong"', null, /expected a JSON object, got string/),
  badLineCase(
    'deeply nested JSON in a field',
    (i) => playWithRawField(i, 'location', deep(5000)),
    '/location',
    /expected string or null, got an object/,
  ),
  badLineCase(
    'a number too large to be finite (1e400)',
    (i) => playWithRawField(i, 'length', '1e400'),
    '/length',
    /length/,
  ),
  badLineCase(
    'a negative itemInSession',
    (i) => line({ ...goodPlay(i, 2), itemInSession: -3 }),
    '/itemInSession',
    /expected a value >= 0/,
  ),
  badLineCase(
    'status as a string',
    (i) => line({ ...goodPlay(i, 2), status: '200' }),
    '/status',
    /expected integer, got string "200"/,
  ),
  badLineCase(
    'two records on one line',
    (i) => `${line(goodPlay(i, 2))}${line(goodPlay(i, 9))}`,
    null,
    /invalid JSON/,
  ),
  {
    name: 'invalid UTF-8 bytes',
    files: (index) => ({
      [dayKey(index)]: dayWithBadLine(
        index,
        Buffer.concat([
          Buffer.from(line(goodPlay(index, 2)).slice(0, 20)),
          Buffer.from([0xc3, 0x28, 0xff]),
          Buffer.from('"}'),
        ]),
      ),
    }),
    key: dayKey,
    line: 2,
    field: null,
    reason: /invalid UTF-8 bytes/,
    raw: (index) => `${line(goodPlay(index, 2)).slice(0, 20)}\uFFFD(\uFFFD"}`,
    plays: 3,
  },
  {
    name: 'a 5 MB line (Redshift refuses records over 4 MB)',
    files: (index) => ({
      [dayKey(index)]: dayWithBadLine(
        index,
        line({ ...goodPlay(index, 2), location: 'x'.repeat(5 * 1024 * 1024) }),
      ),
    }),
    key: dayKey,
    line: 2,
    field: null,
    reason: /over 4 MB/,
    plays: 3,
  },
  {
    name: 'a log file that is one JSON array',
    files: (index) => ({
      [dayKey(index)]: `[${line(goodPlay(index, 8))},${line(goodPlay(index, 9))}]`,
      [`log_data/2018/11/case-${index}-good.json`]: ndjson([goodPlay(index, 1), goodPlay(index, 2)]),
    }),
    key: dayKey,
    line: 1,
    field: null,
    reason: /expected a JSON object, got an array/,
    raw: (index) => `[${line(goodPlay(index, 8))},${line(goodPlay(index, 9))}]`,
    plays: 2,
  },
  songFileCase(
    'a song file that is a JSON array',
    (i) => `[${line(song({ song_id: `SOCASE${i}` }))}]`,
    null,
    /expected a JSON object, got an array/,
  ),
  songFileCase(
    'a song whose duration is a string',
    (i) => line(song({ song_id: `SOCASE${i}`, duration: '218.9' })),
    '/duration',
    /expected number, got string "218.9"/,
  ),
  songFileCase(
    'a song without song_id',
    (i) => line(withoutKey(song({ title: `Case ${i}` }), 'song_id')),
    '/song_id',
    /is missing/,
  ),
  songFileCase(
    'a song file with text after the object',
    (i) => `${line(song({ song_id: `SOCASE${i}` }))}\ngarbage`,
    null,
    /unexpected text between JSON values/,
    {
      line: 2,
      raw: () => 'garbage',
    },
  ),
  {
    name: 'a corrupted .gz',
    files: (index) => ({
      [`${dayKey(index)}.gz`]: corruptGzip(ndjson([goodPlay(index, 8), goodPlay(index, 9)])),
      [`log_data/2018/11/case-${index}-good.json`]: ndjson([
        goodPlay(index, 1),
        goodPlay(index, 2),
        goodPlay(index, 3),
      ]),
    }),
    key: (index) => `${dayKey(index)}.gz`,
    line: 0,
    field: null,
    reason: /is not valid gzip/,
    plays: 3,
  },
  {
    name: 'an object deleted between listing and reading',
    files: (index) => ({
      [dayKey(index)]: ndjson([goodPlay(index, 8)]),
      [`log_data/2018/11/case-${index}-good.json`]: ndjson([goodPlay(index, 1), goodPlay(index, 2)]),
    }),
    key: dayKey,
    line: 0,
    field: null,
    reason: /was listed but is gone/,
    plays: 2,
    during: (root, index) => ({
      // The listing is complete when its last progress arrives; deleting then is "between listing and reading".
      onProgress: (progress) => {
        if (progress.stage === 'list') unlinkSync(join(root, dayKey(index)));
      },
    }),
  },
];
