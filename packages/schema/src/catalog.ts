/**
 * The one catalog of tables: names, columns in source/COPY order, keys and physical hints.
 * Migrations are frozen SQL; a test proves that a migrated database matches this catalog, and the loader and
 * quality packages read their column lists from here instead of repeating them.
 */

export type ColumnType =
  | { kind: 'varchar'; bytes: number }
  | { kind: 'smallint' }
  | { kind: 'integer' }
  | { kind: 'bigint' }
  | { kind: 'double' }
  | { kind: 'boolean' }
  | { kind: 'timestamp' };

export interface Column {
  name: string;
  type: ColumnType;
  nullable: boolean;
  /** Filled by the database (IDENTITY); never part of an INSERT or COPY column list. */
  identity?: boolean;
  /** The source JSON key this staging column is read from (case-sensitive). */
  jsonKey?: string;
}

export type TableRole = 'staging' | 'fact' | 'dimension' | 'ledger' | 'state';

export interface Table {
  name: string;
  /** What the table is for: the star's facts and dimensions are the tables a load rewrites (`starTables`). */
  role: TableRole;
  columns: readonly Column[];
  /** Informational on Redshift, enforced on PostgreSQL; the loader guarantees it either way. */
  primaryKey?: readonly string[];
  /** The natural identity of a row where it differs from the primary key (songplays: one event). */
  naturalKey?: readonly string[];
  redshift: {
    diststyle: 'ALL' | 'EVEN' | 'AUTO' | 'KEY';
    /** With diststyle KEY: the column rows are hashed on (tables joined on it share it). */
    distkey?: string;
    sortkey?: readonly string[];
    backup?: boolean;
  };
}

const varchar = (bytes: number): ColumnType => ({ kind: 'varchar', bytes });
const integer: ColumnType = { kind: 'integer' };
const bigint: ColumnType = { kind: 'bigint' };
const smallint: ColumnType = { kind: 'smallint' };
const double: ColumnType = { kind: 'double' };
const boolean: ColumnType = { kind: 'boolean' };
const timestamp: ColumnType = { kind: 'timestamp' };

const col = (name: string, type: ColumnType, nullable = true, extra: Partial<Column> = {}): Column => ({
  name,
  type,
  nullable,
  ...extra,
});
const src = (name: string, jsonKey: string, type: ColumnType): Column => col(name, type, true, { jsonKey });

/** One user-activity event per row, mirroring the 18 log keys in source order. */
export const stagingEvents: Table = {
  name: 'staging_events',
  role: 'staging',
  columns: [
    src('artist', 'artist', varchar(512)),
    src('auth', 'auth', varchar(32)),
    src('first_name', 'firstName', varchar(256)),
    src('gender', 'gender', varchar(8)),
    src('item_in_session', 'itemInSession', integer),
    src('last_name', 'lastName', varchar(256)),
    src('length', 'length', double),
    src('level', 'level', varchar(16)),
    src('location', 'location', varchar(512)),
    src('method', 'method', varchar(16)),
    src('page', 'page', varchar(64)),
    src('registration', 'registration', double),
    src('session_id', 'sessionId', integer),
    src('song', 'song', varchar(512)),
    src('status', 'status', integer),
    src('ts', 'ts', bigint),
    src('user_agent', 'userAgent', varchar(1024)),
    src('user_id', 'userId', varchar(32)),
    // Filled by the stager, not read from the JSON: which etl_objects row each staged record came from.
    col('object_id', integer),
  ],
  redshift: { diststyle: 'EVEN', backup: false },
};

/** One song per row, mirroring the 10 song keys (already lower-case, so Redshift's JSON 'auto' maps them). */
export const stagingSongs: Table = {
  name: 'staging_songs',
  role: 'staging',
  columns: [
    src('num_songs', 'num_songs', integer),
    src('artist_id', 'artist_id', varchar(32)),
    src('artist_latitude', 'artist_latitude', double),
    src('artist_longitude', 'artist_longitude', double),
    src('artist_location', 'artist_location', varchar(512)),
    src('artist_name', 'artist_name', varchar(512)),
    src('song_id', 'song_id', varchar(32)),
    src('title', 'title', varchar(512)),
    src('duration', 'duration', double),
    src('year', 'year', integer),
    col('object_id', integer),
  ],
  redshift: { diststyle: 'EVEN', backup: false },
};

/**
 * Where records wait, whole, for the warehouse's validation pass (migration 0009): `raw` is what a Redshift COPY
 * fills (one SUPER column, Redshift only), `docs` the same documents with their object id (SUPER on Redshift,
 * JSONB on PostgreSQL). Not in `catalog`: they hold no column of the format, only documents.
 */
