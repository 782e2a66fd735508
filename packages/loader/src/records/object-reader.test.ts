import { describe, expect, it } from 'vitest';
import { ObjectReader } from './object-reader.js';

const event = (overrides: Record<string, unknown> = {}) =>
  JSON.stringify({
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
const songJson = (overrides: Record<string, unknown> = {}) =>
  JSON.stringify({
    num_songs: 1,
    artist_id: 'AR1',
    artist_latitude: null,
    artist_longitude: null,
    artist_location: '',
    artist_name: 'X',
    song_id: 'SO1',
    title: 'T',
    duration: 1.5,
    year: 0,
    ...overrides,
  });

function read(dataset: 'events' | 'songs', chunks: (string | Buffer)[]) {
  const rows: string[] = [];
  const reader = new ObjectReader(dataset, (batch) =>
    rows.push(...batch.toString('utf8').split('\n').filter(Boolean)),
  );
  for (const chunk of chunks) reader.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk));
  const counts = reader.end();
  return { rows, counts, problems: reader.problems };
}

describe('ObjectReader on good-but-odd input', () => {
  it('reads NDJSON with a BOM, CRLF, blank lines, no final newline, and lines split across chunks', () => {
    const text = `\uFEFF${event()}\r\n\r\n${event({ itemInSession: 1 })}\n\n${event({ itemInSession: 2, extraKey: 'ignored' })}`;
    const { counts, problems } = read('events', [text.slice(0, 37), text.slice(37, 500), text.slice(500)]);
    expect(problems).toEqual([]);
    const crlfReject = read('events', [`${event()}\r\n{"broken": 1\r\n`]);
    expect(crlfReject.problems[0]!.raw).toBe('{"broken": 1');
    expect(counts).toEqual({ read: 3, staged: 3, rejected: 0 });
  });

  it('reads an empty file as no records', () => {
    expect(read('events', ['']).counts).toEqual({ read: 0, staged: 0, rejected: 0 });
    expect(read('songs', ['  \n']).counts).toEqual({ read: 0, staged: 0, rejected: 0 });
  });

  it('reads one-line, pretty-printed and multi-object song files', () => {
    const pretty = JSON.stringify(JSON.parse(songJson()), null, 2);
    expect(read('songs', [songJson()]).counts.staged).toBe(1);
    expect(read('songs', [pretty.slice(0, 20), pretty.slice(20)]).counts.staged).toBe(1);
    const several = read('songs', [`${songJson()}\n${pretty}\n${songJson({ song_id: 'SO3' })}`]);
    expect(several.counts).toEqual({ read: 3, staged: 3, rejected: 0 });
  });
});

describe('ObjectReader on bad input', () => {
  it('names the line and the field of each bad record and keeps its raw text', () => {
    const lines = [
      event(),
      event({ ts: '1541106106796' }),
      event({ sessionId: 1.5 }),
      '{"artist": null',
      'null',
      '[]',
      event({ userId: 'abc' }),
      event({ page: 'NextSong', song: 'S', artist: 'A', length: null }),
      event({ ts: -1 }),
      event({ length: 12345 }).replace('12345', '1e400'),
    ];
    const { counts, problems } = read('events', [lines.join('\n')]);
    expect(counts).toEqual({ read: 10, staged: 1, rejected: 9 });
    expect(problems.map((problem) => [problem.line, problem.field])).toEqual([
      [2, '/ts'],
      [3, '/sessionId'],
      [4, null],
      [5, null],
      [6, null],
      [7, '/userId'],
      [8, '/length'],
      [9, '/ts'],
      [10, '/length'],
    ]);
    expect(problems[0]!.reason).toBe('expected integer, got string "1541106106796"');
    expect(problems[2]!.reason).toMatch(/^invalid JSON/);
    expect(problems[3]!.reason).toBe('expected a JSON object, got null');
    expect(problems[4]!.reason).toBe('expected a JSON object, got an array');
    expect(problems[2]!.raw).toBe(lines[3]);
  });

  it('refuses a song whose duration is a string or whose song_id is missing', () => {
    const missing = JSON.parse(songJson()) as Record<string, unknown>;
    delete missing.song_id;
    const { problems } = read('songs', [`${songJson({ duration: '1.5' })}\n${JSON.stringify(missing)}`]);
    expect(problems.map((problem) => problem.field)).toEqual(['/duration', '/song_id']);
    expect(problems[1]!.reason).toMatch(/is missing/);
  });

  it('refuses invalid UTF-8 and over-long lines without losing the lines around them', () => {
    const bad = Buffer.concat([
      Buffer.from(`${event()}\n`),
      Buffer.from([0x7b, 0xff, 0xfe, 0x7d, 0x0a]),
      Buffer.from(event()),
    ]);
    const utf8 = read('events', [bad]);
    expect(utf8.counts).toEqual({ read: 3, staged: 2, rejected: 1 });
    expect(utf8.problems[0]).toMatchObject({ line: 2, reason: 'invalid UTF-8 bytes in the line' });

    const huge = `{"a":"${'x'.repeat(5 * 1024 * 1024)}"}`;
    const big = read('events', [
      `${event()}\n`,
      huge.slice(0, 3_000_000),
      huge.slice(3_000_000),
      `\n${event()}`,
    ]);
    expect(big.counts).toEqual({ read: 3, staged: 2, rejected: 1 });
    expect(big.problems[0]!.reason).toMatch(/over 4 MB/);
    expect(big.problems[0]!.raw).toBe(huge.slice(0, 16 * 1024));
    // A whole over-long line inside one chunk is refused too.
    const single = read('events', [Buffer.from(`${huge}\n${event()}`)]);
    expect(single.counts).toEqual({ read: 2, staged: 1, rejected: 1 });
  });
});
