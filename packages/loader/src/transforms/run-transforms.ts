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

/**
 * One query counting every star table as the transform begins (one round trip; Redshift answers COUNT(*) from
 * metadata). Their sizes after are these plus the rows each statement inserted or deleted (starTableChange):
 * counting again would scan the whole warehouse on PostgreSQL, a cost that grows with every day loaded (day 10
 * of the growth run: 0.39 s of a 7 s load), and the load's lock keeps every other writer out meanwhile.
 */
const countStarTablesSql = `SELECT ${starTables
  .map((table) => `(SELECT COUNT(*) FROM ${table}) AS ${table}`)
  .join(', ')}`;

const starTableWrite = new RegExp(`^\\s*(INSERT INTO|DELETE FROM)\\s+(${starTables.join('|')})\\b`, 'i');

/** The star table a statement adds rows to (sign 1) or removes rows from (-1); its row count says how many. */
export function starTableChange(sql: string): { table: StarTable; sign: 1 | -1 } | undefined {
  const match = starTableWrite.exec(sql);
  if (!match) return undefined;
  return {
    table: match[2]!.toLowerCase() as StarTable,
    sign: match[1]!.toUpperCase() === 'INSERT INTO' ? 1 : -1,
  };
}

/** A numeric field of TransformCounts that statements' row counts add to. */
type CountField = Exclude<keyof TransformCounts, 'tables'>;

/** One statement of a transform, with what its outcome means. */
export interface TransformStatement {
  /** The step it belongs to (reported as each step begins). */
  step: TransformStep | 'prepare' | 'finish';
  sql: string;
  /** Row counts (rowCount) added to these counts, with a sign. */
  counts?: readonly { field: CountField; sign: 1 | -1 }[];
  /**
   * What the statement returns, read instead of a row count: the staged NextSong events, the outcome of each, or
   * the star's table sizes before the transform.
   */
  reads?: 'staged-plays' | 'play-outcomes' | 'tables-before';
  /** The caller fills this temporary table with the load's object ids (one INSERT per few hundred). */
  fillsLoadObjects?: true;
  /**
   * A temporary table to hand to the target's tuning afterwards (ANALYZE on PostgreSQL); with `ifRows`, only when
   * the statements since the last hand-over (of any table) changed rows.
   */
  tableFilled?: { table: string; ifRows?: true; columns?: readonly string[] };
  /** The statement that fills songplays: when it held no rows as the transform began, the tuning's bulk path. */
  fills?: 'songplays';
}

/** What a transform does depends only on these (known before it starts: a dry run plans with them too). */
export interface TransformShape {
  fullRefresh: boolean;
  songsLoaded: boolean;
  eventsLoaded: boolean;
  /**
   * Whether songplays or the alternates held rows before, after a full refresh's DELETE (earlier plays then need
   * their song match looked at again, and compete with the staged events).
   */
  hadSongplays: boolean;
}

/**
 * The columns of the play tables that later statements filter, join, partition or count on (transform-sql.ts):
 * the only ones their plans need statistics of (the wide text ones, location and user_agent, were half of
 * ANALYZE's time).
 */
const plannedCandidateColumns = [
  'start_time',
  'user_id',
  'session_id',
  'item_in_session',
  'object_id',
  'staged',
];
const plannedRankedColumns = [
  ...plannedCandidateColumns,
  'pick',
  'occurrences',
  'earlier',
  'played_title',
  'played_artist',
  'played_length',
];
const rankedPlaysFilled = { table: 'ranked_plays', columns: plannedRankedColumns };
const each = (step: TransformStatement['step'], statement: string | readonly string[]) =>
  (typeof statement === 'string' ? [statement] : statement).map((sql): TransformStatement => ({ step, sql }));
const counted = (field: CountField, sign: 1 | -1 = 1) => [{ field, sign }] as const;

/**
 * Every statement of a transform of this shape, in order (pure): printed by `load --dry-run --target redshift`
 * and run, exactly so, by runTransforms. Songs and artists first (and the matches of earlier plays), then plays
 * and time, then users; what this load's objects contributed in earlier versions is taken back first.
 */
