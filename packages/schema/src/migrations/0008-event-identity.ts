import type { Migration } from '../migration.js';

/*
 * Event identity and provenance (issue #9). A play is identified by (user_id, session_id, item_in_session,
 * start_time) instead of (session_id, item_in_session), which distinct users' events shared; every fact and
 * state row carries the object it came from (etl_objects), so a corrected object can take back what its
 * earlier version contributed. songplays keeps the title, artist and length as played (etl_play_keys, which
 * held them a second time, is dropped).
 *
 * Existing rows have no recorded object: they are given object 0 (key '', which sorts before every real key,
 * so any object that delivers the same event again wins over them). What an earlier version of a corrected
 * object contributed before this migration cannot be told apart: run one `sparkify load --full-refresh` after
 * migrating to make the warehouse exactly equal to a clean load.
 *
 * Redshift cannot change a table's columns' types or add NOT NULL columns without a default, nor change a
 * distribution key in a transaction, so songplays is rebuilt there (CREATE, INSERT … SELECT, DROP, RENAME,
 * all transactional); songplay_id is renumbered (a surrogate: a clean load numbers them afresh too).
 */

const alternatesColumns = `  start_time      TIMESTAMP NOT NULL,
  user_id         INTEGER NOT NULL,
  level           VARCHAR(16),
  session_id      INTEGER NOT NULL,
  item_in_session INTEGER NOT NULL,
  location        VARCHAR(512),
  user_agent      VARCHAR(1024),
  played_title    VARCHAR(512),
  played_artist   VARCHAR(512),
  played_length   DOUBLE PRECISION,
  object_id       INTEGER NOT NULL`;

const userStateColumns = `  user_id         INTEGER NOT NULL,
  object_id       INTEGER NOT NULL,
  ts              BIGINT NOT NULL,
  session_id      INTEGER NOT NULL,
  item_in_session INTEGER NOT NULL,
  level           VARCHAR(16) NOT NULL,
  first_name      VARCHAR(256),
  last_name       VARCHAR(256),
  gender          VARCHAR(8),
  PRIMARY KEY (user_id, object_id)`;

const songVersionsColumns = `  song_id          VARCHAR(32) NOT NULL,
  object_id        INTEGER NOT NULL,
  title            VARCHAR(512) NOT NULL,
  artist_id        VARCHAR(32) NOT NULL,
  year             INTEGER,
  duration         DOUBLE PRECISION,
  artist_name      VARCHAR(512) NOT NULL,
  artist_location  VARCHAR(512),
  artist_latitude  DOUBLE PRECISION,
  artist_longitude DOUBLE PRECISION,
  PRIMARY KEY (song_id, object_id)`;

const objectsColumns = `  object_id  INTEGER NOT NULL,
  dataset    VARCHAR(16) NOT NULL,
  object_key VARCHAR(2048) NOT NULL,
  PRIMARY KEY (object_id)`;

const oldUserStateColumns = `  user_id         INTEGER NOT NULL,
  ts              BIGINT NOT NULL,
  session_id      INTEGER NOT NULL,
  item_in_session INTEGER NOT NULL,
  PRIMARY KEY (user_id)`;

const oldPlayKeysColumns = `  session_id      INTEGER NOT NULL,
  item_in_session INTEGER NOT NULL,
  song            VARCHAR(512),
  artist          VARCHAR(512),
  length          DOUBLE PRECISION,
  PRIMARY KEY (session_id, item_in_session)`;

