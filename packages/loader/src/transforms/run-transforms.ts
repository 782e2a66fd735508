import type { Knex } from 'knex';
import type { Dataset } from '../dataset.js';
import type { TransformTuning } from '../staging/stager.js';
import * as sql from './transform-sql.js';

/** What the transform changed, statement by statement. */
export interface TransformCounts {
  nextsongStaged: number;
  /** Staged NextSong events seen for the first time. */
  nextsongNew: number;
  /** Staged NextSong events the warehouse already had with the same content (re-delivered: counted once). */
  nextsongUnchanged: number;
  /** Staged NextSong events whose object's earlier version had them with other content (a corrected file). */
  nextsongReplaced: number;
  /** Staged NextSong events another object (or another line) gives with other content: one of them won. */
  nextsongConflicting: number;
  /** Net change of songs (a corrected song file can remove some). */
  songsAdded: number;
  artistsWritten: number;
  /** Net change of songplays: written minus taken back. */
  songplaysAdded: number;
  /** Songplays taken back because the object that gave them was corrected. */
  songplaysRemoved: number;
  songplaysRematched: number;
  /** Net change of time rows. */
  timeAdded: number;
  usersWritten: number;
  /** Rows of each star table before and after the transform (after = before on a transform that changed none). */
  tables: TableChange[];
}

/** A star table's rows before and after one transform. */
export interface TableChange {
  table: StarTable;
  before: number;
  after: number;
}

/** The star schema's tables, in the order summaries list them. */
export const starTables = ['songplays', 'users', 'songs', 'artists', 'time'] as const;
export type StarTable = (typeof starTables)[number];

/** The steps a transform reports as it reaches them (a long one is mostly in `plays`). */
export type TransformStep = 'songs and artists' | 'matching plays to songs' | 'plays and time' | 'users';

/** One object of this load, for provenance. */
export interface LoadObject {
  objectId: number;
  dataset: Dataset;
}

export interface TransformOptions {
  /** The target's session tuning around the shared SQL (work_mem and ANALYZE on PostgreSQL). */
  tuning: TransformTuning;
  fullRefresh: boolean;
  /** This load's objects (every planned one, even those that staged nothing: their earlier rows are taken back). */
  objects: readonly LoadObject[];
  /** Called as each step begins (for a progress line). */
  onStep?: (step: TransformStep) => void;
}

/** Counts of a transform that changed nothing. */
export function noTransformCounts(): TransformCounts {
  return {
    nextsongStaged: 0,
    nextsongNew: 0,
    nextsongUnchanged: 0,
    nextsongReplaced: 0,
    nextsongConflicting: 0,
    songsAdded: 0,
    artistsWritten: 0,
    songplaysAdded: 0,
    songplaysRemoved: 0,
    songplaysRematched: 0,
    timeAdded: 0,
    usersWritten: 0,
    tables: [],
  };
}

/** One query counting every star table (one round trip; Redshift answers COUNT(*) from metadata). */
const countStarTablesSql = `SELECT ${starTables
  .map((table) => `(SELECT COUNT(*) FROM ${table}) AS ${table}`)
  .join(', ')}`;

async function countStarTables(trx: Knex.Transaction): Promise<Record<StarTable, number>> {
  const result = await trx.raw<{ rows: Record<StarTable, string | number>[] }>(countStarTablesSql);
  const row = result.rows[0];
  return Object.fromEntries(starTables.map((table) => [table, Number(row?.[table] ?? 0)])) as Record<
    StarTable,
    number
  >;
}

async function run(trx: Knex.Transaction, statement: string | readonly string[]): Promise<number> {
  let changed = 0;
  for (const text of typeof statement === 'string' ? [statement] : statement) {
    const result = await trx.raw<{ rowCount?: number | null }>(text);
    changed += result.rowCount ?? 0;
  }
  return changed;
}

const ID_BATCH = 500;

/**
 * Moves the staged records into the star schema inside the caller's transaction (the same one that writes the
 * ledger rows), in dependency order: songs and artists (and the matches of earlier plays), then plays and time,
 * then users. What this load's objects contributed in earlier versions is taken back first.
 */
