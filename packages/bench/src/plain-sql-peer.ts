import { createReadStream, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';

/**
 * The peer a user would write instead of this project: `\copy` every raw JSON line into a one-column table, then
 * INSERT … SELECT with PostgreSQL's JSON functions into the same star, by the same rules (one songplay per event
 * identity, songs matched on title + the song's own artist name + duration with the lowest song_id, the latest
 * event decides a user's level, each play time once). No validation, no ledger, no incremental loads.
 */
export const peerSchemaSql = [
  'DROP SCHEMA IF EXISTS peer CASCADE',
  'CREATE SCHEMA peer',
  'CREATE TABLE peer.raw_events (line text)',
  'CREATE TABLE peer.raw_songs (doc text)',
  `CREATE TABLE peer.songs (song_id varchar(32) PRIMARY KEY, title varchar(512) NOT NULL,
     artist_id varchar(32) NOT NULL, year integer, duration double precision NOT NULL)`,
  `CREATE TABLE peer.artists (artist_id varchar(32) PRIMARY KEY, name varchar(512) NOT NULL,
     location varchar(512), latitude double precision, longitude double precision)`,
  `CREATE TABLE peer.users (user_id integer PRIMARY KEY, first_name varchar(256), last_name varchar(256),
     gender varchar(8), level varchar(16))`,
  `CREATE TABLE peer.time (start_time timestamp PRIMARY KEY, hour smallint, day smallint, week smallint,
     month smallint, year smallint, weekday smallint)`,
  `CREATE TABLE peer.songplays (songplay_id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
     start_time timestamp NOT NULL, user_id integer NOT NULL, level varchar(16), song_id varchar(32),
     artist_id varchar(32), session_id integer NOT NULL, item_in_session integer NOT NULL, location varchar(512),
     user_agent varchar(1024), played_title varchar(512), played_artist varchar(512),
     played_length double precision, UNIQUE (user_id, session_id, item_in_session, start_time))`,
];

/** The transform, as a user would write it after `\copy`: one parse per raw line, then plain INSERT … SELECT. */
export const peerTransformSql = [
  `CREATE TEMP TABLE ev AS
   SELECT r.* FROM peer.raw_events, json_to_record(line::json) AS r(
     artist text, "firstName" text, gender text, "itemInSession" integer, "lastName" text,
     length double precision, level text, location text, page text, "sessionId" integer, song text, ts bigint,
     "userAgent" text, "userId" text)`,
  `CREATE TEMP TABLE so AS
   SELECT r.* FROM peer.raw_songs, json_to_record(doc::json) AS r(
     song_id text, title text, artist_id text, year integer, duration double precision, artist_name text,
     artist_location text, artist_latitude double precision, artist_longitude double precision)`,
  `INSERT INTO peer.songs
   SELECT DISTINCT ON (song_id) song_id, title, artist_id, year, duration FROM so ORDER BY song_id, title`,
  `INSERT INTO peer.artists
   SELECT DISTINCT ON (artist_id) artist_id, artist_name, NULLIF(artist_location, ''), artist_latitude,
          artist_longitude
   FROM so ORDER BY artist_id, song_id`,
  `INSERT INTO peer.songplays (start_time, user_id, level, song_id, artist_id, session_id, item_in_session,
                               location, user_agent, played_title, played_artist, played_length)
   SELECT DISTINCT ON (e."userId"::integer, e."sessionId", e."itemInSession", e.ts)
          TIMESTAMP 'epoch' + e.ts / 1000.0 * INTERVAL '1 second', e."userId"::integer, e.level, m.song_id,
          m.artist_id, e."sessionId", e."itemInSession", e.location, e."userAgent", e.song, e.artist, e.length
   FROM ev e
   LEFT JOIN (SELECT DISTINCT ON (title, artist_name, duration) title, artist_name, duration, song_id, artist_id
              FROM so ORDER BY title, artist_name, duration, song_id) m
     ON m.title = e.song AND m.artist_name = e.artist AND m.duration = e.length
   WHERE e.page = 'NextSong'
   ORDER BY e."userId"::integer, e."sessionId", e."itemInSession", e.ts`,
  `INSERT INTO peer.users
   SELECT DISTINCT ON ("userId"::integer) "userId"::integer, "firstName", "lastName", gender, level
   FROM ev WHERE "userId" <> ''
   ORDER BY "userId"::integer, ts DESC, "sessionId" DESC, "itemInSession" DESC`,
  `INSERT INTO peer.time
   SELECT DISTINCT start_time, EXTRACT(hour FROM start_time), EXTRACT(day FROM start_time),
          EXTRACT(week FROM start_time), EXTRACT(month FROM start_time), EXTRACT(year FROM start_time),
          EXTRACT(dow FROM start_time)
   FROM peer.songplays`,
];

/** What the peer produced and how long it took, from the first `\copy` to the last INSERT. */
export interface PeerRun {
  seconds: number;
  copySeconds: number;
  songplays: number;
  users: number;
  songs: number;
  time: number;
}

function filesUnder(folder: string): string[] {
  return readdirSync(folder, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile() && entry.name.endsWith('.json'))
    .map((entry) => join(entry.parentPath, entry.name))
    .sort();
}

// psql's \copy in CSV mode with quote and delimiter characters that never occur in JSON text takes each line whole.
const rawLineCopy = (table: string, column: string) =>
  `COPY peer.${table} (${column}) FROM STDIN WITH (FORMAT csv, QUOTE E'\\x01', DELIMITER E'\\x02')`;

function* songLines(files: readonly string[]): Generator<string> {
  // Pretty-printed song files become one line each, as `jq -c` would make them.
  for (const file of files) yield `${readFileSync(file, 'utf8').replace(/\r?\n/g, ' ')}\n`;
}

async function* logLines(files: readonly string[]): AsyncGenerator<Buffer> {
  for (const file of files) {
    for await (const chunk of createReadStream(file, { highWaterMark: 1 << 20 })) yield chunk as Buffer;
    // The public log files end without a newline; the next file must start on a line of its own.
    yield Buffer.from('\n');
  }
}

/** Runs the plain-SQL peer over a source folder (song_data/, log_data/) into the `peer` schema of `url`. */
export async function runPlainSqlPeer(url: string, sourceFolder: string): Promise<PeerRun> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    for (const statement of peerSchemaSql) await client.query(statement);
    await client.query('CHECKPOINT');
    const began = performance.now();
    await pipeline(
      Readable.from(songLines(filesUnder(join(sourceFolder, 'song_data')))),
      client.query(copyFrom(rawLineCopy('raw_songs', 'doc'))),
    );
    await pipeline(
      Readable.from(logLines(filesUnder(join(sourceFolder, 'log_data')))),
      client.query(copyFrom(rawLineCopy('raw_events', 'line'))),
    );
    // Empty lines (an empty day, the separators above) are not events.
    await client.query(`DELETE FROM peer.raw_events WHERE line IS NULL OR line = ''`);
    const copySeconds = (performance.now() - began) / 1000;
    await client.query('BEGIN');
    for (const statement of peerTransformSql) await client.query(statement);
    await client.query('COMMIT');
    const seconds = (performance.now() - began) / 1000;
    const counted = await client.query<Record<string, string>>(
      `SELECT (SELECT COUNT(*) FROM peer.songplays) AS songplays, (SELECT COUNT(*) FROM peer.users) AS users,
              (SELECT COUNT(*) FROM peer.songs) AS songs, (SELECT COUNT(*) FROM peer.time) AS time`,
    );
    const row = counted.rows[0]!;
    await client.query('DROP SCHEMA peer CASCADE');
    return {
      seconds,
      copySeconds,
      songplays: Number(row.songplays),
      users: Number(row.users),
      songs: Number(row.songs),
      time: Number(row.time),
    };
  } finally {
    await client.end();
  }
}
