import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { folderSink, generateDataset } from '@sparkify/generator';
import { migrateTo } from '@sparkify/schema';
import {
  createTestDatabase,
  type EtlRejectRow,
  type EtlRunRow,
  starSnapshot,
  type TestDatabase,
} from '@sparkify/testkit';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { removeTempFolders, runSparkify, tempFolder } from './run-sparkify.js';

let db: TestDatabase;
let env: Record<string, string>;

beforeAll(async () => {
  db = await createTestDatabase(inject('pgUrl'), 'cli_bad_input');
  await migrateTo(db.knex, { dialect: 'postgres' });
  env = { DATABASE_URL: db.url, SPARKIFY_HOME: tempFolder('sparkify-bad-home-') };
  const good = tempFolder('sparkify-bad-good-');
  await generateDataset({ songs: 20, events: 200, days: 2, seed: 9 }, folderSink(good));
  expect((await runSparkify(['load', '--source', good], { env })).code).toBe(0);
});
afterAll(async () => {
  await db.drop();
  removeTempFolders();
});

let session = 9000;
/** A NextSong event with every key of the format. */
function play(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  session += 1;
  return {
    artist: 'Someone',
    auth: 'Logged In',
    firstName: 'Ann',
    gender: 'F',
    itemInSession: 1,
    lastName: 'Lee',
    length: 200.5,
    level: 'free',
    location: 'Austin, TX',
    method: 'PUT',
    page: 'NextSong',
    registration: 1540919166796,
    sessionId: session,
    song: 'Something',
    status: 200,
    ts: 1541106106796,
    userAgent: '"Mozilla/5.0"',
    userId: '77',
    ...overrides,
  };
}
const line = (record: unknown) => JSON.stringify(record);
const song = {
  num_songs: 1,
  artist_id: 'ARBAD',
  artist_latitude: null,
  artist_longitude: null,
  artist_location: '',
  artist_name: 'Bad',
  song_id: 'SOBAD',
  title: 'Bad',
  duration: 1.5,
  year: 0,
};

function folder(files: Record<string, string | Buffer>): string {
  const root = tempFolder('sparkify-bad-case-');
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), content);
  }
  return root;
}

const DAY = 'log_data/2018/11/2018-11-20-events.json';
const day = (bad: string) => [line(play()), bad, line(play())].join('\n');
const cases: [name: string, files: Record<string, string | Buffer>, named: string][] = [
  ['a truncated line', { [DAY]: day('{"artist": "Cut", "au') }, `${DAY} line 2: invalid JSON`],
  [
    'ts as a string',
    { [DAY]: day(line(play({ ts: 'noon' }))) },
    `${DAY} line 2 /ts: expected integer, got string "noon"`,
  ],
  [
    'NextSong without song',
    { [DAY]: day(line(play({ song: null }))) },
    `${DAY} line 2 /song: expected string`,
  ],
  [
    'userId not digits',
    { [DAY]: day(line(play({ userId: 'u-1' }))) },
    `${DAY} line 2 /userId: expected digits as a string`,
  ],
  [
    'a 5 MB line',
    { [DAY]: day(line(play({ location: 'x'.repeat(5 * 1024 * 1024) }))) },
    `${DAY} line 2: the line is over 4 MB`,
  ],
  [
    'a song whose duration is a string',
    { 'song_data/B/A/D/TRBAD.json': line({ ...song, duration: '1.5' }), [DAY]: line(play()) },
    'song_data/B/A/D/TRBAD.json line 1 /duration: expected number',
  ],
  [
    'a corrupted .gz',
    { [`${DAY}.gz`]: Buffer.concat([gzipSync(day(line(play()))).subarray(0, 10), Buffer.alloc(40, 0xff)]) },
    `${DAY}.gz line 0: ${DAY}.gz is not valid gzip`,
  ],
];

describe('bad input through `sparkify load`', () => {
  it.each(cases)(
    '%s: exit 1, the message names key, line and field, the star schema is unchanged',
    async (_name, files, named) => {
      const before = await starSnapshot(db.knex);
      const run = await runSparkify(['load', '--source', folder(files)], { env });
      expect(run.code).toBe(1);
      expect(run.stdout).toMatch(/^Load FAILED: /m);
      expect(run.stderr).toContain(named);
      expect(run.stderr).toContain('nothing reached the star schema');
      expect(await starSnapshot(db.knex)).toEqual(before);
      const last = await db.knex<EtlRunRow>('etl_runs').orderBy('run_id', 'desc').first();
      expect(last).toMatchObject({ status: 'failed', error_code: 'BAD_RECORDS' });
      expect(last!.error_message).toContain(named);
    },
  );

  it('--json reports the failure as data (exit 1); --max-errors quarantines the record with its raw text and loads the rest (exit 0)', async () => {
    const bad = line(play({ sessionId: 7.5 }));
    const good = [play(), play()];
    const root = folder({ [DAY]: [line(good[0]), bad, line(good[1])].join('\r\n') });
    const json = await runSparkify(['load', '--source', root, '--json'], { env });
    expect(json.code).toBe(1);
    const result = JSON.parse(json.stdout) as { status: string; error: { code: string; message: string } };
    expect(result).toMatchObject({ status: 'failed', error: { code: 'BAD_RECORDS' } });
    expect(result.error.message).toContain(`${DAY} line 2 /sessionId: expected integer, got number 7.5`);

    const quarantined = await runSparkify(['load', '--source', root, '--max-errors', '1'], { env });
    expect(quarantined.code).toBe(0);
    expect(quarantined.stdout).toContain('1 bad records quarantined in etl_rejects');
    const run = await db.knex<EtlRunRow>('etl_runs').orderBy('run_id', 'desc').first();
    const rejects = await db
      .knex<EtlRejectRow>('etl_rejects')
      .where({ run_id: run!.run_id })
      .select('line_number', 'field', 'raw_record');
    expect(rejects).toHaveLength(1);
    expect(rejects[0]).toMatchObject({ line_number: 2, field: '/sessionId' });
    // The raw text is the line as it was (a CRLF file's line keeps its CR).
    expect(rejects[0]!.raw_record!.trimEnd()).toBe(bad);
    const loaded = await db
      .knex('songplays')
      .whereIn(
        'session_id',
        good.map((record) => record.sessionId as number),
      )
      .count({ n: '*' });
    expect(loaded).toEqual([{ n: '2' }]);
  });

  it('a source with no objects at all exits 2 naming the locations', async () => {
    const root = tempFolder('sparkify-bad-empty-');
    const run = await runSparkify(['load', '--source', join(root, 'typo')], { env });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(`No data objects (.json or .json.gz) in ${join(root, 'typo', 'song_data')}`);
    expect(run.stdout).toBe('');
  });
});
