/**
 * The transform, as plain SQL that runs unchanged on PostgreSQL and Redshift (REDSHIFT.md §6: no ON CONFLICT,
 * no RETURNING, no IS DISTINCT FROM, window ORDER BYs always tie-broken). planTransform (run-transforms.ts)
 * puts them in order for a load's shape; runTransforms runs that plan in one transaction, and a dry run prints it.
 *
 * The invariant they keep: after any sequence of loads, the star equals a clean full-refresh load of the current
 * version of every object loaded so far. Every fact and state row knows its object (etl_objects); a load of the
 * objects P first takes back everything P's earlier versions contributed, then derives again what P's current
 * versions give, and recomputes only the users, songs, artists and events that P touches. Between objects the
 * rule never depends on arrival order: the greatest object key wins, ties inside one object go by content.
 * (ARCHITECTURE.md, "The invariant".)
 */

/** A full refresh empties the star schema and the state behind it first (DELETE: TRUNCATE commits on Redshift). */
export const clearForFullRefresh = [
  'DELETE FROM songplays',
  'DELETE FROM etl_play_alternates',
  'DELETE FROM etl_song_keys',
  'DELETE FROM etl_song_versions',
  'DELETE FROM users',
  'DELETE FROM etl_user_state',
  'DELETE FROM songs',
  'DELETE FROM artists',
  'DELETE FROM time',
];

/** The objects of this load (filled by the caller, a few hundred ids per INSERT). */
export const createLoadObjects =
  'CREATE TEMP TABLE load_objects (object_id INTEGER NOT NULL, dataset VARCHAR(16) NOT NULL)';
export const dropLoadObjects = 'DROP TABLE load_objects';

const songObjects = `SELECT object_id FROM load_objects WHERE dataset = 'songs'`;
const eventObjects = `SELECT object_id FROM load_objects WHERE dataset = 'events'`;

// ---------------------------------------------------------------------------------------------------- songs

/**
 * The song_ids this load touches: staged now, or given by an earlier version of one of this load's objects; with
 * whether the warehouse had the song before (only a song it had can have plays matched to it).
 */
export const createAffectedSongs = `
CREATE TEMP TABLE affected_songs AS
SELECT a.song_id, CASE WHEN s.song_id IS NULL THEN 0 ELSE 1 END AS existed
FROM (SELECT song_id FROM staging_songs WHERE song_id IS NOT NULL
      UNION
      SELECT song_id FROM etl_song_versions WHERE object_id IN (${songObjects})) a
LEFT JOIN songs s ON s.song_id = a.song_id`;

/** Artists whose attributes may change: those of the affected songs before (and, added below, after). */
export const createAffectedArtists = `
CREATE TEMP TABLE affected_artists AS
SELECT s.artist_id FROM songs s WHERE s.song_id IN (SELECT song_id FROM affected_songs)`;

export const deleteOldSongVersions = `
DELETE FROM etl_song_versions WHERE object_id IN (${songObjects})`;

/** Each object's version of each song: one row per (song_id, object), ties inside an object broken by content. */
export const insertSongVersions = `
INSERT INTO etl_song_versions (song_id, object_id, title, artist_id, year, duration, artist_name, artist_location,
                               artist_latitude, artist_longitude)
SELECT r.song_id, r.object_id, r.title, r.artist_id, r.year, r.duration, r.artist_name, r.artist_location,
       r.artist_latitude, r.artist_longitude
FROM (
  SELECT s.song_id, s.object_id, s.title, s.artist_id, s.year, s.duration, s.artist_name, s.artist_location,
         s.artist_latitude, s.artist_longitude,
         ROW_NUMBER() OVER (PARTITION BY s.song_id, s.object_id
                            ORDER BY s.title, s.artist_id, s.duration, s.year, s.artist_name, s.artist_location,
                                     s.artist_latitude, s.artist_longitude) AS pick
  FROM staging_songs s
  WHERE s.song_id IS NOT NULL
) r
WHERE r.pick = 1`;

export const deleteAffectedSongs = `
DELETE FROM songs WHERE song_id IN (SELECT song_id FROM affected_songs)`;

export const deleteAffectedSongKeys = `
DELETE FROM etl_song_keys WHERE song_id IN (SELECT song_id FROM affected_songs)`;