/** The statements both dialects share, given each dialect's CREATE TABLE suffixes. */
function upStatements(suffix: {
  objects: string;
  alternates: string;
  userState: string;
  songVersions: string;
}): string[] {
  return [
    'ALTER TABLE staging_events ADD COLUMN object_id INTEGER',
    'ALTER TABLE staging_songs ADD COLUMN object_id INTEGER',
    'ALTER TABLE etl_runs ADD COLUMN nextsong_new BIGINT',
    'ALTER TABLE etl_runs ADD COLUMN nextsong_unchanged BIGINT',
    'ALTER TABLE etl_runs ADD COLUMN nextsong_replaced BIGINT',
    'ALTER TABLE etl_runs ADD COLUMN nextsong_conflicting BIGINT',
    `CREATE TABLE etl_objects (\n${objectsColumns}\n)${suffix.objects}`,
    `INSERT INTO etl_objects (object_id, dataset, object_key) VALUES (0, 'legacy', '')`,
    `CREATE TABLE etl_play_alternates (\n${alternatesColumns}\n)${suffix.alternates}`,
    `CREATE TABLE etl_user_state_next (\n${userStateColumns}\n)${suffix.userState}`,
    `INSERT INTO etl_user_state_next (user_id, object_id, ts, session_id, item_in_session, level, first_name,
                                 last_name, gender)
SELECT s.user_id, 0, s.ts, s.session_id, s.item_in_session, u.level, u.first_name, u.last_name, u.gender
FROM etl_user_state s JOIN users u ON u.user_id = s.user_id`,
    'DROP TABLE etl_user_state',
    'ALTER TABLE etl_user_state_next RENAME TO etl_user_state',
    `CREATE TABLE etl_song_versions (\n${songVersionsColumns}\n)${suffix.songVersions}`,
    `INSERT INTO etl_song_versions (song_id, object_id, title, artist_id, year, duration, artist_name,
                               artist_location, artist_latitude, artist_longitude)
SELECT s.song_id, 0, s.title, s.artist_id, s.year, s.duration, k.artist_name, a.location, a.latitude, a.longitude
FROM songs s
JOIN etl_song_keys k ON k.song_id = s.song_id
LEFT JOIN artists a ON a.artist_id = s.artist_id`,
    'ALTER TABLE etl_song_keys ADD COLUMN object_id INTEGER',
    'UPDATE etl_song_keys SET object_id = 0',
  ];
}

/** The reverse of upStatements after songplays is back to its old shape. */
function downStatements(suffix: { userState: string; playKeys: string }): string[] {
  return [
    `CREATE TABLE etl_play_keys (\n${oldPlayKeysColumns}\n)${suffix.playKeys}`,
    `INSERT INTO etl_play_keys (session_id, item_in_session, song, artist, length)
SELECT session_id, item_in_session, played_title, played_artist, played_length
FROM (SELECT session_id, item_in_session, played_title, played_artist, played_length,
             ROW_NUMBER() OVER (PARTITION BY session_id, item_in_session
                                ORDER BY start_time, user_id, songplay_id) AS pick
      FROM songplays) p
WHERE p.pick = 1`,
    'ALTER TABLE etl_song_keys DROP COLUMN object_id',
    'DROP TABLE etl_song_versions',
    `CREATE TABLE etl_user_state_prev (\n${oldUserStateColumns}\n)${suffix.userState}`,
    `INSERT INTO etl_user_state_prev (user_id, ts, session_id, item_in_session)
SELECT user_id, ts, session_id, item_in_session
FROM (SELECT user_id, ts, session_id, item_in_session,
             ROW_NUMBER() OVER (PARTITION BY user_id
                                ORDER BY ts DESC, session_id DESC, item_in_session DESC, object_id DESC) AS pick
      FROM etl_user_state) s
WHERE s.pick = 1`,
    'DROP TABLE etl_user_state',
    'ALTER TABLE etl_user_state_prev RENAME TO etl_user_state',
    'DROP TABLE etl_play_alternates',
    'DROP TABLE etl_objects',
    'ALTER TABLE etl_runs DROP COLUMN nextsong_conflicting',
    'ALTER TABLE etl_runs DROP COLUMN nextsong_replaced',
    'ALTER TABLE etl_runs DROP COLUMN nextsong_unchanged',
    'ALTER TABLE etl_runs DROP COLUMN nextsong_new',
    'ALTER TABLE staging_songs DROP COLUMN object_id',
    'ALTER TABLE staging_events DROP COLUMN object_id',
  ];
}

const songplaysColumns = (distribution: string) => `CREATE TABLE songplays_next (
  songplay_id     BIGINT IDENTITY(0,1) NOT NULL,
  start_time      TIMESTAMP NOT NULL,
  user_id         INTEGER NOT NULL,
  level           VARCHAR(16),
  song_id         VARCHAR(32),
  artist_id       VARCHAR(32),
  session_id      INTEGER NOT NULL,
  item_in_session INTEGER NOT NULL,
  location        VARCHAR(512),
  user_agent      VARCHAR(1024),${distribution === 'next' ? '\n  played_title    VARCHAR(512),\n  played_artist   VARCHAR(512),\n  played_length   DOUBLE PRECISION,\n  object_id       INTEGER NOT NULL,' : ''}
  PRIMARY KEY (songplay_id)
)
${distribution === 'next' ? 'DISTSTYLE KEY DISTKEY (session_id)' : 'DISTSTYLE EVEN'} COMPOUND SORTKEY (start_time)`;