export const stagingDocuments = {
  events: { raw: 'staging_events_raw', docs: 'staging_events_docs' },
  songs: { raw: 'staging_songs_raw', docs: 'staging_songs_docs' },
} as const;

/** The event identity: two distinct events never share it (session ids repeat across users, apps and years). */
export const eventIdentity = ['user_id', 'session_id', 'item_in_session', 'start_time'] as const;

/**
 * One row per NextSong event (its identity: user, session, item, start time); song_id/artist_id are NULL when no
 * song matches; played_* are the title, artist and length as played.
 */
export const songplays: Table = {
  name: 'songplays',
  role: 'fact',
  columns: [
    col('songplay_id', bigint, false, { identity: true }),
    col('start_time', timestamp, false),
    col('user_id', integer, false),
    col('level', varchar(16)),
    col('song_id', varchar(32)),
    col('artist_id', varchar(32)),
    col('session_id', integer, false),
    col('item_in_session', integer, false),
    col('location', varchar(512)),
    col('user_agent', varchar(1024)),
    col('played_title', varchar(512)),
    col('played_artist', varchar(512)),
    col('played_length', double),
    // The etl_objects row this play came from (0: loaded before provenance was kept).
    col('object_id', integer, false),
  ],
  primaryKey: ['songplay_id'],
  naturalKey: eventIdentity,
  redshift: { diststyle: 'KEY', distkey: 'session_id', sortkey: ['start_time'] },
};

/** Everyone who used the app logged in; level from their latest event. */
export const users: Table = {
  name: 'users',
  role: 'dimension',
  columns: [
    col('user_id', integer, false),
    col('first_name', varchar(256)),
    col('last_name', varchar(256)),
    col('gender', varchar(8)),
    col('level', varchar(16), false),
  ],
  primaryKey: ['user_id'],
  redshift: { diststyle: 'ALL', sortkey: ['user_id'] },
};

/** Songs from the song metadata. */
export const songs: Table = {
  name: 'songs',
  role: 'dimension',
  columns: [
    col('song_id', varchar(32), false),
    col('title', varchar(512), false),
    col('artist_id', varchar(32), false),
    col('year', integer),
    col('duration', double),
  ],
  primaryKey: ['song_id'],
  redshift: { diststyle: 'ALL', sortkey: ['song_id'] },
};

/** Artists from the song metadata; attributes from the artist’s song with the lowest song_id. */
export const artists: Table = {
  name: 'artists',
  role: 'dimension',
  columns: [
    col('artist_id', varchar(32), false),
    col('name', varchar(512), false),
    col('location', varchar(512)),
    col('latitude', double),
    col('longitude', double),
  ],
  primaryKey: ['artist_id'],
  redshift: { diststyle: 'ALL', sortkey: ['artist_id'] },
};

/** Each distinct songplay start_time once, broken into parts (week is ISO, weekday 0 = Sunday). */
export const time: Table = {
  name: 'time',
  role: 'dimension',
  columns: [
    col('start_time', timestamp, false),
    col('hour', smallint, false),
    col('day', smallint, false),
    col('week', smallint, false),
    col('month', smallint, false),
    col('year', smallint, false),
    col('weekday', smallint, false),
  ],
  primaryKey: ['start_time'],
  redshift: { diststyle: 'ALL', sortkey: ['start_time'] },
};

/** One row per load: status, source, timings and counts per stage. */
export const etlRuns: Table = {
  name: 'etl_runs',
  role: 'ledger',
  columns: [
    col('run_id', bigint, false, { identity: true }),
    col('status', varchar(16), false),
    col('target', varchar(16), false),
    col('source', varchar(2048), false),
    col('full_refresh', boolean, false),
    col('started_at', timestamp, false),
    col('finished_at', timestamp),
    col('files_planned', integer),
    col('files_skipped', integer),
    col('records_read', bigint),
    col('records_staged', bigint),
    col('records_rejected', bigint),
    col('nextsong_staged', bigint),
    col('songplays_added', bigint),
    col('users_written', bigint),
    col('songs_added', bigint),
    col('artists_written', bigint),
    col('time_added', bigint),
    col('list_seconds', double),
    col('stage_seconds', double),
    col('transform_seconds', double),
    col('error_code', varchar(64)),
    col('error_message', varchar(4096)),
    col('holder', varchar(256)),
    // What became of the NextSong events staged: nextsong_staged = new + unchanged + replaced + conflicting.
    col('nextsong_new', bigint),
    col('nextsong_unchanged', bigint),
    col('nextsong_replaced', bigint),
    col('nextsong_conflicting', bigint),
  ],
  primaryKey: ['run_id'],
  redshift: { diststyle: 'ALL', sortkey: ['run_id'] },
};

