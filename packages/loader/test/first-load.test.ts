import { describe, expect, it } from 'vitest';
import { loadInto, migratedWarehouses, ndjson, play, song, writeFixture } from './fixtures.js';

const freshWarehouse = migratedWarehouses('loader_first_load');

const files = {
  'song_data/A/A/A/TRAAA.json': JSON.stringify(song()),
  'log_data/2018/11/2018-11-05-events.json': ndjson([
    play({ ts: 1541106106796 }),
    play({ ts: 1541106107796, userId: '9' }),
  ]),
};

/** songplays' indexes as the catalog has them: name and definition. */
async function songplaysIndexes(knex: Parameters<typeof loadInto>[0]) {
  const result = await knex.raw<{ rows: { name: string; definition: string }[] }>(
    `SELECT indexname AS name, indexdef AS definition FROM pg_indexes WHERE tablename = 'songplays' ORDER BY 1`,
  );
  return result.rows;
}

describe('a first load into an empty warehouse', () => {
  it('builds songplays’ secondary indexes after the rows, leaving the indexes the migrations made', async () => {
    const db = await freshWarehouse();
    const migrated = await songplaysIndexes(db.knex);
    expect(migrated.map((index) => index.name)).toEqual([
      'songplays_identity',
      'songplays_object',
      'songplays_pkey',
    ]);
    const sent: string[] = [];
    const record = (query: { sql: string }) => sent.push(query.sql.trim());
    db.knex.on('query', record);
    try {
      await loadInto(db.knex, { source: { source: writeFixture(files) } });
    } finally {
      db.knex.removeListener('query', record);
    }
    expect(sent.filter((sql) => /^(DROP|CREATE) INDEX/.test(sql))).toEqual([
      'DROP INDEX "public"."songplays_identity"',
      'DROP INDEX "public"."songplays_object"',
      'CREATE INDEX songplays_identity ON public.songplays USING btree (start_time, user_id, session_id, item_in_session)',
      'CREATE INDEX songplays_object ON public.songplays USING btree (object_id)',
    ]);
    expect(await songplaysIndexes(db.knex)).toEqual(migrated);
    expect((await db.knex('songplays').count({ n: '*' }))[0]?.n).toBe('2');

    // The next load finds plays there: it keeps the indexes as they are.
    sent.length = 0;
    db.knex.on('query', record);
    try {
      await loadInto(db.knex, {
        source: {
          source: writeFixture({
            ...files,
            'log_data/2018/11/2018-11-06-events.json': ndjson([play({ ts: 1541206106796 })]),
          }),
        },
      });
    } finally {
      db.knex.removeListener('query', record);
    }
    expect(sent.filter((sql) => /INDEX/.test(sql))).toEqual([]);
    // The transform's temporary tables are analyzed from samples of the load's size, like the staged rows.
    expect(sent.filter((sql) => sql.startsWith('SET LOCAL'))).toEqual([
      "SET LOCAL work_mem = '256MB'",
      'SET LOCAL default_statistics_target = 10',
    ]);
    expect(await songplaysIndexes(db.knex)).toEqual(migrated);
    // Its temporary tables are analyzed once each (the play tables in the columns later plans look at): no competing
    // occurrence was found to add to the candidates.
    expect(sent.filter((sql) => sql.startsWith('ANALYZE "'))).toEqual([
      'ANALYZE "load_objects"',
      'ANALYZE "song_matches"',
      'ANALYZE "old_plays"',
      'ANALYZE "play_candidates" ("start_time", "user_id", "session_id", "item_in_session", "object_id", "staged")',
      'ANALYZE "touched_times"',
      'ANALYZE "ranked_plays" ("start_time", "user_id", "session_id", "item_in_session", "object_id", "staged", ' +
        '"pick", "occurrences", "earlier", "played_title", "played_artist", "played_length")',
    ]);
  });
});
