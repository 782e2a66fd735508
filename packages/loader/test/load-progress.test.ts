import { statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { type LoadProgress, planTransform } from '../src/index.js';
import { loadInto, migratedWarehouses, ndjson, play, song, writeFixture } from './fixtures.js';

const freshWarehouse = migratedWarehouses('loader_progress');

const files = {
  'song_data/A/A/A/TRAAA.json': JSON.stringify(song()),
  'log_data/2018/11/2018-11-05-events.json': ndjson([
    play({ ts: 1541106106796 }),
    play({ ts: 1541106107796 }),
    play({ ts: 1541106108796, userId: '9', level: 'paid' }),
  ]),
};

describe('what a load reports as it goes and when it ends', () => {
  it('stages by bytes towards the planned size, then names each transform step in order', async () => {
    const db = await freshWarehouse();
    const root = writeFixture(files);
    const size = Object.keys(files).reduce((sum, key) => sum + statSync(join(root, key)).size, 0);
    const seen: LoadProgress[] = [];
    await loadInto(db.knex, { source: { source: root }, onProgress: (progress) => seen.push(progress) });
    const staging = seen.filter((progress) => progress.stage === 'stage');
    expect(staging.length).toBeGreaterThan(0);
    for (const progress of staging) expect(progress.bytesTotal).toBe(size);
    expect(staging.at(-1)).toMatchObject({ bytes: size, objectsDone: 2, objectsTotal: 2 });
    const steps = seen.flatMap((progress) => (progress.stage === 'transform' ? [progress.step] : []));
    expect(steps).toEqual([
      'starting',
      'songs and artists',
      'matching plays to songs',
      'plays and time',
      'users',
      'ledger',
    ]);
  });

  it('counts each star table before and after: a full refresh of the same files changes none', async () => {
    const db = await freshWarehouse();
    const root = writeFixture(files);
    const first = await loadInto(db.knex, { source: { source: root } });
    expect(first.stages.transform.tables).toEqual([
      { table: 'songplays', before: 0, after: 3 },
      { table: 'users', before: 0, after: 2 },
      { table: 'songs', before: 0, after: 1 },
      { table: 'artists', before: 0, after: 1 },
      { table: 'time', before: 0, after: 3 },
    ]);
    const again = await loadInto(db.knex, { source: { source: root }, fullRefresh: true });
    expect(again.stages.transform.tables.map(({ table, before, after }) => [table, before, after])).toEqual([
      ['songplays', 3, 3],
      ['users', 2, 2],
      ['songs', 1, 1],
      ['artists', 1, 1],
      ['time', 3, 3],
    ]);
  });

  it('runs exactly the statements planTransform lists (what a dry run prints), in that order', async () => {
    const db = await freshWarehouse();
    const sent: string[] = [];
    const record = (query: { sql: string }) => sent.push(query.sql.trim());
    const sentOf = (shape: Parameters<typeof planTransform>[0]) => {
      const planned = planTransform(shape).map((statement) => statement.sql.trim());
      const plannedSet = new Set(planned);
      return { planned, sent: sent.splice(0).filter((sql) => plannedSet.has(sql)) };
    };
    db.knex.on('query', record);
    let first;
    try {
      // A first load: the staged plays are ranked straight from staging, nothing earlier competes.
      await loadInto(db.knex, { source: { source: writeFixture(files) } });
      first = sentOf({ fullRefresh: false, songsLoaded: true, eventsLoaded: true, hadSongplays: false });
      // Songs and events again, into a warehouse that has plays: the fullest shape (earlier plays re-matched).
      await loadInto(db.knex, {
        source: {
          source: writeFixture({
            'song_data/B/B/B/TRBBB.json': JSON.stringify(
              song({ song_id: 'SOBBBBBBBBBBBBBBBB', title: 'Two' }),
            ),
            'log_data/2018/11/2018-11-06-events.json': ndjson([play({ ts: 1541206106796, song: 'Two' })]),
          }),
        },
      });
    } finally {
      db.knex.removeListener('query', record);
    }
    expect(first.planned.join('\n')).toContain('CREATE TEMP TABLE ranked_plays AS');
    expect(first.planned.join('\n')).not.toContain('play_candidates');
    expect(first.sent).toEqual(first.planned);
    const second = sentOf({ fullRefresh: false, songsLoaded: true, eventsLoaded: true, hadSongplays: true });
    expect(second.planned).toContain('DROP TABLE song_matches');
    expect(second.planned.join('\n')).toContain('play_candidates');
    expect(second.sent).toEqual(second.planned);
  });
});