/** One row per object a successful load read: what was read, staged and rejected. */
export const etlFiles: Table = {
  name: 'etl_files',
  role: 'ledger',
  columns: [
    col('run_id', bigint, false),
    col('dataset', varchar(16), false),
    col('object_key', varchar(2048), false),
    col('etag', varchar(128), false),
    col('size_bytes', bigint, false),
    col('records_read', bigint, false),
    col('records_staged', bigint, false),
    col('records_rejected', bigint, false),
  ],
  primaryKey: ['run_id', 'object_key'],
  redshift: { diststyle: 'ALL', sortkey: ['object_key'] },
};

/** Records that failed validation: where, why, and the raw text. */
export const etlRejects: Table = {
  name: 'etl_rejects',
  role: 'ledger',
  columns: [
    col('run_id', bigint, false),
    col('dataset', varchar(16), false),
    col('object_key', varchar(2048), false),
    col('line_number', integer, false),
    col('field', varchar(512)),
    col('reason', varchar(1024), false),
    col('raw_record', varchar(65535)),
  ],
  redshift: { diststyle: 'EVEN', sortkey: ['run_id'] },
};

/** A single-row lock with compare-and-set acquisition: Redshift has no advisory locks. */
export const etlLock: Table = {
  name: 'etl_lock',
  role: 'ledger',
  columns: [
    col('lock_id', integer, false),
    col('holder', varchar(256)),
    col('host', varchar(256)),
    col('pid', integer),
    col('run_id', bigint),
    col('acquired_at', timestamp),
    col('boot_id', varchar(64)),
    col('pid_namespace', varchar(64)),
    col('start_ticks', bigint),
    col('heartbeat_at', timestamp),
  ],
  primaryKey: ['lock_id'],
  redshift: { diststyle: 'ALL' },
};

/** Every object ever registered for loading: a small integer id for provenance, and the key that ranks it. */
export const etlObjects: Table = {
  name: 'etl_objects',
  role: 'state',
  columns: [
    col('object_id', integer, false),
    col('dataset', varchar(16), false),
    col('object_key', varchar(2048), false),
  ],
  primaryKey: ['object_id'],
  redshift: { diststyle: 'ALL', sortkey: ['object_id'] },
};

/**
 * The occurrences of an event that did not win (the same identity from another object, or a second copy in one
 * object): when the winner's object is corrected and drops the event, the best of these takes over.
 */
export const etlPlayAlternates: Table = {
  name: 'etl_play_alternates',
  role: 'state',
  columns: [
    col('start_time', timestamp, false),
    col('user_id', integer, false),
    col('level', varchar(16)),
    col('session_id', integer, false),
    col('item_in_session', integer, false),
    col('location', varchar(512)),
    col('user_agent', varchar(1024)),
    col('played_title', varchar(512)),
    col('played_artist', varchar(512)),
    col('played_length', double),
    col('object_id', integer, false),
  ],
  redshift: { diststyle: 'KEY', distkey: 'session_id', sortkey: ['session_id'] },
};

/** Each object's latest event of each user: users are recomputed from these, so any object can be undone. */
export const etlUserState: Table = {
  name: 'etl_user_state',
  role: 'state',
  columns: [
    col('user_id', integer, false),
    col('object_id', integer, false),
    col('ts', bigint, false),
    col('session_id', integer, false),
    col('item_in_session', integer, false),
    col('level', varchar(16), false),
    col('first_name', varchar(256)),
    col('last_name', varchar(256)),
    col('gender', varchar(8)),
  ],
  primaryKey: ['user_id', 'object_id'],
  redshift: { diststyle: 'ALL', sortkey: ['user_id'] },
};

/** Every version of every song, per object: songs and artists are recomputed from these. */
export const etlSongVersions: Table = {
  name: 'etl_song_versions',
  role: 'state',
  columns: [
    col('song_id', varchar(32), false),
    col('object_id', integer, false),
    col('title', varchar(512), false),
    col('artist_id', varchar(32), false),
    col('year', integer),
    col('duration', double),
    col('artist_name', varchar(512), false),
    col('artist_location', varchar(512)),
    col('artist_latitude', double),
    col('artist_longitude', double),
  ],
  primaryKey: ['song_id', 'object_id'],
  redshift: { diststyle: 'ALL', sortkey: ['song_id'] },
};