/** The winning version of each affected song: from the greatest object key, ties by content. */
export const createSongWinners = `
CREATE TEMP TABLE song_winners AS
SELECT w.song_id, w.object_id, w.title, w.artist_id, w.year, w.duration, w.artist_name
FROM (
  SELECT v.song_id, v.object_id, v.title, v.artist_id, v.year, v.duration, v.artist_name,
         ROW_NUMBER() OVER (PARTITION BY v.song_id
                            ORDER BY o.object_key DESC, v.title, v.artist_id, v.duration, v.year, v.artist_name,
                                     v.artist_location, v.artist_latitude, v.artist_longitude) AS pick
  FROM etl_song_versions v
  JOIN etl_objects o ON o.object_id = v.object_id
  WHERE v.song_id IN (SELECT song_id FROM affected_songs)
) w
WHERE w.pick = 1`;

export const insertSongs = `
INSERT INTO songs (song_id, title, artist_id, year, duration)
SELECT song_id, title, artist_id, year, duration FROM song_winners`;

/** Each winning song's own artist name (plays match on it) and its object (the artists' attributes come from it). */
export const insertSongKeys = `
INSERT INTO etl_song_keys (song_id, artist_name, object_id)
SELECT song_id, artist_name, object_id FROM song_winners`;

export const addWinningArtists = `
INSERT INTO affected_artists (artist_id) SELECT artist_id FROM song_winners`;

export const dropSongWinners = 'DROP TABLE song_winners';

export const deleteAffectedArtists = `
DELETE FROM artists WHERE artist_id IN (SELECT artist_id FROM affected_artists)`;

/** An artist's attributes come from the winning version of its song with the lowest song_id. */
export const insertArtists = `
INSERT INTO artists (artist_id, name, location, latitude, longitude)
SELECT v.artist_id, v.artist_name, NULLIF(v.artist_location, ''), v.artist_latitude, v.artist_longitude
FROM (SELECT artist_id, MIN(song_id) AS song_id
      FROM songs
      WHERE artist_id IN (SELECT artist_id FROM affected_artists)
      GROUP BY artist_id) defining
JOIN etl_song_keys k ON k.song_id = defining.song_id
JOIN etl_song_versions v ON v.song_id = k.song_id AND v.object_id = k.object_id`;

export const dropAffectedSongs = ['DROP TABLE affected_artists', 'DROP TABLE affected_songs'];

/**
 * The song each (title, artist name, duration) resolves to: the lowest song_id, so several matches never fan out.
 * Titles and names are compared without trailing spaces: Redshift ignores them when it compares VARCHARs and
 * PostgreSQL does not, so both sides are trimmed and both engines match alike.
 * Materialised once per transform (and analysed on PostgreSQL): as a subquery its row count is guessed at 1,
 * and the planner then loops over every songplay once per song.
 */
export const createSongMatches = `
CREATE TEMP TABLE song_matches AS
SELECT ranked.title, ranked.artist_name, ranked.duration, ranked.song_id, ranked.artist_id
FROM (
  SELECT RTRIM(s.title) AS title, RTRIM(k.artist_name) AS artist_name, s.duration, s.song_id, s.artist_id,
         ROW_NUMBER() OVER (PARTITION BY RTRIM(s.title), RTRIM(k.artist_name), s.duration ORDER BY s.song_id)
           AS pick
  FROM songs s
  JOIN etl_song_keys k ON k.song_id = s.song_id
) ranked
WHERE ranked.pick = 1`;

export const dropSongMatches = 'DROP TABLE song_matches';

/**
 * Plays matched to a song the load rewrites lose the match (re-matched below). Only songs the warehouse had can
 * have plays: a day of new songs then finds nothing to look for, instead of scanning every play.
 */
export const unmatchAffectedSongplays = `
UPDATE songplays SET song_id = NULL, artist_id = NULL
WHERE song_id IN (SELECT song_id FROM affected_songs WHERE existed = 1)`;

/**
 * The match keys (title, artist name, duration, as song_matches has them) of the affected songs: first their keys
 * before this load rewrites them, then (addNewSongKeys) after. Only a play with one of these keys can match
 * another song than before: every other key's songs, and so its lowest song_id, are untouched by this load.
 */
