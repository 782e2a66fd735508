import { beforeAll, describe, expect, it } from 'vitest';
import { type EtlFileRow, type EtlRunRow, type TestDatabase } from '@sparkify/testkit';
import {
  loadInto,
  loggedOutVisit,
  ndjson,
  play,
  song,
  starSnapshot,
  visit,
  writeFixture,
  migratedWarehouses,
} from './fixtures.js';

const freshWarehouse = migratedWarehouses('loader_rules');

describe('the star schema rules', () => {
  let db: TestDatabase;
  let root: string;
  beforeAll(async () => {
    db = await freshWarehouse();
    root = writeFixture({
      'song_data/A/A/A/TRAAA1.json': JSON.stringify(song()),
      // Two songs with the same title, artist and duration: a play must not fan out to both.
      'song_data/A/A/B/TRAAB1.json': JSON.stringify(
        song({
          song_id: 'SONGDUP00000000B',
          artist_id: 'ARTIST00000000002',
          artist_name: 'Twin',
          title: 'Twins',
          duration: 100,
        }),
        null,
        2,
      ),
      'song_data/A/A/B/TRAAB2.json': JSON.stringify(
        song({
          song_id: 'SONGDUP00000000A',
          artist_id: 'ARTIST00000000002',
          artist_name: 'Twin',
          title: 'Twins',
          duration: 100,
        }),
      ),
      'log_data/2018/11/2018-11-01-events.json': ndjson([
        loggedOutVisit({
          sessionId: 1,
          itemInSession: 0,
        }),
        play({ sessionId: 2, itemInSession: 0, userId: '10', level: 'free', ts: 1541030400000 }),
        play({
          sessionId: 2,
          itemInSession: 1,
          userId: '10',
          level: 'free',
          ts: 1541030500000,
          song: 'Twins',
          artist: 'Twin',
          length: 100,
        }),
        play({
          sessionId: 2,
          itemInSession: 2,
          userId: '10',
          level: 'free',
          ts: 1541030600000,
          song: 'Nope',
          artist: 'Nobody',
          length: 1,
        }),
      ]),
      'log_data/2018/11/2018-11-02-events.json': ndjson([
        visit({ sessionId: 3, itemInSession: 0, userId: '10', level: 'paid', ts: 1541116800000 }),
        play({
          sessionId: 3,
          itemInSession: 1,
          userId: '11',
          level: 'paid',
          ts: 1541116900000,
          firstName: 'Bo',
        }),
      ]),
    });
    const result = await loadInto(db.knex, { source: { source: root } });
    expect(result.status).toBe('succeeded');
  });

  it('makes one songplay per NextSong event, matched without fan-out, unmatched plays NULL', async () => {
    const plays = (
      await db.knex.raw<{
        rows: {
          session_id: number;
          item_in_session: number;
          song_id: string | null;
          artist_id: string | null;
          user_id: number;
        }[];
      }>(
        'SELECT session_id, item_in_session, song_id, artist_id, user_id FROM songplays ORDER BY session_id, item_in_session',
      )
    ).rows;
    expect(plays).toEqual([
      {
        session_id: 2,
        item_in_session: 0,
        song_id: 'SONG000000000001',
        artist_id: 'ARTIST00000000001',
        user_id: 10,
      },
      {
        session_id: 2,
        item_in_session: 1,
        song_id: 'SONGDUP00000000A',
        artist_id: 'ARTIST00000000002',
        user_id: 10,
      },
      { session_id: 2, item_in_session: 2, song_id: null, artist_id: null, user_id: 10 },
      {
        session_id: 3,
        item_in_session: 1,
        song_id: 'SONG000000000001',
        artist_id: 'ARTIST00000000001',
        user_id: 11,
      },
    ]);
  });

  it('keeps every logged-in user once, with the level of their latest event', async () => {
    const users = (
      await db.knex.raw<{ rows: { user_id: number; level: string; first_name: string | null }[] }>(
        'SELECT user_id, level, first_name FROM users ORDER BY user_id',
      )
    ).rows;
    expect(users).toEqual([
      { user_id: 10, level: 'paid', first_name: 'Ann' },
      { user_id: 11, level: 'paid', first_name: 'Bo' },
    ]);
  });

  it('derives time from songplays, once per start_time, in UTC parts', async () => {
    const times = (
      await db.knex.raw<{ rows: Record<string, unknown>[] }>('SELECT * FROM time ORDER BY start_time')
    ).rows;
    expect(times).toHaveLength(4);
    // 2018-11-01T00:00:00Z is a Thursday (weekday 4), ISO week 44.
    expect(times[0]).toMatchObject({ hour: 0, day: 1, week: 44, month: 11, year: 2018, weekday: 4 });
  });

  it('accounts for every record in the ledger', async () => {
    const files = (await db.knex.raw<{ rows: EtlFileRow[] }>('SELECT * FROM etl_files ORDER BY object_key'))
      .rows;
    expect(files).toHaveLength(5);
    for (const file of files)
      expect(Number(file.records_read)).toBe(Number(file.records_staged) + Number(file.records_rejected));
    const run = (await db.knex.raw<{ rows: EtlRunRow[] }>('SELECT * FROM etl_runs')).rows[0];
    expect(run).toMatchObject({ status: 'succeeded', nextsong_staged: '4', songplays_added: '4' });
  });

  it('reads nothing on a second load and changes no count', async () => {
    const before = await starSnapshot(db.knex);
    const again = await loadInto(db.knex, { source: { source: root } });
    expect(again.status).toBe('nothing-new');
    expect(again.plan).toMatchObject({ toLoad: 0, skipped: 5 });
    expect(await starSnapshot(db.knex)).toEqual(before);
  });
});

describe('the redshift target', () => {
  it('refuses a local folder: its COPY reads objects from S3 itself', async () => {
    const db = await freshWarehouse();
    await expect(
      loadInto(db.knex, {
        dialect: 'redshift',
        source: { source: writeFixture({ 'song_data/A/A/A/TR1.json': JSON.stringify(song()) }) },
        redshift: {
          iamRoleArn: 'arn:aws:iam::123456789012:role/r',
          manifestPrefix: 's3://bucket/m/',
          sample: 1,
        },
      }),
    ).rejects.toThrow(/redshift target loads from S3/);
  });
});
