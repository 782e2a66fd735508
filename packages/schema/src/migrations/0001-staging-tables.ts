import type { Migration } from '../migration.js';

/**
 * Staging tables: one row per source record, columns in source order.
 *
 * Edited after it was frozen, in its Redshift SQL only: it said `DISTSTYLE EVEN BACKUP NO`, but CREATE TABLE's
 * documented synopsis puts `[ BACKUP { YES | NO } ]` before the table attributes (DISTSTYLE, DISTKEY, SORTKEY;
 * https://docs.aws.amazon.com/redshift/latest/dg/r_CREATE_TABLE_NEW.html). No cluster can have run the old text
 * (the Redshift path had only ever been reviewed as text, never migrated), so fixing it in place is safe, and a
 * new migration could not help: a fresh cluster runs 0001 first. Checksums are per dialect, so PostgreSQL
 * warehouses, whose SQL is unchanged, keep a valid checksum.
 */
export const stagingTables: Migration = {
  name: '0001_staging_tables',
  up: {
    postgres: [
      `CREATE UNLOGGED TABLE staging_events (
  artist          VARCHAR(512),
  auth            VARCHAR(32),
  first_name      VARCHAR(256),
  gender          VARCHAR(8),
  item_in_session INTEGER,
  last_name       VARCHAR(256),
  length          DOUBLE PRECISION,
  level           VARCHAR(16),
  location        VARCHAR(512),
  method          VARCHAR(16),
  page            VARCHAR(64),
  registration    DOUBLE PRECISION,
  session_id      INTEGER,
  song            VARCHAR(512),
  status          INTEGER,
  ts              BIGINT,
  user_agent      VARCHAR(1024),
  user_id         VARCHAR(32)
)`,
      `CREATE UNLOGGED TABLE staging_songs (
  num_songs        INTEGER,
  artist_id        VARCHAR(32),
  artist_latitude  DOUBLE PRECISION,
  artist_longitude DOUBLE PRECISION,
  artist_location  VARCHAR(512),
  artist_name      VARCHAR(512),
  song_id          VARCHAR(32),
  title            VARCHAR(512),
  duration         DOUBLE PRECISION,
  year             INTEGER
)`,
    ],
    redshift: [
      `CREATE TABLE staging_events (
  artist          VARCHAR(512),
  auth            VARCHAR(32),
  first_name      VARCHAR(256),
  gender          VARCHAR(8),
  item_in_session INTEGER,
  last_name       VARCHAR(256),
  length          DOUBLE PRECISION,
  level           VARCHAR(16),
  location        VARCHAR(512),
  method          VARCHAR(16),
  page            VARCHAR(64),
  registration    DOUBLE PRECISION,
  session_id      INTEGER,
  song            VARCHAR(512),
  status          INTEGER,
  ts              BIGINT,
  user_agent      VARCHAR(1024),
  user_id         VARCHAR(32)
)
BACKUP NO DISTSTYLE EVEN`,
      `CREATE TABLE staging_songs (
  num_songs        INTEGER,
  artist_id        VARCHAR(32),
  artist_latitude  DOUBLE PRECISION,
  artist_longitude DOUBLE PRECISION,
  artist_location  VARCHAR(512),
  artist_name      VARCHAR(512),
  song_id          VARCHAR(32),
  title            VARCHAR(512),
  duration         DOUBLE PRECISION,
  year             INTEGER
)
BACKUP NO DISTSTYLE EVEN`,
    ],
  },
  down: {
    postgres: ['DROP TABLE staging_songs', 'DROP TABLE staging_events'],
    redshift: ['DROP TABLE staging_songs', 'DROP TABLE staging_events'],
  },
};
