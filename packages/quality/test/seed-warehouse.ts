import type { Knex } from 'knex';
import { migrateTo } from '@sparkify/schema';

/** A reference time just after the seeded load (finished 2018-11-02 00:00:05): its plays and load are fresh. */
export const seededAt = new Date('2018-11-02T06:00:00Z');

/** The events file of the seeded run, as the ledger names it. */
export const eventsObjectKey = 'log_data/2018/11/2018-11-01-events.json';

/** A staged NextSong event the seeded songplays do not hold: planted, it fails the NextSong reconciliation. */
export const unmatchedNextSong = {
  page: 'NextSong',
  session_id: 20,
  item_in_session: 7,
  user_id: '26',
  level: 'free',
  ts: 1541111000000,
};

const event = (overrides: Record<string, unknown>) => ({
  artist: null,
  auth: 'Logged In',
  first_name: 'Lily',
  gender: 'F',
  item_in_session: 0,
  last_name: 'Koch',
  length: null,
  level: 'paid',
  location: 'Chicago-Naperville-Elgin, IL-IN-WI',
  method: 'GET',
  page: 'Home',
  registration: 1541048010796,
  session_id: 10,
  song: null,
  status: 200,
  ts: 1541105830796,
  user_agent: '"Mozilla/5.0"',
  user_id: '15',
  ...overrides,
});

/**
 * Migrates a fresh database and writes, by hand, a small load that is consistent in every way the checks look:
 * three NextSong events (one matched to a song) of two users, a Home event, a logged-out event, and a succeeded
 * run whose files account for every record.
 */