export function planTransform(shape: TransformShape): TransformStatement[] {
  const plan: TransformStatement[] = [{ step: 'prepare', sql: countStarTablesSql, reads: 'tables-before' }];
  if (shape.fullRefresh) plan.push(...each('prepare', sql.clearForFullRefresh));
  plan.push({
    step: 'prepare',
    sql: sql.createLoadObjects,
    fillsLoadObjects: true,
    tableFilled: { table: 'load_objects' },
  });
  const songs = 'songs and artists';
  if (shape.songsLoaded) {
    plan.push(
      ...each(songs, [
        sql.createAffectedSongs,
        // Earlier plays are matched again below, for the keys these songs had and have.
        ...(shape.hadSongplays ? [sql.createAffectedSongKeys] : []),
        sql.createAffectedArtists,
        sql.deleteOldSongVersions,
        sql.insertSongVersions,
      ]),
      { step: songs, sql: sql.deleteAffectedSongs, counts: counted('songsAdded', -1) },
      ...each(songs, [sql.deleteAffectedSongKeys, sql.createSongWinners]),
      { step: songs, sql: sql.insertSongs, counts: counted('songsAdded') },
      ...each(songs, [
        sql.insertSongKeys,
        sql.addWinningArtists,
        sql.dropSongWinners,
        sql.deleteAffectedArtists,
      ]),
      { step: songs, sql: sql.insertArtists, counts: counted('artistsWritten') },
    );
  }
  const matching = (shape.songsLoaded && shape.hadSongplays) || shape.eventsLoaded;
  const matches = 'matching plays to songs';
  if (matching)
    plan.push({ step: matches, sql: sql.createSongMatches, tableFilled: { table: 'song_matches' } });
  if (shape.songsLoaded && shape.hadSongplays) {
    plan.push(
      ...each(matches, [sql.unmatchAffectedSongplays, sql.addNewSongKeys]),
      { step: matches, sql: sql.rematchSongplays, counts: counted('songplaysRematched') },
      ...each(matches, sql.dropAffectedSongKeys),
    );
  }
  if (shape.songsLoaded) plan.push(...each(matching ? matches : songs, sql.dropAffectedSongs));
  if (shape.eventsLoaded) {
    const plays = 'plays and time';
    // With no plays in the warehouse (none before, or a full refresh's DELETE), nothing earlier competes with the
    // staged events and nothing is taken back: they are ranked straight from staging.
    const competing: TransformStatement[] = shape.hadSongplays
      ? [
          {
            step: plays,
            sql: sql.deleteOldSongplays,
            counts: [
              { field: 'songplaysRemoved', sign: 1 },
              { field: 'songplaysAdded', sign: -1 },
            ],
          },
          ...each(plays, sql.deleteOldAlternates),
          {
            step: plays,
            sql: sql.createPlayCandidates,
            tableFilled: { table: 'play_candidates', columns: plannedCandidateColumns },
          },
          // Handed over like the other temporary tables: its one row must not count as a change of play_candidates
          // (that would analyze play_candidates a second time, 0.2 s of a 156k-play day).
          { step: plays, sql: sql.createTouchedTimes, tableFilled: { table: 'touched_times' } },
          ...each(plays, sql.addCompetingSongplays),
          {
            step: plays,
            sql: sql.addCompetingAlternates,
            tableFilled: { table: 'play_candidates', ifRows: true, columns: plannedCandidateColumns },
          },
          { step: plays, sql: sql.createRankedPlays },
          { step: plays, sql: sql.dropPlayCandidates, tableFilled: rankedPlaysFilled },
        ]
      : [{ step: plays, sql: sql.createRankedPlaysFromStaging, tableFilled: rankedPlaysFilled }];
    const deleteCompeting: TransformStatement[] = shape.hadSongplays
      ? [
          { step: plays, sql: sql.deleteCompetingSongplays, counts: counted('songplaysAdded', -1) },
          ...each(plays, sql.deleteCompetingAlternates),
        ]
      : [];
    plan.push(
      { step: plays, sql: sql.countStagedPlays, reads: 'staged-plays' },
      { step: plays, sql: sql.createOldPlays, tableFilled: { table: 'old_plays' } },
      ...competing,
      { step: plays, sql: sql.countPlayOutcomes, reads: 'play-outcomes' },
      ...deleteCompeting,
      { step: plays, sql: sql.insertSongplays, counts: counted('songplaysAdded'), fills: 'songplays' },
      ...each(plays, sql.insertAlternates),
      ...(shape.hadSongplays ? [] : each(plays, sql.createTouchedTimesOfSongplays)),
      { step: plays, sql: sql.insertTime, counts: counted('timeAdded') },
      ...each(plays, sql.dropTouchedTimes),
      ...(shape.hadSongplays
        ? [{ step: plays, sql: sql.deleteUnusedTime, counts: counted('timeAdded', -1) } as const]
        : []),
      ...each(plays, sql.dropPlays),
      ...each('users', [
        sql.createAffectedUsers,
        sql.deleteOldUserState,
        sql.insertUserState,
        sql.addStagedUsers,
        sql.deleteAffectedUsers,
      ]),
      { step: 'users', sql: sql.insertUsers, counts: counted('usersWritten') },
      ...each('users', sql.dropAffectedUsers),
    );
  }
  if (matching) plan.push(...each('finish', sql.dropSongMatches));
  plan.push(...each('finish', sql.dropLoadObjects));
  return plan;
}

