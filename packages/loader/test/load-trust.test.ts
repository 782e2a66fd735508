import { mkdirSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { Knex } from 'knex';
import { describe, expect, it } from 'vitest';
import { folderSink, generateDataset } from '@sparkify/generator';
import {
  loadInto,
  migratedWarehouses,
  ndjson,
  play,
  song,
  starSnapshot,
  visit,
  writeFixture,
  temporaryFolder,
} from './fixtures.js';

const freshWarehouse = migratedWarehouses('loader_trust');

let mtime = Date.UTC(2021, 0, 1) / 1000;
/** Rewrites an object in place (same key) with a new ETag: a local ETag is size + mtime. */
function rewrite(root: string, key: string, content: string): void {
  const path = join(root, key);
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, content);
  mtime += 10;
  utimesSync(path, mtime, mtime);
}

const rows = async (knex: Knex, sql: string) =>
  (await knex.raw<{ rows: Record<string, unknown>[] }>(sql)).rows;

const day = 'log_data/2018/11/2018-11-05-events.json';
const songKey = 'song_data/A/A/A/TRAAA.json';
const ts = Date.UTC(2018, 10, 5, 10);

describe('event identity', () => {
  it('a demo-like dataset, then another one into the same warehouse: no play lost', async () => {
    const first = temporaryFolder('sparkify-trust-a-');
    const second = temporaryFolder('sparkify-trust-b-');
    try {
      // Two seeds, as two real datasets would differ: their session ids and items overlap all the time.
      const a = await generateDataset(
        { events: 3000, songs: 100, days: 3, seed: 42, startDate: '2018-11-01' },
        folderSink(first),
      );
      const b = await generateDataset(
        { events: 3000, songs: 100, days: 3, seed: 7, startDate: '2018-11-04' },
        folderSink(second),
      );
      const db = await freshWarehouse();
      const loadedA = await loadInto(db.knex, { source: { source: first } });
      expect(loadedA.stages.transform.nextsongNew).toBe(a.nextSongEvents);
      const loadedB = await loadInto(db.knex, { source: { source: second } });
      expect(loadedB.status).toBe('succeeded');
      expect(loadedB.stages.transform).toMatchObject({
        nextsongStaged: b.nextSongEvents,
        nextsongNew: b.nextSongEvents,
        nextsongUnchanged: 0,
        nextsongConflicting: 0,
        songplaysAdded: b.nextSongEvents,
      });
      expect(await rows(db.knex, 'SELECT COUNT(*)::int AS n FROM songplays')).toEqual([
        { n: a.nextSongEvents + b.nextSongEvents },
      ]);
    } finally {
      rmSync(first, { recursive: true, force: true });
      rmSync(second, { recursive: true, force: true });
    }
  });

  it('keeps two users’ events that share session and item', async () => {
    const db = await freshWarehouse();
    await loadInto(db.knex, {
      source: {
        source: writeFixture({
          [day]: ndjson([
            play({ userId: '1', sessionId: 3, itemInSession: 0, ts }),
            play({ userId: '2', sessionId: 3, itemInSession: 0, ts: ts + 5000 }),
          ]),
        }),
      },
    });
    expect(await db.knex('songplays').orderBy('user_id').pluck('user_id')).toEqual([1, 2]);
  });
});

