import { describe, expect, it } from 'vitest';
import { loadInto, migratedWarehouses, ndjson, play, smallDataset, song, writeFixture } from './fixtures.js';

const freshWarehouse = migratedWarehouses('loader_drift');

/** A day of plays where some carry keys the format does not know, big enough to span several read chunks. */
function driftingDay(day: number, plays = 3000) {
  return ndjson(
    Array.from({ length: plays }, (_, index) =>
      play({
        sessionId: 9000 + day * 100 + Math.floor(index / 50),
        itemInSession: index % 50,
        ts: Date.UTC(2018, 10, day) + index * 1000,
        location: `Town ${index} ${'x'.repeat(index % 200)}`,
        ...(index >= 10 && index % 3 === 1 ? { sessionLength: index } : {}),
        ...(index === 2500 ? { appVersion: '2.0' } : {}),
      }),
    ),
  );
}

describe('schema drift: keys the format does not know', () => {
  it('are counted by name with the first object and line, the same with worker threads as inline, and stored', async () => {
    const { songFiles } = smallDataset();
    const root = writeFixture({
      ...songFiles,
      'song_data/B/B/B/TRB.json': JSON.stringify(song({ song_id: 'SONGB', genre: 'jazz' })),
      'log_data/2018/11/2018-11-05-events.json': driftingDay(5),
      'log_data/2018/11/2018-11-04-events.json': driftingDay(4),
    });
    const expected = [
      {
        dataset: 'songs',
        name: 'genre',
        objectKey: 'song_data/B/B/B/TRB.json',
        line: 1,
        records: 1,
        new: true,
      },
      {
        dataset: 'events',
        name: 'sessionLength',
        objectKey: 'log_data/2018/11/2018-11-04-events.json',
        line: 11,
        records: 2 * 997,
        new: true,
      },
      {
        dataset: 'events',
        name: 'appVersion',
        objectKey: 'log_data/2018/11/2018-11-04-events.json',
        line: 2501,
        records: 2,
        new: true,
      },
    ];
    const byName = (keys: { name: string }[]) => [...keys].sort((a, b) => a.name.localeCompare(b.name));

    const inline = await freshWarehouse();
    const single = await loadInto(inline.knex, { source: { source: root }, workers: 0 });
    expect(single.status).toBe('succeeded');
    expect(byName(single.unknownKeys)).toEqual(byName(expected));

    const threaded = await freshWarehouse();
    const parallel = await loadInto(threaded.knex, { source: { source: root }, workers: 2 });
    expect(byName(parallel.unknownKeys)).toEqual(byName(expected));

    const stored = await threaded
      .knex('etl_unknown_keys')
      .select('dataset', 'json_key', 'first_object_key', 'first_line', 'records')
      .orderBy('json_key');
    expect(stored).toEqual([
      {
        dataset: 'events',
        json_key: 'appVersion',
        first_object_key: 'log_data/2018/11/2018-11-04-events.json',
        first_line: 2501,
        records: '2',
      },
      {
        dataset: 'songs',
        json_key: 'genre',
        first_object_key: 'song_data/B/B/B/TRB.json',
        first_line: 1,
        records: '1',
      },
      {
        dataset: 'events',
        json_key: 'sessionLength',
        first_object_key: 'log_data/2018/11/2018-11-04-events.json',
        first_line: 11,
        records: '1994',
      },
    ]);

    // The next day brings the same key again: counted and stored, no longer new.
    const next = writeFixture({ 'log_data/2018/11/2018-11-06-events.json': driftingDay(6, 20) });
    const again = await loadInto(threaded.knex, { source: { source: next }, workers: 0 });
    expect(again.unknownKeys).toEqual([
      {
        dataset: 'events',
        name: 'sessionLength',
        objectKey: 'log_data/2018/11/2018-11-06-events.json',
        line: 11,
        records: 4,
        new: false,
      },
    ]);
  });

  it('with strictKeys are bad records naming the key, and nothing reaches the star schema', async () => {
    const db = await freshWarehouse();
    const root = writeFixture({
      'log_data/2018/11/2018-11-01-events.json': ndjson([play(), play({ sessionLength: 12 }), play()]),
    });
    const result = await loadInto(db.knex, { source: { source: root }, strictKeys: true });
    expect(result.status).toBe('failed');
    expect(result.error?.code).toBe('BAD_RECORDS');
    expect(result.rejects).toMatchObject([
      { line: 2, field: '/sessionLength', reason: expect.stringContaining('--strict-keys') as unknown },
    ]);
    expect(await db.knex('songplays').count({ n: '*' })).toEqual([{ n: '0' }]);
  });

  it('record, per load, how many NextSong events had each optional field null', async () => {
    const db = await freshWarehouse();
    const root = writeFixture({
      'log_data/2018/11/2018-11-01-events.json': ndjson([
        play({ location: null }),
        play({ location: null, userAgent: null }),
        play(),
        play({ page: 'Home', song: null, artist: null, length: null, location: null }),
      ]),
    });
    await loadInto(db.knex, { source: { source: root } });
    const rows = await db
      .knex('etl_field_nulls')
      .select('dataset', 'field', 'records', 'nulls')
      .whereIn('field', ['location', 'userAgent', 'song'])
      .orderBy('field');
    expect(rows).toEqual([
      { dataset: 'events', field: 'location', records: '3', nulls: '2' },
      { dataset: 'events', field: 'song', records: '3', nulls: '0' },
      { dataset: 'events', field: 'userAgent', records: '3', nulls: '1' },
    ]);
  });
});