const ID_BATCH = 500;

const outcomeField: Record<string, CountField> = {
  new: 'nextsongNew',
  unchanged: 'nextsongUnchanged',
  replaced: 'nextsongReplaced',
  conflicting: 'nextsongConflicting',
};

function tableSizes(row: Record<string, unknown> | undefined): Record<StarTable, number> {
  return Object.fromEntries(starTables.map((table) => [table, Number(row?.[table] ?? 0)])) as Record<
    StarTable,
    number
  >;
}

/**
 * Moves the staged records into the star schema inside the caller's transaction (the same one that writes the
 * ledger rows), running planTransform's statements in order and reading their outcomes into the counts.
 */
export async function runTransforms(
  trx: Knex.Transaction,
  options: TransformOptions,
): Promise<TransformCounts> {
  const counts = noTransformCounts();
  await options.tuning.beginTransform(trx);
  // Alternates without a songplay break an invariant (state_play_alternates_have_songplay); looked for anyway, so
  // that such a warehouse still takes the full path, which keeps them in the competition.
  const earlierPlays = await trx.raw<{ rows: unknown[] }>(
    'SELECT 1 FROM songplays UNION ALL SELECT 1 FROM etl_play_alternates LIMIT 1',
  );
  const plan = planTransform({
    fullRefresh: options.fullRefresh,
    songsLoaded: options.objects.some((object) => object.dataset === 'songs'),
    eventsLoaded: options.objects.some((object) => object.dataset === 'events'),
    hadSongplays: !options.fullRefresh && earlierPlays.rows.length > 0,
  });
  // A first load: nobody can be reading plays that are not there yet, so the table may be filled in bulk.
  const emptyBefore = earlierPlays.rows.length === 0;
  let before: Record<StarTable, number> | undefined;
  const changed = Object.fromEntries(starTables.map((table) => [table, 0])) as Record<StarTable, number>;
  let step: TransformStatement['step'] | undefined;
  // Rows changed since a table was last handed to the tuning (for `ifRows`).
  let rowsSinceFilled = 0;
  for (const statement of plan) {
    if (statement.step !== step) {
      step = statement.step;
      if (step !== 'prepare' && step !== 'finish') options.onStep?.(step);
    }
    const filled =
      statement.fills && emptyBefore
        ? await options.tuning.fillingEmptyTable(trx, statement.fills)
        : undefined;
    const result = await trx.raw<{ rowCount?: number | null; rows: Record<string, unknown>[] }>(
      statement.sql,
    );
    await filled?.();
    const rows = result.rowCount ?? 0;
    for (const { field, sign } of statement.counts ?? []) counts[field] += sign * rows;
    const change = starTableChange(statement.sql);
    if (change) changed[change.table] += change.sign * rows;
    if (statement.reads === 'staged-plays') counts.nextsongStaged = Number(result.rows[0]?.['count'] ?? 0);
    if (statement.reads === 'play-outcomes') {
      for (const row of result.rows) {
        const field = outcomeField[String(row['outcome'])];
        if (field) counts[field] = Number(row['count']);
      }
    }
    if (statement.reads === 'tables-before') before = tableSizes(result.rows[0]);
    if (statement.fillsLoadObjects) {
      for (let start = 0; start < options.objects.length; start += ID_BATCH) {
        await trx('load_objects').insert(
          options.objects
            .slice(start, start + ID_BATCH)
            .map((object) => ({ object_id: object.objectId, dataset: object.dataset })),
        );
      }
    }
    rowsSinceFilled += rows;
    if (statement.tableFilled) {
      const { table, ifRows, columns } = statement.tableFilled;
      if (!ifRows || rowsSinceFilled > 0) {
        await options.tuning.temporaryTableFilled(trx, table, columns);
        rowsSinceFilled = 0;
      }
    }
  }
  counts.tables = starTables.map((table) => {
    const size = before?.[table] ?? 0;
    return { table, before: size, after: size + changed[table] };
  });
  return counts;
}