describe('a corrected file (same key, new content)', () => {
  it('is what the star shows: level, song match and user; a dropped play and its time go', async () => {
    const root = writeFixture({
      [songKey]: JSON.stringify(song({ song_id: 'SO1', title: 'Song A', artist_name: 'Art', duration: 100 })),
    });
    rewrite(
      root,
      day,
      ndjson([
        play({
          userId: '5',
          sessionId: 1,
          itemInSession: 0,
          ts,
          level: 'free',
          song: 'Song A',
          artist: 'Art',
          length: 100,
        }),
        visit({
          userId: '5',
          sessionId: 1,
          itemInSession: 1,
          ts: ts + 1000,
          level: 'free',
          firstName: 'Ann',
        }),
      ]),
    );
    const db = await freshWarehouse();
    await loadInto(db.knex, { source: { source: root } });
    expect(await rows(db.knex, 'SELECT level, song_id FROM songplays')).toEqual([
      { level: 'free', song_id: 'SO1' },
    ]);

    const corrected = ndjson([
      play({
        userId: '5',
        sessionId: 1,
        itemInSession: 0,
        ts,
        level: 'paid',
        song: 'Other',
        artist: 'Art',
        length: 100,
      }),
      visit({ userId: '5', sessionId: 1, itemInSession: 1, ts: ts + 1000, level: 'paid', firstName: 'Zed' }),
    ]);
    rewrite(root, day, corrected);
    const result = await loadInto(db.knex, { source: { source: root } });
    expect(result.plan.toLoad).toBe(1);
    expect(result.stages.transform).toMatchObject({
      nextsongStaged: 1,
      nextsongReplaced: 1,
      songplaysAdded: 0,
    });
    expect(await rows(db.knex, 'SELECT level, song_id, played_title FROM songplays')).toEqual([
      { level: 'paid', song_id: null, played_title: 'Other' },
    ]);
    expect(await rows(db.knex, 'SELECT level, first_name FROM users')).toEqual([
      { level: 'paid', first_name: 'Zed' },
    ]);
    const clean = await freshWarehouse();
    await loadInto(clean.knex, {
      source: {
        source: writeFixture({
          [songKey]: JSON.stringify(
            song({ song_id: 'SO1', title: 'Song A', artist_name: 'Art', duration: 100 }),
          ),
          [day]: corrected,
        }),
      },
    });
    expect(await starSnapshot(db.knex)).toEqual(await starSnapshot(clean.knex));

    // Corrected again, without the play: its songplay and its time row go; the user stays (the visit).
    rewrite(
      root,
      day,
      ndjson([visit({ userId: '5', sessionId: 1, itemInSession: 1, ts: ts + 1000, level: 'free' })]),
    );
    const dropped = await loadInto(db.knex, { source: { source: root } });
    expect(dropped.stages.transform).toMatchObject({
      nextsongStaged: 0,
      songplaysRemoved: 1,
      songplaysAdded: -1,
    });
    expect(await rows(db.knex, 'SELECT COUNT(*)::int AS n FROM songplays')).toEqual([{ n: 0 }]);
    expect(await rows(db.knex, 'SELECT COUNT(*)::int AS n FROM time')).toEqual([{ n: 0 }]);
    expect(await rows(db.knex, 'SELECT level FROM users')).toEqual([{ level: 'free' }]);
  });
});

describe('the same event from two objects with different content', () => {
  const a = 'log_data/2018/11/a-events.json';
  const b = 'log_data/2018/11/b-events.json';
  const event = (level: string, location: string) =>
    ndjson([play({ userId: '8', sessionId: 4, itemInSession: 2, ts, level, location })]);

  it('is resolved the same in both arrival orders (the greatest key wins) and counted', async () => {
    const outcomes = [];
    const snapshots = [];
    for (const order of [
      [a, b],
      [b, a],
    ]) {
      const db = await freshWarehouse();
      const root = temporaryFolder('sparkify-trust-conflict-');
      const content: Record<string, string> = { [a]: event('free', 'Alpha'), [b]: event('paid', 'Beta') };
      rewrite(root, order[0]!, content[order[0]!]!);
      await loadInto(db.knex, { source: { source: root } });
      rewrite(root, order[1]!, content[order[1]!]!);
      const second = await loadInto(db.knex, { source: { source: root } });
      outcomes.push(second.stages.transform.nextsongConflicting);
      snapshots.push(await starSnapshot(db.knex));
      expect(await rows(db.knex, 'SELECT level, location FROM songplays')).toEqual([
        { level: 'paid', location: 'Beta' },
      ]);
      expect(await rows(db.knex, 'SELECT level, location FROM etl_play_alternates')).toEqual([
        { level: 'free', location: 'Alpha' },
      ]);

      // b corrected without the event: a's occurrence takes over.
      rewrite(root, b, ndjson([visit({ userId: '8', sessionId: 4, itemInSession: 3, ts: ts - 1000 })]));
      await loadInto(db.knex, { source: { source: root } });
      expect(await rows(db.knex, 'SELECT level, location FROM songplays')).toEqual([
        { level: 'free', location: 'Alpha' },
      ]);
      expect(await rows(db.knex, 'SELECT COUNT(*)::int AS n FROM etl_play_alternates')).toEqual([{ n: 0 }]);
    }
    expect(outcomes).toEqual([1, 1]);
    expect(snapshots[1]).toEqual(snapshots[0]);
  });

  it('counts an identical copy in another object as re-delivered unchanged, once', async () => {
    const db = await freshWarehouse();
    const root = temporaryFolder('sparkify-trust-copy-');
    rewrite(root, a, event('free', 'Alpha'));
    await loadInto(db.knex, { source: { source: root } });
    rewrite(root, b, event('free', 'Alpha'));
    const copy = await loadInto(db.knex, { source: { source: root } });
    expect(copy.stages.transform).toMatchObject({
      nextsongStaged: 1,
      nextsongNew: 0,
      nextsongUnchanged: 1,
      nextsongConflicting: 0,
      songplaysAdded: 0,
    });
  });
});