const affectedSongKeysNow = `
SELECT RTRIM(s.title) AS title, RTRIM(k.artist_name) AS artist_name, s.duration
FROM songs s
JOIN etl_song_keys k ON k.song_id = s.song_id
WHERE s.song_id IN (SELECT song_id FROM affected_songs)`;

export const createAffectedSongKeys = `
CREATE TEMP TABLE affected_song_keys AS${affectedSongKeysNow}`;

export const addNewSongKeys = `
INSERT INTO affected_song_keys (title, artist_name, duration)${affectedSongKeysNow}`;

export const dropAffectedSongKeys = 'DROP TABLE affected_song_keys';

/**
 * Plays that match a song now (or a lower song_id than before), on the title, artist and length as played; only
 * keys the load's songs had or have are looked at (a day's thousand songs, not the whole catalogue).
 */
export const rematchSongplays = `
UPDATE songplays
SET song_id = m.song_id, artist_id = m.artist_id
FROM song_matches m
WHERE m.title = RTRIM(songplays.played_title)
  AND m.artist_name = RTRIM(songplays.played_artist)
  AND m.duration = songplays.played_length
  AND (songplays.song_id IS NULL OR songplays.song_id <> m.song_id OR songplays.artist_id <> m.artist_id)
  -- Implied by the joins below, but a number is cheap to test first: the RTRIMs of the title and artist are then
  -- computed for the few plays of an affected length, not for every play (day 10 of the growth data: 0.94 s → 0.59 s).
  AND songplays.played_length IN (SELECT duration FROM affected_song_keys)
  AND EXISTS (SELECT 1 FROM affected_song_keys a
              WHERE a.title = m.title AND a.artist_name = m.artist_name AND a.duration = m.duration)`;

// ---------------------------------------------------------------------------------------------------- plays

const identityOf = (a: string, b: string) =>
  `${a}.start_time = ${b}.start_time AND ${a}.user_id = ${b}.user_id AND ${a}.session_id = ${b}.session_id ` +
  `AND ${a}.item_in_session = ${b}.item_in_session`;

const identityColumns = 'start_time, user_id, session_id, item_in_session';
const contentColumns = 'level, location, user_agent, played_title, played_artist, played_length';
const playColumns = `${identityColumns}, ${contentColumns}, object_id`;
const prefixed = (alias: string, columns: string) =>
  columns
    .split(', ')
    .map((column) => `${alias}.${column}`)
    .join(', ');

/** Null-safe equality of two rows' content (IS NOT DISTINCT FROM is not Redshift SQL). */
const sameContent = (a: string, b: string) =>
  contentColumns
    .split(', ')
    .map(
      (column) => `(${a}.${column} = ${b}.${column} OR (${a}.${column} IS NULL AND ${b}.${column} IS NULL))`,
    )
    .join(' AND ');

/** What this load's event objects contributed before (their earlier versions): taken back below. */
export const createOldPlays = `
CREATE TEMP TABLE old_plays AS
SELECT ${playColumns} FROM songplays WHERE object_id IN (${eventObjects})
UNION ALL
SELECT ${playColumns} FROM etl_play_alternates WHERE object_id IN (${eventObjects})`;

export const deleteOldSongplays = `
DELETE FROM songplays WHERE object_id IN (${eventObjects})`;

export const deleteOldAlternates = `
DELETE FROM etl_play_alternates WHERE object_id IN (${eventObjects})`;

/**
 * Every occurrence that competes for an event this load touches: first the staged NextSong events (staged = 1),
 * then the songplays and alternates from other objects with the same identity, or with the identity of an event
 * an earlier version of this load's objects gave (so that an alternate takes over a dropped winner).
 * Epoch milliseconds become a TIMESTAMP the portable way (Redshift has no one-argument to_timestamp); double
 * arithmetic, because numeric division costs a second per million rows.
 */
const stagedPlays = `
SELECT TIMESTAMP 'epoch' + CAST(s.ts AS DOUBLE PRECISION) / 1000.0 * INTERVAL '1 second' AS start_time,
       CAST(s.user_id AS INTEGER) AS user_id, s.session_id, s.item_in_session, s.level, s.location,
       s.user_agent, s.song AS played_title, s.artist AS played_artist, s.length AS played_length, s.object_id,
       o.object_key, 1 AS staged
FROM staging_events s
JOIN etl_objects o ON o.object_id = s.object_id
WHERE s.page = 'NextSong' AND s.user_id <> ''`;