export async function runTransforms(
  trx: Knex.Transaction,
  options: TransformOptions,
): Promise<TransformCounts> {
  const counts = noTransformCounts();
  await options.tuning.beginTransform(trx);
  const before = await countStarTables(trx);
  if (options.fullRefresh) await run(trx, sql.clearForFullRefresh);
  await run(trx, sql.createLoadObjects);
  for (let start = 0; start < options.objects.length; start += ID_BATCH) {
    await trx('load_objects').insert(
      options.objects
        .slice(start, start + ID_BATCH)
        .map((object) => ({ object_id: object.objectId, dataset: object.dataset })),
    );
  }
  await options.tuning.temporaryTableFilled(trx, 'load_objects');
  const songsLoaded = options.objects.some((object) => object.dataset === 'songs');
  const eventsLoaded = options.objects.some((object) => object.dataset === 'events');
  const earlierPlays = await trx.raw<{ rows: unknown[] }>('SELECT 1 FROM songplays LIMIT 1');
  const hadSongplays = earlierPlays.rows.length > 0;

  if (songsLoaded) {
    options.onStep?.('songs and artists');
    await run(trx, sql.createAffectedSongs);
    await run(trx, sql.createAffectedArtists);
    await run(trx, sql.deleteOldSongVersions);
    await run(trx, sql.insertSongVersions);
    counts.songsAdded -= await run(trx, sql.deleteAffectedSongs);
    await run(trx, sql.deleteAffectedSongKeys);
    await run(trx, sql.createSongWinners);
    counts.songsAdded += await run(trx, sql.insertSongs);
    await run(trx, sql.insertSongKeys);
    await run(trx, sql.addWinningArtists);
    await run(trx, sql.dropSongWinners);
    await run(trx, sql.deleteAffectedArtists);
    counts.artistsWritten = await run(trx, sql.insertArtists);
  }
  const matching = (songsLoaded && hadSongplays) || eventsLoaded;
  if (matching) {
    options.onStep?.('matching plays to songs');
    await run(trx, sql.createSongMatches);
    await options.tuning.temporaryTableFilled(trx, 'song_matches');
  }
  if (songsLoaded && hadSongplays) {
    await run(trx, sql.unmatchAffectedSongplays);
    counts.songplaysRematched = await run(trx, sql.rematchSongplays);
  }
  if (songsLoaded) await run(trx, sql.dropAffectedSongs);

  if (eventsLoaded) {
    options.onStep?.('plays and time');
    const staged = await trx.raw<{ rows: { count: string | number }[] }>(sql.countStagedPlays);
    counts.nextsongStaged = Number(staged.rows[0]?.count ?? 0);
    await run(trx, sql.createOldPlays);
    await options.tuning.temporaryTableFilled(trx, 'old_plays');
    counts.songplaysRemoved = await run(trx, sql.deleteOldSongplays);
    await run(trx, sql.deleteOldAlternates);
    await run(trx, sql.createPlayCandidates);
    await options.tuning.temporaryTableFilled(trx, 'play_candidates');
    const competing =
      (await run(trx, sql.addCompetingSongplays)) + (await run(trx, sql.addCompetingAlternates));
    if (competing > 0) await options.tuning.temporaryTableFilled(trx, 'play_candidates');
    await run(trx, sql.createRankedPlays);
    await run(trx, sql.dropPlayCandidates);
    await options.tuning.temporaryTableFilled(trx, 'ranked_plays');
    const outcomes = await trx.raw<{ rows: { outcome: string; count: string | number }[] }>(
      sql.countPlayOutcomes,
    );
    for (const row of outcomes.rows) {
      const count = Number(row.count);
      if (row.outcome === 'new') counts.nextsongNew = count;
      else if (row.outcome === 'unchanged') counts.nextsongUnchanged = count;
      else if (row.outcome === 'replaced') counts.nextsongReplaced = count;
      else if (row.outcome === 'conflicting') counts.nextsongConflicting = count;
    }
    const rewritten = await run(trx, sql.deleteCompetingSongplays);
    await run(trx, sql.deleteCompetingAlternates);
    counts.songplaysAdded = (await run(trx, sql.insertSongplays)) - rewritten - counts.songplaysRemoved;
    await run(trx, sql.insertAlternates);
    counts.timeAdded = await run(trx, sql.insertTime);
    counts.timeAdded -= await run(trx, sql.deleteUnusedTime);
    await run(trx, sql.dropPlays);

    options.onStep?.('users');
    await run(trx, sql.createAffectedUsers);
    await run(trx, sql.deleteOldUserState);
    await run(trx, sql.insertUserState);
    await run(trx, sql.addStagedUsers);
    await run(trx, sql.deleteAffectedUsers);
    counts.usersWritten = await run(trx, sql.insertUsers);
    await run(trx, sql.dropAffectedUsers);
  }
  if (matching) await run(trx, sql.dropSongMatches);
  await run(trx, sql.dropLoadObjects);
  const after = await countStarTables(trx);
  counts.tables = starTables.map((table) => ({ table, before: before[table], after: after[table] }));
  return counts;
}
