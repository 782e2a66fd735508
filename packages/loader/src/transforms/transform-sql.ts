/**
 * The transform, as plain SQL that runs unchanged on PostgreSQL and Redshift (REDSHIFT.md §6: no ON CONFLICT,
 * no RETURNING, no IS DISTINCT FROM, window ORDER BYs always tie-broken). Each statement is idempotent: run twice
 * over the same staging data it changes nothing the second time. They run in this order, in one transaction.
 */

/** A full refresh empties the star schema and the state behind it first (DELETE: TRUNCATE commits on Redshift). */
export const clearForFullRefresh = [
  'DELETE FROM songplays',
  'DELETE FROM etl_song_keys',
  'DELETE FROM etl_play_keys',
  'DELETE FROM users',
  'DELETE FROM etl_user_state',
  'DELETE FROM songs',
  'DELETE FROM artists',
  'DELETE FROM time',
];

/** Staged songs, one row per song_id: a song delivered twice in one load keeps one deterministic row. */
const stagedSongs = `
  SELECT s.song_id, s.title, s.artist_id, s.year, s.duration, s.artist_name,
         ROW_NUMBER() OVER (PARTITION BY s.song_id
                            ORDER BY s.title, s.artist_id, s.duration, s.year, s.artist_name) AS pick
  FROM staging_songs s
  WHERE s.song_id IS NOT NULL`;

/** New songs; a song_id already known is kept as it is (first delivery wins). */
export const insertSongs = `
INSERT INTO songs (song_id, title, artist_id, year, duration)
SELECT ranked.song_id, ranked.title, ranked.artist_id, ranked.year, ranked.duration
FROM (${stagedSongs}) ranked
WHERE ranked.pick = 1
  AND NOT EXISTS (SELECT 1 FROM songs known WHERE known.song_id = ranked.song_id)`;

/** Each new song's own artist name, from the same row as the song: plays match on it. */
export const insertSongKeys = `
INSERT INTO etl_song_keys (song_id, artist_name)
SELECT ranked.song_id, ranked.artist_name
FROM (${stagedSongs}) ranked
WHERE ranked.pick = 1
  AND NOT EXISTS (SELECT 1 FROM etl_song_keys known WHERE known.song_id = ranked.song_id)`;

/**
 * An artist's attributes come from its song with the lowest song_id, whatever order the files arrive in. The
 * artists whose defining song is in this load are (re)written: first deleted here, then inserted below.
 */
const definingSongsInThisLoad = `
  SELECT s.artist_id, s.artist_name, s.artist_location, s.artist_latitude, s.artist_longitude,
         ROW_NUMBER() OVER (PARTITION BY s.artist_id
                            ORDER BY s.artist_name, s.artist_location, s.artist_latitude, s.artist_longitude)
           AS pick
  FROM (
    SELECT artist_id, MIN(song_id) AS song_id
    FROM songs
    WHERE artist_id IN (SELECT artist_id FROM staging_songs)
    GROUP BY artist_id
  ) defining
  JOIN staging_songs s ON s.song_id = defining.song_id AND s.artist_id = defining.artist_id`;

export const deleteRedefinedArtists = `
DELETE FROM artists
WHERE artist_id IN (SELECT candidates.artist_id FROM (${definingSongsInThisLoad}) candidates)`;

export const insertArtists = `
INSERT INTO artists (artist_id, name, location, latitude, longitude)
SELECT c.artist_id, c.artist_name, NULLIF(c.artist_location, ''), c.artist_latitude, c.artist_longitude
FROM (${definingSongsInThisLoad}) c
WHERE c.pick = 1`;

/**
 * This load's new plays: staged NextSong events, one row per event identity (a re-delivered event counts once),
 * minus the events an earlier load already made songplays of. Computed once; songplays, their match keys and
 * time are all derived from it.
 */
export const createNewPlays = `
CREATE TEMP TABLE new_plays AS
-- Epoch milliseconds as a TIMESTAMP, the portable way (Redshift has no one-argument to_timestamp); double
-- arithmetic, because numeric division costs a second per million rows.
SELECT TIMESTAMP 'epoch' + CAST(e.ts AS DOUBLE PRECISION) / 1000.0 * INTERVAL '1 second' AS start_time, e.ts, e.user_id, e.level, e.song, e.artist, e.length, e.session_id,
       e.item_in_session, e.location, e.user_agent
FROM (
  SELECT s.ts, s.user_id, s.level, s.song, s.artist, s.length, s.session_id, s.item_in_session, s.location,
         s.user_agent,
         ROW_NUMBER() OVER (PARTITION BY s.session_id, s.item_in_session
                            ORDER BY s.ts, s.user_id, s.song, s.artist, s.length, s.level, s.location,
                                     s.user_agent) AS pick
  FROM staging_events s
  WHERE s.page = 'NextSong'
) e
WHERE e.pick = 1
  AND NOT EXISTS (SELECT 1 FROM etl_play_keys k
                  WHERE k.session_id = e.session_id AND k.item_in_session = e.item_in_session)`;

/**
 * The song each (title, artist name, duration) resolves to: the lowest song_id, so several matches never fan out.
 * Materialised once per transform (and analysed on PostgreSQL): as a subquery its row count is guessed at 1,
 * and the planner then loops over every songplay once per song.
 */
export const createSongMatches = `
CREATE TEMP TABLE song_matches AS
SELECT ranked.title, ranked.artist_name, ranked.duration, ranked.song_id, ranked.artist_id
FROM (
  SELECT s.title, k.artist_name, s.duration, s.song_id, s.artist_id,
         ROW_NUMBER() OVER (PARTITION BY s.title, k.artist_name, s.duration ORDER BY s.song_id) AS pick
  FROM songs s
  JOIN etl_song_keys k ON k.song_id = s.song_id
) ranked
WHERE ranked.pick = 1`;