export const eventIdentity: Migration = {
  name: '0008_event_identity',
  up: {
    postgres: [
      ...upStatements({ objects: '', alternates: '', userState: '', songVersions: '' }),
      'ALTER TABLE songplays ADD COLUMN played_title VARCHAR(512)',
      'ALTER TABLE songplays ADD COLUMN played_artist VARCHAR(512)',
      'ALTER TABLE songplays ADD COLUMN played_length DOUBLE PRECISION',
      'ALTER TABLE songplays ADD COLUMN object_id INTEGER NOT NULL DEFAULT 0',
      'ALTER TABLE songplays ALTER COLUMN object_id DROP DEFAULT',
      `UPDATE songplays SET played_title = k.song, played_artist = k.artist, played_length = k.length
FROM etl_play_keys k
WHERE k.session_id = songplays.session_id AND k.item_in_session = songplays.item_in_session`,
      'DROP TABLE etl_play_keys',
      // The lookups a load makes: by identity (anti-joins; start_time first also serves the time clean-up),
      // by object (a corrected object's earlier contribution), and the alternates by identity.
      'CREATE INDEX songplays_identity ON songplays (start_time, user_id, session_id, item_in_session)',
      'CREATE INDEX songplays_object ON songplays (object_id)',
      'CREATE INDEX etl_play_alternates_identity ON etl_play_alternates (start_time, user_id, session_id, item_in_session)',
      'CREATE INDEX etl_play_alternates_object ON etl_play_alternates (object_id)',
      'CREATE INDEX etl_user_state_object ON etl_user_state (object_id)',
      'CREATE INDEX etl_song_versions_object ON etl_song_versions (object_id)',
    ],
    redshift: [
      ...upStatements({
        objects: '\nDISTSTYLE ALL SORTKEY (object_id)',
        alternates: '\nDISTSTYLE KEY DISTKEY (session_id) SORTKEY (session_id)',
        userState: '\nDISTSTYLE ALL SORTKEY (user_id)',
        songVersions: '\nDISTSTYLE ALL SORTKEY (song_id)',
      }),
      songplaysColumns('next'),
      `INSERT INTO songplays_next (start_time, user_id, level, song_id, artist_id, session_id, item_in_session,
                            location, user_agent, played_title, played_artist, played_length, object_id)
SELECT p.start_time, p.user_id, p.level, p.song_id, p.artist_id, p.session_id, p.item_in_session, p.location,
       p.user_agent, k.song, k.artist, k.length, 0
FROM songplays p
LEFT JOIN etl_play_keys k ON k.session_id = p.session_id AND k.item_in_session = p.item_in_session`,
      'DROP TABLE songplays',
      'ALTER TABLE songplays_next RENAME TO songplays',
      'DROP TABLE etl_play_keys',
    ],
  },
  down: {
    postgres: [
      'DROP INDEX etl_song_versions_object',
      'DROP INDEX etl_user_state_object',
      'DROP INDEX songplays_object',
      'DROP INDEX songplays_identity',
      ...downStatements({ userState: '', playKeys: '' }).slice(0, 2),
      'ALTER TABLE songplays DROP COLUMN object_id',
      'ALTER TABLE songplays DROP COLUMN played_length',
      'ALTER TABLE songplays DROP COLUMN played_artist',
      'ALTER TABLE songplays DROP COLUMN played_title',
      ...downStatements({ userState: '', playKeys: '' }).slice(2),
    ],
    redshift: [
      ...downStatements({
        userState: '\nDISTSTYLE ALL SORTKEY (user_id)',
        playKeys: '\nDISTSTYLE EVEN SORTKEY (session_id, item_in_session)',
      }).slice(0, 2),
      songplaysColumns('previous'),
      `INSERT INTO songplays_next (start_time, user_id, level, song_id, artist_id, session_id, item_in_session,
                            location, user_agent)
SELECT start_time, user_id, level, song_id, artist_id, session_id, item_in_session, location, user_agent
FROM songplays`,
      'DROP TABLE songplays',
      'ALTER TABLE songplays_next RENAME TO songplays',
      ...downStatements({
        userState: '\nDISTSTYLE ALL SORTKEY (user_id)',
        playKeys: '\nDISTSTYLE EVEN SORTKEY (session_id, item_in_session)',
      }).slice(2),
    ],
  },
};
