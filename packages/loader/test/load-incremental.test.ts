import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  loadInto,
  ndjson,
  play,
  smallDataset,
  song,
  starSnapshot,
  visit,
  writeFixture,
  migratedWarehouses,
} from './fixtures.js';

const freshWarehouse = migratedWarehouses('loader_incremental');

const { songFiles, dayFiles } = smallDataset();
const songKeys = Object.keys(songFiles);
const dayKeys = Object.keys(dayFiles);
const pick = (files: Record<string, string | Buffer>, keys: string[]) =>
  Object.fromEntries(keys.map((key) => [key, files[key]!]));

describe('incremental and order-independent loads', () => {
  it('gives identical tables when loaded in two batches in reverse order, songs arriving after their plays', async () => {
    const once = await freshWarehouse();
    await loadInto(once.knex, { source: { source: writeFixture({ ...songFiles, ...dayFiles }) } });
    const expected = await starSnapshot(once.knex);
    expect(expected.songplays!.length).toBe(3 * 5 * 4);
    expect(
      expected.songplays!.filter((row) => (row as { song_id: string | null }).song_id !== null).length,
    ).toBeGreaterThan(0);

    const batched = await freshWarehouse();
    const later = writeFixture({
      ...pick(dayFiles, dayKeys.slice(1)),
      ...pick(songFiles, songKeys.slice(3)),
    });
    const earlier = writeFixture({
      ...pick(dayFiles, dayKeys.slice(0, 1)),
      ...pick(songFiles, songKeys.slice(0, 3)),
    });
    expect((await loadInto(batched.knex, { source: { source: later } })).status).toBe('succeeded');
    expect((await loadInto(batched.knex, { source: { source: earlier } })).status).toBe('succeeded');
    expect(await starSnapshot(batched.knex)).toEqual(expected);
  });

  it('gives identical tables when overlapping sets are loaded twice', async () => {
    const once = await freshWarehouse();
    await loadInto(once.knex, { source: { source: writeFixture({ ...songFiles, ...dayFiles }) } });
    const overlapped = await freshWarehouse();
    await loadInto(overlapped.knex, {
      source: { source: writeFixture({ ...songFiles, ...pick(dayFiles, dayKeys.slice(0, 2)) }) },
    });
    // The same content under new versions (new files) is re-read: nothing may double.
    await loadInto(overlapped.knex, {
      source: { source: writeFixture({ ...songFiles, ...pick(dayFiles, dayKeys.slice(1)) }) },
    });
    expect(await starSnapshot(overlapped.knex)).toEqual(await starSnapshot(once.knex));
  });

  it('picks up a new day and nothing else', async () => {
    const db = await freshWarehouse();
    const root = writeFixture({ ...songFiles, ...pick(dayFiles, dayKeys.slice(0, 2)) });
    await loadInto(db.knex, { source: { source: root } });
    const grown = writeFixture({ ...songFiles, ...dayFiles });
    // Same relative keys in another folder: local etags are size + mtime, so write the new day into the first root.
    const { writeFileSync, mkdirSync } = await import('node:fs');
    const path = await import('node:path');
    mkdirSync(path.dirname(path.join(root, dayKeys[2]!)), { recursive: true });
    writeFileSync(path.join(root, dayKeys[2]!), dayFiles[dayKeys[2]!]!);
    const result = await loadInto(db.knex, { source: { source: root } });
    expect(result.plan).toMatchObject({ toLoad: 1, skipped: songKeys.length + 2 });
    expect(result.stages.transform.songplaysAdded).toBe(5 * 4);
    const reference = await freshWarehouse();
    await loadInto(reference.knex, { source: { source: grown } });
    expect(await starSnapshot(db.knex)).toEqual(await starSnapshot(reference.knex));
  });

  it('keeps the level of the latest event when an older file arrives later', async () => {
    const db = await freshWarehouse();
    const newer = writeFixture({
      'log_data/2018/11/2018-11-20-events.json': ndjson([
        visit({ userId: '42', level: 'paid', sessionId: 9, itemInSession: 0, ts: Date.UTC(2018, 10, 20) }),
      ]),
    });
    const older = writeFixture({
      'log_data/2018/11/2018-11-10-events.json': ndjson([
        play({ userId: '42', level: 'free', sessionId: 8, itemInSession: 0, ts: Date.UTC(2018, 10, 10) }),
      ]),
    });
    await loadInto(db.knex, { source: { source: newer } });
    await loadInto(db.knex, { source: { source: older } });
    const users = (
      await db.knex.raw<{ rows: { user_id: number; level: string }[] }>('SELECT user_id, level FROM users')
    ).rows;
    expect(users).toEqual([{ user_id: 42, level: 'paid' }]);
    // And a genuinely newer event still wins.
    const newest = writeFixture({
      'log_data/2018/11/2018-11-25-events.json': ndjson([
        visit({ userId: '42', level: 'free', sessionId: 10, itemInSession: 0, ts: Date.UTC(2018, 10, 25) }),
      ]),
    });
    await loadInto(db.knex, { source: { source: newest } });
    expect(
      (await db.knex.raw<{ rows: { level: string }[] }>('SELECT level FROM users WHERE user_id = 42'))
        .rows[0]!.level,
    ).toBe('free');
  });

  it('rebuilds from everything on --full-refresh with the same result', async () => {
    const db = await freshWarehouse();
    const root = writeFixture({ ...songFiles, ...dayFiles });
    await loadInto(db.knex, { source: { source: root } });
    const before = await starSnapshot(db.knex);
    const refreshed = await loadInto(db.knex, { source: { source: root }, fullRefresh: true });
    expect(refreshed.plan.toLoad).toBe(songKeys.length + dayKeys.length);
    expect(await starSnapshot(db.knex)).toEqual(before);
  });
});