/** Each song's own artist name: plays match on it, not on the artist's canonical name (which one song decides). */
export const etlSongKeys: Table = {
  name: 'etl_song_keys',
  role: 'state',
  columns: [
    col('song_id', varchar(32), false),
    col('artist_name', varchar(512), false),
    col('object_id', integer),
  ],
  primaryKey: ['song_id'],
  redshift: { diststyle: 'ALL', sortkey: ['song_id'] },
};

/** One row per `sparkify check` run. */
export const checkRuns: Table = {
  name: 'check_runs',
  role: 'ledger',
  columns: [
    col('check_run_id', bigint, false, { identity: true }),
    col('started_at', timestamp, false),
    col('finished_at', timestamp),
    col('load_run_id', bigint),
    col('status', varchar(16), false),
    col('checks_passed', integer),
    col('checks_warned', integer),
    col('checks_failed', integer),
  ],
  primaryKey: ['check_run_id'],
  redshift: { diststyle: 'ALL', sortkey: ['check_run_id'] },
};

/** One row per check per run: outcome, failing-row count and a sample of failing keys. */
export const checkResults: Table = {
  name: 'check_results',
  role: 'ledger',
  columns: [
    col('check_run_id', bigint, false),
    col('check_name', varchar(256), false),
    col('check_type', varchar(64), false),
    col('table_name', varchar(128)),
    col('severity', varchar(16), false),
    col('status', varchar(16), false),
    col('failing_rows', bigint, false),
    col('sample', varchar(4096)),
    col('duration_ms', integer),
  ],
  primaryKey: ['check_run_id', 'check_name'],
  redshift: { diststyle: 'ALL', sortkey: ['check_run_id'] },
};

/** JSON keys a load met that the format does not know (schema drift): first object and line, and how often. */
export const etlUnknownKeys: Table = {
  name: 'etl_unknown_keys',
  role: 'ledger',
  columns: [
    col('run_id', bigint, false),
    col('dataset', varchar(16), false),
    col('json_key', varchar(512), false),
    col('first_object_key', varchar(2048), false),
    col('first_line', integer, false),
    col('records', bigint, false),
  ],
  primaryKey: ['run_id', 'dataset', 'json_key'],
  redshift: { diststyle: 'ALL', sortkey: ['run_id'] },
};

/** Per load and optional field, how many staged records had it null: the history the null-rate check reads. */
export const etlFieldNulls: Table = {
  name: 'etl_field_nulls',
  role: 'ledger',
  columns: [
    col('run_id', bigint, false),
    col('dataset', varchar(16), false),
    col('field', varchar(128), false),
    col('records', bigint, false),
    col('nulls', bigint, false),
  ],
  primaryKey: ['run_id', 'dataset', 'field'],
  redshift: { diststyle: 'ALL', sortkey: ['run_id'] },
};

/** Every table in creation order. */
export const catalog = [
  stagingEvents,
  stagingSongs,
  songplays,
  users,
  songs,
  artists,
  time,
  etlRuns,
  etlFiles,
  etlRejects,
  etlLock,
  checkRuns,
  checkResults,
  etlSongKeys,
  etlUnknownKeys,
  etlFieldNulls,
  etlObjects,
  etlPlayAlternates,
  etlUserState,
  etlSongVersions,
] as const satisfies readonly Table[];

/** The star: every fact and dimension table, in catalog order (the tables a load rewrites and checks count). */
export const starTables: readonly Table[] = catalog.filter(
  (table) => table.role === 'fact' || table.role === 'dimension',
);

/**
 * The attribute clause a table's Redshift CREATE TABLE ends with, from its `redshift` hints, e.g.
 * `DISTSTYLE ALL SORTKEY (user_id)`; a test holds every frozen Redshift migration to it.
 */
export function redshiftTableAttributes(table: Table): string {
  const { diststyle, distkey, backup, sortkey } = table.redshift;
  // BACKUP comes before DISTSTYLE, as CREATE TABLE's synopsis has it.
  return [
    ...(backup === false ? ['BACKUP NO'] : []),
    `DISTSTYLE ${diststyle}`,
    ...(diststyle === 'KEY' && distkey ? [`DISTKEY (${distkey})`] : []),
    ...(sortkey ? [`SORTKEY (${sortkey.join(', ')})`] : []),
  ].join(' ');
}

/** The columns that must never be NULL. */
export function notNullColumns(table: Table): string[] {
  return table.columns.filter((column) => !column.nullable).map((column) => column.name);
}
