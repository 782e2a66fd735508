import type { Migration } from '../migration.js';

/** Each song's own artist name, so that plays match on what the song file said (not the artist's first name). */
export const songKeys: Migration = {
  name: '0005_song_keys',
  up: {
    postgres: [
      `CREATE TABLE etl_song_keys (
  song_id     VARCHAR(32) NOT NULL,
  artist_name VARCHAR(512) NOT NULL,
  PRIMARY KEY (song_id)
)`,
      `INSERT INTO etl_song_keys (song_id, artist_name)
SELECT s.song_id, a.name FROM songs s JOIN artists a ON a.artist_id = s.artist_id`,
    ],
    redshift: [
      `CREATE TABLE etl_song_keys (
  song_id     VARCHAR(32) NOT NULL,
  artist_name VARCHAR(512) NOT NULL,
  PRIMARY KEY (song_id)
)
DISTSTYLE ALL SORTKEY (song_id)`,
      `INSERT INTO etl_song_keys (song_id, artist_name)
SELECT s.song_id, a.name FROM songs s JOIN artists a ON a.artist_id = s.artist_id`,
    ],
  },
  down: {
    postgres: ['DROP TABLE etl_song_keys'],
    redshift: ['DROP TABLE etl_song_keys'],
  },
};