export const createPlayCandidates = `
CREATE TEMP TABLE play_candidates AS${stagedPlays}`;

const touchedIdentities = `
  SELECT ${identityColumns} FROM play_candidates WHERE staged = 1
  UNION ALL
  SELECT ${identityColumns} FROM old_plays`;

/**
 * A competing occurrence has a touched identity, so its start_time lies between the touched ones' first and last:
 * that range (a day, for a daily load) is read through the identity index on PostgreSQL and the sort key's zone
 * maps on Redshift, instead of every earlier play (day 10 of the growth bench: 1.2 s for 1.4M plays). Every ranked
 * play lies in it too, so the new times are looked for in the same range (insertTime).
 */
export const createTouchedTimes = `
CREATE TEMP TABLE touched_times AS
SELECT MIN(start_time) AS first_time, MAX(start_time) AS last_time FROM (${touchedIdentities}) t`;

const withinTouchedTimes = (alias: string) => `
  AND ${alias}.start_time >= (SELECT first_time FROM touched_times)
  AND ${alias}.start_time <= (SELECT last_time FROM touched_times)`;

export const addCompetingSongplays = `
INSERT INTO play_candidates (${playColumns}, object_key, staged)
SELECT ${prefixed('p', playColumns)}, o.object_key, 0
FROM songplays p
JOIN etl_objects o ON o.object_id = p.object_id
WHERE EXISTS (SELECT 1 FROM (${touchedIdentities}) t WHERE ${identityOf('t', 'p')})${withinTouchedTimes('p')}`;

export const addCompetingAlternates = `
INSERT INTO play_candidates (${playColumns}, object_key, staged)
SELECT ${prefixed('p', playColumns)}, o.object_key, 0
FROM etl_play_alternates p
JOIN etl_objects o ON o.object_id = p.object_id
WHERE EXISTS (SELECT 1 FROM (${touchedIdentities}) t WHERE ${identityOf('t', 'p')})${withinTouchedTimes('p')}`;

const identityWindow = `PARTITION BY ${prefixed('c', identityColumns)}`;

/**
 * Each occurrence ranked within its event: the greatest object key wins, ties inside an object by content
 * (pick = 1 becomes the songplay, the others alternates). How many occurrences the event has, and how many
 * come from earlier loads, decide what the load reports.
 */
const rankedPlaysOf = (candidates: string) => `
CREATE TEMP TABLE ranked_plays AS
SELECT ${prefixed('c', playColumns)}, c.staged,
       ROW_NUMBER() OVER (${identityWindow}
                          ORDER BY c.object_key DESC, c.level, c.location, c.user_agent, c.played_title,
                                   c.played_artist, c.played_length, c.staged) AS pick,
       COUNT(*) OVER (${identityWindow}) AS occurrences,
       SUM(1 - c.staged) OVER (${identityWindow}) AS earlier
FROM ${candidates} c`;

export const createRankedPlays = rankedPlaysOf('play_candidates');

/**
 * The same ranking when the warehouse holds no plays yet (a first load, a full refresh): the staged events are the
 * only candidates, so they are ranked straight from staging, without writing play_candidates first.
 */
export const createRankedPlaysFromStaging = rankedPlaysOf(`(${stagedPlays})`);

export const dropTouchedTimes = 'DROP TABLE touched_times';

export const dropPlayCandidates = 'DROP TABLE play_candidates';

/**
 * What became of each staged NextSong event, one outcome each (so staged = new + unchanged + replaced +
 * conflicting, checked by ledger_nextsong_outcomes):
 * - its own object's earlier version had the event: `unchanged` when with the same content, else `replaced`;
 * - otherwise it is the event's only occurrence, or the winner of occurrences that all arrive now: `new`;
 * - otherwise another occurrence (earlier, or in this load) has the same content: `unchanged` (counted once);
 * - otherwise: `conflicting` (the rule above decided which one the star shows).
 */