export const dropSongMatches = 'DROP TABLE song_matches';

/** Keeps each new play's match keys, so that songs arriving in a later load can still be matched to it. */
export const insertPlayKeys = `
INSERT INTO etl_play_keys (session_id, item_in_session, song, artist, length)
SELECT session_id, item_in_session, song, artist, length
FROM new_plays
ORDER BY session_id, item_in_session`;

/** New songplays, matched on title + artist name + duration; unmatched plays keep NULL song and artist. */
export const insertSongplays = `
INSERT INTO songplays (start_time, user_id, level, song_id, artist_id, session_id, item_in_session, location,
                       user_agent)
SELECT e.start_time, CAST(e.user_id AS INTEGER), e.level, m.song_id, m.artist_id, e.session_id,
       e.item_in_session, e.location, e.user_agent
FROM new_plays e
LEFT JOIN song_matches m ON m.title = e.song AND m.artist_name = e.artist AND m.duration = e.length
`;

/** Re-matches earlier plays when this load brought songs (they may now match, or match a lower song_id). */
export const rematchSongplays = `
UPDATE songplays
SET song_id = m.song_id, artist_id = m.artist_id
FROM etl_play_keys k, song_matches m
WHERE songplays.session_id = k.session_id
  AND songplays.item_in_session = k.item_in_session
  AND m.title = k.song AND m.artist_name = k.artist AND m.duration = k.length
  AND (songplays.song_id IS NULL OR songplays.song_id <> m.song_id OR songplays.artist_id <> m.artist_id)`;

/** Each new songplay start_time once, broken into parts (ISO week; weekday 0 = Sunday in both engines). */
export const insertTime = `
INSERT INTO time (start_time, hour, day, week, month, year, weekday)
SELECT t.start_time,
       CAST(EXTRACT(hour FROM t.start_time) AS SMALLINT),
       CAST(EXTRACT(day FROM t.start_time) AS SMALLINT),
       CAST(EXTRACT(week FROM t.start_time) AS SMALLINT),
       CAST(EXTRACT(month FROM t.start_time) AS SMALLINT),
       CAST(EXTRACT(year FROM t.start_time) AS SMALLINT),
       CAST(EXTRACT(dow FROM t.start_time) AS SMALLINT)
FROM (SELECT DISTINCT start_time FROM new_plays) t
WHERE NOT EXISTS (SELECT 1 FROM time known WHERE known.start_time = t.start_time)
ORDER BY t.start_time`;

export const dropNewPlays = 'DROP TABLE new_plays';

/**
 * Each staged user's latest event (ties broken by session and item, which identify an event), kept only when it
 * is newer than the event that decided the user's row so far: an older file arriving later changes nothing.
 */
export const createUserCandidates = `
CREATE TEMP TABLE user_candidates AS
SELECT c.user_id, c.first_name, c.last_name, c.gender, c.level, c.ts, c.session_id, c.item_in_session
FROM (
  SELECT CAST(NULLIF(e.user_id, '') AS INTEGER) AS user_id, e.first_name, e.last_name, e.gender, e.level, e.ts,
         e.session_id, e.item_in_session,
         ROW_NUMBER() OVER (PARTITION BY CAST(NULLIF(e.user_id, '') AS INTEGER)
                            ORDER BY e.session_id DESC, e.item_in_session DESC, e.level DESC,
                                     e.first_name DESC, e.last_name DESC, e.gender DESC) AS pick
  FROM staging_events e
  -- Only the events at each user's latest ts take part in the tie-break: an aggregate, not a full sort.
  -- Grouped by the number, not the text: "07" and "7" are one user.
  JOIN (SELECT CAST(user_id AS INTEGER) AS user_id, MAX(ts) AS ts
        FROM staging_events
        WHERE user_id <> '' AND ts IS NOT NULL
        GROUP BY CAST(user_id AS INTEGER)) latest
    ON latest.user_id = CAST(NULLIF(e.user_id, '') AS INTEGER) AND latest.ts = e.ts
  WHERE e.session_id IS NOT NULL AND e.item_in_session IS NOT NULL
) c
LEFT JOIN etl_user_state s ON s.user_id = c.user_id
WHERE c.pick = 1
  AND (s.user_id IS NULL
       OR c.ts > s.ts
       OR (c.ts = s.ts AND c.session_id > s.session_id)
       OR (c.ts = s.ts AND c.session_id = s.session_id AND c.item_in_session > s.item_in_session))`;

export const deleteReplacedUsers = `
DELETE FROM users USING user_candidates c WHERE users.user_id = c.user_id`;

export const deleteReplacedUserState = `
DELETE FROM etl_user_state USING user_candidates c WHERE etl_user_state.user_id = c.user_id`;

export const insertUsers = `
INSERT INTO users (user_id, first_name, last_name, gender, level)
SELECT user_id, first_name, last_name, gender, level FROM user_candidates`;

export const insertUserState = `
INSERT INTO etl_user_state (user_id, ts, session_id, item_in_session)
SELECT user_id, ts, session_id, item_in_session FROM user_candidates`;

export const dropUserCandidates = 'DROP TABLE user_candidates';

/** NextSong events in this load's staging (for the ledger and the reconciliation check). */
export const countStagedPlays = `SELECT COUNT(*) AS count FROM staging_events WHERE page = 'NextSong'`;
