import type { Knex } from 'knex';

const starQueries: Record<string, string> = {
  songplays:
    'SELECT start_time, user_id, level, song_id, artist_id, session_id, item_in_session, location, user_agent, ' +
    'played_title, played_artist, played_length FROM songplays ' +
    'ORDER BY start_time, user_id, session_id, item_in_session',
  users: 'SELECT * FROM users ORDER BY user_id',
  songs: 'SELECT * FROM songs ORDER BY song_id',
  artists: 'SELECT * FROM artists ORDER BY artist_id',
  time: 'SELECT * FROM time ORDER BY start_time',
};

/**
 * Every star table's rows, sorted, for comparing two warehouses. songplay_id (a surrogate) and object_id (which
 * object a play came from: ids are handed out in arrival order) are left out.
 */
export async function starSnapshot(knex: Knex): Promise<Record<string, unknown[]>> {
  const snapshot: Record<string, unknown[]> = {};
  for (const [name, sql] of Object.entries(starQueries))
    snapshot[name] = (await knex.raw<{ rows: unknown[] }>(sql)).rows;
  return snapshot;
}