export const countPlayOutcomes = `
SELECT outcome, COUNT(*) AS count
FROM (
  SELECT CASE
           WHEN same.object_id IS NOT NULL AND twin.object_id IS NOT NULL THEN 'unchanged'
           WHEN same.object_id IS NOT NULL THEN 'replaced'
           WHEN r.occurrences = 1 OR (r.earlier = 0 AND r.pick = 1) THEN 'new'
           WHEN r.copies > 1 THEN 'unchanged'
           ELSE 'conflicting'
         END AS outcome
  FROM (
    SELECT ${prefixed('s', playColumns)}, s.pick, s.occurrences, s.earlier, 1 AS copies
    FROM ranked_plays s
    WHERE s.staged = 1 AND s.occurrences = 1
    UNION ALL
    SELECT ${prefixed('m', playColumns)}, m.pick, m.occurrences, m.earlier, m.copies
    FROM (SELECT ${prefixed('c', playColumns)}, c.staged, c.pick, c.occurrences, c.earlier,
                 COUNT(*) OVER (${identityWindow}, ${prefixed('c', contentColumns)}) AS copies
          FROM ranked_plays c
          WHERE c.occurrences > 1) m
    WHERE m.staged = 1
  ) r
  LEFT JOIN (SELECT DISTINCT ${identityColumns}, object_id FROM old_plays) same
    ON ${identityOf('same', 'r')} AND same.object_id = r.object_id
  LEFT JOIN (SELECT DISTINCT ${playColumns} FROM old_plays) twin
    ON ${identityOf('twin', 'r')} AND twin.object_id = r.object_id AND ${sameContent('twin', 'r')}
) outcomes
GROUP BY outcome`;

/** The songplays and alternates that competed again are written anew from ranked_plays. */
export const deleteCompetingSongplays = `
DELETE FROM songplays USING ranked_plays r
WHERE r.staged = 0 AND ${identityOf('songplays', 'r')}`;

export const deleteCompetingAlternates = `
DELETE FROM etl_play_alternates USING ranked_plays r
WHERE r.staged = 0 AND ${identityOf('etl_play_alternates', 'r')}`;

/** Each event's winner, matched on title + artist name + duration as played; unmatched plays keep NULL song. */
export const insertSongplays = `
INSERT INTO songplays (start_time, user_id, level, song_id, artist_id, session_id, item_in_session, location,
                       user_agent, played_title, played_artist, played_length, object_id)
SELECT r.start_time, r.user_id, r.level, m.song_id, m.artist_id, r.session_id, r.item_in_session, r.location,
       r.user_agent, r.played_title, r.played_artist, r.played_length, r.object_id
FROM ranked_plays r
LEFT JOIN song_matches m
  ON m.title = RTRIM(r.played_title) AND m.artist_name = RTRIM(r.played_artist) AND m.duration = r.played_length
WHERE r.pick = 1`;

export const insertAlternates = `
INSERT INTO etl_play_alternates (${playColumns})
SELECT ${prefixed('r', playColumns)} FROM ranked_plays r WHERE r.pick > 1`;

/**
 * Each songplay start_time once, broken into parts (ISO week; weekday 0 = Sunday in both engines). DATE_PART with
 * the part quoted (both engines accept that form; it returns DOUBLE), not EXTRACT: PostgreSQL's EXTRACT computes
 * in NUMERIC, ten times slower (1.8 s against 0.17 s for the six parts of 780k times).
 */
export const insertTime = `
INSERT INTO time (start_time, hour, day, week, month, year, weekday)
SELECT t.start_time,
       CAST(DATE_PART('hour', t.start_time) AS SMALLINT),
       CAST(DATE_PART('day', t.start_time) AS SMALLINT),
       CAST(DATE_PART('week', t.start_time) AS SMALLINT),
       CAST(DATE_PART('month', t.start_time) AS SMALLINT),
       CAST(DATE_PART('year', t.start_time) AS SMALLINT),
       CAST(DATE_PART('dow', t.start_time) AS SMALLINT)
FROM (SELECT DISTINCT start_time FROM ranked_plays WHERE pick = 1) t
WHERE NOT EXISTS (SELECT 1 FROM time known
                  WHERE known.start_time = t.start_time
                    -- The load's own range of times (touched_times): read through the key, not every time the
                    -- warehouse has.${withinTouchedTimes('known')})
ORDER BY t.start_time`;

