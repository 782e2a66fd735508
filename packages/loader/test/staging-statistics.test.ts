import { describe, expect, it } from 'vitest';
import { loadInto, migratedWarehouses, ndjson, play, song, writeFixture } from './fixtures.js';

const freshWarehouse = migratedWarehouses('loader_staging_stats');

describe('statistics of what a load staged', () => {
  it('give the planner the staged row counts and the columns the transform filters and joins on, not the wide text', async () => {
    const db = await freshWarehouse();
    await loadInto(db.knex, {
      source: {
        source: writeFixture({
          'song_data/A/A/A/TRAAA.json': JSON.stringify(song()),
          'song_data/A/A/B/TRAAB.json': JSON.stringify(song({ song_id: 'SOBBBBBBBBBBBBBBBB', title: 'Two' })),
          'log_data/2018/11/2018-11-05-events.json': ndjson([
            play({ ts: 1541106106796 }),
            play({ ts: 1541106107796, userId: '9' }),
            play({ ts: 1541106108796, page: 'Home', song: null, artist: null, length: null }),
          ]),
        }),
      },
    });
    const counted = await db.knex.raw<{ rows: { relname: string; reltuples: number }[] }>(
      `SELECT relname, reltuples FROM pg_class WHERE relname IN ('staging_events', 'staging_songs') ORDER BY 1`,
    );
    expect(counted.rows).toEqual([
      { relname: 'staging_events', reltuples: 3 },
      { relname: 'staging_songs', reltuples: 2 },
    ]);
    const analyzed = await db.knex.raw<{ rows: { attname: string }[] }>(
      `SELECT attname FROM pg_stats WHERE tablename = 'staging_events' ORDER BY 1`,
    );
    expect(analyzed.rows.map((row) => row.attname)).toEqual([
      'item_in_session',
      'object_id',
      'page',
      'session_id',
      'ts',
      'user_id',
    ]);
  });

  it('are sampled at the load’s statistics target: ten histogram buckets, however many distinct values', async () => {
    const db = await freshWarehouse();
    // 40 distinct times, users and sessions: the default target (100) would keep a bound for each of them.
    const plays = Array.from({ length: 40 }, (_, index) =>
      play({ ts: 1541106106796 + index * 1000, userId: String(index + 1), sessionId: index + 1 }),
    );
    await loadInto(db.knex, {
      source: {
        source: writeFixture({
          'song_data/A/A/A/TRAAA.json': JSON.stringify(song()),
          'log_data/2018/11/2018-11-05-events.json': ndjson(plays),
        }),
      },
    });
    const bounds = await db.knex.raw<{ rows: { attname: string; bounds: number }[] }>(
      `SELECT attname, array_length(histogram_bounds::text::text[], 1) AS bounds
       FROM pg_stats WHERE tablename = 'staging_events' AND attname IN ('ts', 'session_id') ORDER BY 1`,
    );
    expect(bounds.rows).toEqual([
      { attname: 'session_id', bounds: 11 },
      { attname: 'ts', bounds: 11 },
    ]);
  });
});