export async function seedWarehouse(knex: Knex): Promise<void> {
  await migrateTo(knex, { dialect: 'postgres' });
  await knex('artists').insert([
    {
      artist_id: 'AR5KOSW1187FB35FF4',
      name: 'Elena',
      location: 'Dubai UAE',
      latitude: 49.8,
      longitude: 15.5,
    },
    {
      artist_id: 'ARD7TVE1187B99BFB1',
      name: 'Casual',
      location: 'California - LA',
      latitude: null,
      longitude: null,
    },
  ]);
  await knex('songs').insert([
    {
      song_id: 'SOZCTXZ12AB0182364',
      title: 'Setanta matins',
      artist_id: 'AR5KOSW1187FB35FF4',
      year: 0,
      duration: 269.58322,
    },
    {
      song_id: 'SOMZWCG12A8C13C480',
      title: "I Didn't Mean To",
      artist_id: 'ARD7TVE1187B99BFB1',
      year: 0,
      duration: 218.93179,
    },
  ]);
  await knex('users').insert([
    { user_id: 15, first_name: 'Lily', last_name: 'Koch', gender: 'F', level: 'paid' },
    { user_id: 26, first_name: 'Ryan', last_name: 'Smith', gender: 'M', level: 'free' },
  ]);
  await knex('time').insert([
    { start_time: '2018-11-01 21:01:46.796', hour: 21, day: 1, week: 44, month: 11, year: 2018, weekday: 4 },
    { start_time: '2018-11-01 21:05:52.796', hour: 21, day: 1, week: 44, month: 11, year: 2018, weekday: 4 },
    { start_time: '2018-11-01 22:23:14.796', hour: 22, day: 1, week: 44, month: 11, year: 2018, weekday: 4 },
  ]);
  const play = { location: 'Chicago-Naperville-Elgin, IL-IN-WI', user_agent: '"Mozilla/5.0"', object_id: 0 };
  await knex('songplays').insert([
    {
      ...play,
      start_time: '2018-11-01 21:01:46.796',
      user_id: 15,
      level: 'paid',
      song_id: 'SOZCTXZ12AB0182364',
      artist_id: 'AR5KOSW1187FB35FF4',
      session_id: 10,
      item_in_session: 1,
    },
    {
      ...play,
      start_time: '2018-11-01 21:05:52.796',
      user_id: 15,
      level: 'paid',
      song_id: null,
      artist_id: null,
      session_id: 10,
      item_in_session: 2,
    },
    {
      ...play,
      start_time: '2018-11-01 22:23:14.796',
      user_id: 26,
      level: 'free',
      song_id: null,
      artist_id: null,
      session_id: 20,
      item_in_session: 0,
    },
  ]);

  await knex('etl_runs').insert({
    status: 'succeeded',
    target: 'postgres',
    source: 'fixtures',
    full_refresh: false,
    started_at: '2018-11-02 00:00:00',
    finished_at: '2018-11-02 00:00:05',
    files_planned: 3,
    files_skipped: 0,
    records_read: 8,
    records_staged: 7,
    records_rejected: 1,
    nextsong_staged: 3,
    songplays_added: 3,
  });
  const [{ run_id: runId } = { run_id: 0 }] = await knex('etl_runs').max<{ run_id: number }[]>({
    run_id: 'run_id',
  });
  await knex('etl_files').insert([
    {
      run_id: runId,
      dataset: 'events',
      object_key: eventsObjectKey,
      etag: 'e1',
      size_bytes: 4000,
      records_read: 6,
      records_staged: 5,
      records_rejected: 1,
    },
    {
      run_id: runId,
      dataset: 'songs',
      object_key: 'song_data/A/A/A/TRAAAAK128F9318786.json',
      etag: 's1',
      size_bytes: 250,
      records_read: 1,
      records_staged: 1,
      records_rejected: 0,
    },
    {
      run_id: runId,
      dataset: 'songs',
      object_key: 'song_data/A/A/B/TRAABJL12903CDCF1A.json',
      etag: 's2',
      size_bytes: 250,
      records_read: 1,
      records_staged: 1,
      records_rejected: 0,
    },
  ]);
  await knex('etl_rejects').insert({
    run_id: runId,
    dataset: 'events',
    object_key: eventsObjectKey,
    line_number: 6,
    field: 'ts',
    reason: 'ts must be an integer',
    raw_record: '{"ts":"soon"}',
  });
  await knex('staging_events').insert([
    event({ page: 'Home', item_in_session: 0, ts: 1541105830000 }),
    event({
      page: 'NextSong',
      item_in_session: 1,
      ts: 1541106106796,
      artist: 'Elena',
      song: 'Setanta matins',
      length: 269.58322,
    }),
    event({
      page: 'NextSong',
      item_in_session: 2,
      ts: 1541106352796,
      artist: 'Nobody',
      song: 'Unknown',
      length: 100,
    }),
    event({
      page: 'NextSong',
      session_id: 20,
      item_in_session: 0,
      ts: 1541110994796,
      user_id: '26',
      first_name: 'Ryan',
      last_name: 'Smith',
      gender: 'M',
      level: 'free',
      artist: 'X',
      song: 'Y',
      length: 1,
    }),
    event({
      page: 'Home',
      session_id: 30,
      auth: 'Logged Out',
      user_id: '',
      first_name: null,
      last_name: null,
      gender: null,
    }),
  ]);
  await knex('staging_songs').insert([
    {
      num_songs: 1,
      artist_id: 'AR5KOSW1187FB35FF4',
      artist_latitude: 49.8,
      artist_longitude: 15.5,
      artist_location: 'Dubai UAE',
      artist_name: 'Elena',
      song_id: 'SOZCTXZ12AB0182364',
      title: 'Setanta matins',
      duration: 269.58322,
      year: 0,
    },
    {
      num_songs: 1,
      artist_id: 'ARD7TVE1187B99BFB1',
      artist_latitude: null,
      artist_longitude: null,
      artist_location: 'California - LA',
      artist_name: 'Casual',
      song_id: 'SOMZWCG12A8C13C480',
      title: "I Didn't Mean To",
      duration: 218.93179,
      year: 0,
    },
  ]);
}