/**
 * The range of times insertTime reads when the warehouse held no plays (the bulk path has no touched_times): the
 * songplays are then this load's alone, and their first and last start_time come from the identity index's ends
 * (PostgreSQL) or the sort key's zone maps (Redshift). Taking them from ranked_plays read its every row twice more,
 * 0.65 s of M's first load.
 */
export const createTouchedTimesOfSongplays = `
CREATE TEMP TABLE touched_times AS
SELECT MIN(start_time) AS first_time, MAX(start_time) AS last_time FROM songplays`;

/** A start_time that only a taken-back play had disappears (a clean load would not have it). */
export const deleteUnusedTime = `
DELETE FROM time
WHERE start_time IN (SELECT o.start_time FROM old_plays o
                     WHERE NOT EXISTS (SELECT 1 FROM songplays p WHERE p.start_time = o.start_time))`;

export const dropPlays = ['DROP TABLE ranked_plays', 'DROP TABLE old_plays'];

// ---------------------------------------------------------------------------------------------------- users

/** Users whose row may change: those an earlier version of this load's objects had (the new ones are added). */
export const createAffectedUsers = `
CREATE TEMP TABLE affected_users AS
SELECT user_id FROM etl_user_state WHERE object_id IN (${eventObjects})`;

export const deleteOldUserState = `
DELETE FROM etl_user_state WHERE object_id IN (${eventObjects})`;

/**
 * Each object's latest event of each user (ties broken by session, item and then content, the same order that
 * picks the user's row below, so the latest over all objects is the latest of the objects' latest).
 */
export const insertUserState = `
INSERT INTO etl_user_state (user_id, object_id, ts, session_id, item_in_session, level, first_name, last_name,
                            gender)
SELECT c.user_id, c.object_id, c.ts, c.session_id, c.item_in_session, c.level, c.first_name, c.last_name, c.gender
FROM (
  SELECT CAST(NULLIF(e.user_id, '') AS INTEGER) AS user_id, e.object_id, e.ts, e.session_id, e.item_in_session,
         e.level, e.first_name, e.last_name, e.gender,
         ROW_NUMBER() OVER (PARTITION BY CAST(NULLIF(e.user_id, '') AS INTEGER), e.object_id
                            ORDER BY e.session_id DESC, e.item_in_session DESC, e.level DESC,
                                     e.first_name DESC, e.last_name DESC, e.gender DESC) AS pick
  FROM staging_events e
  -- Only the events at the latest ts take part in the tie-break: an aggregate, not a full sort.
  -- Grouped by the number, not the text: "07" and "7" are one user.
  JOIN (SELECT CAST(user_id AS INTEGER) AS user_id, object_id, MAX(ts) AS ts
        FROM staging_events
        WHERE user_id <> '' AND ts IS NOT NULL
        GROUP BY CAST(user_id AS INTEGER), object_id) latest
    ON latest.user_id = CAST(NULLIF(e.user_id, '') AS INTEGER) AND latest.object_id = e.object_id
       AND latest.ts = e.ts
  WHERE e.session_id IS NOT NULL AND e.item_in_session IS NOT NULL
) c
WHERE c.pick = 1`;

export const addStagedUsers = `
INSERT INTO affected_users (user_id)
SELECT user_id FROM etl_user_state WHERE object_id IN (${eventObjects})`;

export const deleteAffectedUsers = `
DELETE FROM users WHERE user_id IN (SELECT user_id FROM affected_users)`;

/** Each affected user from their latest event over every current object. */
export const insertUsers = `
INSERT INTO users (user_id, first_name, last_name, gender, level)
SELECT r.user_id, r.first_name, r.last_name, r.gender, r.level
FROM (
  SELECT s.user_id, s.first_name, s.last_name, s.gender, s.level,
         ROW_NUMBER() OVER (PARTITION BY s.user_id
                            ORDER BY s.ts DESC, s.session_id DESC, s.item_in_session DESC, s.level DESC,
                                     s.first_name DESC, s.last_name DESC, s.gender DESC) AS pick
  FROM etl_user_state s
  WHERE s.user_id IN (SELECT user_id FROM affected_users)
) r
WHERE r.pick = 1`;

export const dropAffectedUsers = 'DROP TABLE affected_users';

/** NextSong events in this load's staging (for the ledger and the reconciliation check). */
export const countStagedPlays = `SELECT COUNT(*) AS count FROM staging_events WHERE page = 'NextSong'`;