describe('matching on the song’s own artist name', () => {
  it('matches a song whose artist name differs from its artist’s, whatever order the songs arrive in', async () => {
    const first = song({ song_id: 'SO2', artist_id: 'AR1', artist_name: 'Foo', title: 'T', duration: 100 });
    const renaming = song({
      song_id: 'SO1',
      artist_id: 'AR1',
      artist_name: 'Foo & Bar',
      title: 'U',
      duration: 90,
    });
    const plays = ndjson([
      play({ sessionId: 1, itemInSession: 1, song: 'T', artist: 'Foo', length: 100 }),
      play({ sessionId: 1, itemInSession: 2, song: 'U', artist: 'Foo & Bar', length: 90 }),
    ]);
    const once = await freshWarehouse();
    await loadInto(once.knex, {
      source: {
        source: writeFixture({
          'song_data/A/A/A/TR2.json': JSON.stringify(first),
          'song_data/A/A/A/TR1.json': JSON.stringify(renaming),
          'log_data/2018/11/2018-11-01-events.json': plays,
        }),
      },
    });
    const matched = await once.knex('songplays').orderBy('item_in_session').pluck('song_id');
    expect(matched).toEqual(['SO2', 'SO1']);
    expect((await once.knex<{ name: string }>('artists').first('name'))!.name).toBe('Foo & Bar');

    const batched = await freshWarehouse();
    await loadInto(batched.knex, {
      source: {
        source: writeFixture({
          'song_data/A/A/A/TR2.json': JSON.stringify(first),
          'log_data/2018/11/2018-11-01-events.json': plays,
        }),
      },
    });
    await loadInto(batched.knex, {
      source: { source: writeFixture({ 'song_data/A/A/A/TR1.json': JSON.stringify(renaming) }) },
    });
    expect(await starSnapshot(batched.knex)).toEqual(await starSnapshot(once.knex));
  });

  it('moves a play to the next song of its key when a corrected song file takes its song away', async () => {
    // SO1 and SO2 share title, artist and length: the play matches the lower song_id. A corrected file retitles SO1,
    // and the play must follow to SO2, whose file this load does not touch.
    const shared = { artist_id: 'AR1', artist_name: 'Foo', title: 'T', duration: 100 };
    const plays = ndjson([play({ sessionId: 1, itemInSession: 1, song: 'T', artist: 'Foo', length: 100 })]);
    const files = {
      'song_data/A/A/A/TR1.json': JSON.stringify(song({ song_id: 'SO1', ...shared })),
      'song_data/A/A/A/TR2.json': JSON.stringify(song({ song_id: 'SO2', ...shared })),
      'log_data/2018/11/2018-11-01-events.json': plays,
    };
    const db = await freshWarehouse();
    const root = writeFixture(files);
    await loadInto(db.knex, { source: { source: root } });
    expect(await db.knex('songplays').pluck('song_id')).toEqual(['SO1']);

    writeFileSync(
      join(root, 'song_data/A/A/A/TR1.json'),
      JSON.stringify(song({ song_id: 'SO1', ...shared, title: 'Retitled' })),
    );
    await loadInto(db.knex, { source: { source: root } });
    expect(await db.knex('songplays').pluck('song_id')).toEqual(['SO2']);
  });

  it('treats "07" and "7" as one user', async () => {
    const db = await freshWarehouse();
    const result = await loadInto(db.knex, {
      source: {
        source: writeFixture({
          'log_data/2018/11/2018-11-01-events.json': ndjson([
            visit({ userId: '07', sessionId: 3, itemInSession: 0, ts: 1541030400000, level: 'free' }),
            visit({ userId: '7', sessionId: 3, itemInSession: 1, ts: 1541030500000, level: 'paid' }),
          ]),
        }),
      },
    });
    expect(result.status).toBe('succeeded');
    expect(await db.knex('users').select('user_id', 'level')).toEqual([{ user_id: 7, level: 'paid' }]);
  });
});