describe('a song_id delivered again with different content', () => {
  const low = 'song_data/A/A/A/TRLOW.json';
  const high = 'song_data/B/B/B/TRHIGH.json';
  const plays = ndjson([
    play({ userId: '3', sessionId: 9, itemInSession: 0, ts, song: 'Old Title', artist: 'Band', length: 90 }),
    play({
      userId: '3',
      sessionId: 9,
      itemInSession: 1,
      ts: ts + 1000,
      song: 'New Title',
      artist: 'Band',
      length: 90,
    }),
  ]);
  const version = (title: string) =>
    JSON.stringify(song({ song_id: 'SO9', title, artist_id: 'AR9', artist_name: 'Band', duration: 90 }));

  it('follows the greatest-key rule in both orders, and plays follow the winning title', async () => {
    const snapshots = [];
    for (const order of [
      [low, high],
      [high, low],
    ]) {
      const db = await freshWarehouse();
      const root = writeFixture({ [day]: plays });
      const content: Record<string, string> = { [low]: version('Old Title'), [high]: version('New Title') };
      rewrite(root, order[0]!, content[order[0]!]!);
      await loadInto(db.knex, { source: { source: root } });
      rewrite(root, order[1]!, content[order[1]!]!);
      await loadInto(db.knex, { source: { source: root } });
      expect(await rows(db.knex, 'SELECT song_id, title FROM songs')).toEqual([
        { song_id: 'SO9', title: 'New Title' },
      ]);
      expect(
        await rows(db.knex, 'SELECT played_title, song_id FROM songplays ORDER BY item_in_session'),
      ).toEqual([
        { played_title: 'Old Title', song_id: null },
        { played_title: 'New Title', song_id: 'SO9' },
      ]);
      snapshots.push(await starSnapshot(db.knex));

      // The winning file corrected to another song: SO9 falls back to the other version, and plays re-match.
      rewrite(
        root,
        high,
        JSON.stringify(song({ song_id: 'SO10', title: 'Else', artist_id: 'AR9', duration: 3 })),
      );
      await loadInto(db.knex, { source: { source: root } });
      expect(await rows(db.knex, "SELECT title FROM songs WHERE song_id = 'SO9'")).toEqual([
        { title: 'Old Title' },
      ]);
      expect(await rows(db.knex, 'SELECT song_id FROM songplays ORDER BY item_in_session')).toEqual([
        { song_id: 'SO9' },
        { song_id: null },
      ]);
    }
    expect(snapshots[1]).toEqual(snapshots[0]);
  });
});

describe('trailing spaces', () => {
  it('match as Redshift compares VARCHARs (trailing blanks ignored), on PostgreSQL too', async () => {
    const db = await freshWarehouse();
    await loadInto(db.knex, {
      source: {
        source: writeFixture({
          'song_data/A/A/A/TR1.json': JSON.stringify(
            song({ song_id: 'SO1', title: 'Hello ', artist_name: 'Band ', artist_id: 'AR1', duration: 100 }),
          ),
          'song_data/A/A/A/TR2.json': JSON.stringify(
            song({ song_id: 'SO2', title: 'World', artist_name: 'Band', artist_id: 'AR1', duration: 200 }),
          ),
          [day]: ndjson([
            play({ sessionId: 1, itemInSession: 0, ts, song: 'Hello', artist: 'Band', length: 100 }),
            play({
              sessionId: 1,
              itemInSession: 1,
              ts: ts + 1,
              song: 'World  ',
              artist: 'Band ',
              length: 200,
            }),
            play({ sessionId: 1, itemInSession: 2, ts: ts + 2, song: ' World', artist: 'Band', length: 200 }),
          ]),
        }),
      },
    });
    expect(
      await rows(db.knex, 'SELECT played_title, song_id FROM songplays ORDER BY item_in_session'),
    ).toEqual([
      { played_title: 'Hello', song_id: 'SO1' },
      { played_title: 'World  ', song_id: 'SO2' },
      // Leading blanks count on Redshift too.
      { played_title: ' World', song_id: null },
    ]);
  });
});
