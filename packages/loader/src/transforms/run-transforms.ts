import type { Knex } from 'knex';
import type { TransformTuning } from '../staging/stager.js';
import * as sql from './transform-sql.js';

/** What the transform changed, statement by statement. */
export interface TransformCounts {
  nextsongStaged: number;
  songsAdded: number;
  artistsWritten: number;
  songplaysAdded: number;
  songplaysRematched: number;
  timeAdded: number;
  usersWritten: number;
}

export interface TransformOptions {
  /** The target's session tuning around the shared SQL (work_mem and ANALYZE on PostgreSQL). */
  tuning: TransformTuning;
  fullRefresh: boolean;
  /** This load staged songs: artists may be redefined and earlier plays may match now. */
  songsStaged: boolean;
  /** This load staged events. */
  eventsStaged: boolean;
}

/** Counts of a transform that changed nothing. */
export function noTransformCounts(): TransformCounts {
  return {
    nextsongStaged: 0,
    songsAdded: 0,
    artistsWritten: 0,
    songplaysAdded: 0,
    songplaysRematched: 0,
    timeAdded: 0,
    usersWritten: 0,
  };
}

async function run(trx: Knex.Transaction, statement: string): Promise<number> {
  const result = await trx.raw<{ rowCount?: number | null }>(statement);
  return result.rowCount ?? 0;
}

/**
 * Moves the staged records into the star schema inside the caller's transaction (the same one that writes the
 * ledger rows), in dependency order: songs and artists, then plays (match keys, songplays, time), then users.
 */
export async function runTransforms(
  trx: Knex.Transaction,
  options: TransformOptions,
): Promise<TransformCounts> {
  const counts = noTransformCounts();
  await options.tuning.beginTransform(trx);
  if (options.fullRefresh) for (const statement of sql.clearForFullRefresh) await run(trx, statement);
  const earlierPlays = await trx.raw<{ rows: unknown[] }>('SELECT 1 FROM songplays LIMIT 1');
  const hadSongplays = earlierPlays.rows.length > 0;

  if (options.songsStaged) {
    counts.songsAdded = await run(trx, sql.insertSongs);
    await run(trx, sql.insertSongKeys);
    await run(trx, sql.deleteRedefinedArtists);
    counts.artistsWritten = await run(trx, sql.insertArtists);
  }
  const matching = (options.songsStaged && hadSongplays) || options.eventsStaged;
  if (matching) {
    await run(trx, sql.createSongMatches);
    await options.tuning.temporaryTableFilled(trx, 'song_matches');
  }
  if (options.songsStaged && hadSongplays) counts.songplaysRematched = await run(trx, sql.rematchSongplays);
  if (options.eventsStaged) {
    const staged = await trx.raw<{ rows: { count: string | number }[] }>(sql.countStagedPlays);
    counts.nextsongStaged = Number(staged.rows[0]?.count ?? 0);
    await run(trx, sql.createNewPlays);
    await options.tuning.temporaryTableFilled(trx, 'new_plays');
    await run(trx, sql.insertPlayKeys);
    counts.songplaysAdded = await run(trx, sql.insertSongplays);
    counts.timeAdded = await run(trx, sql.insertTime);
    await run(trx, sql.dropNewPlays);
    await run(trx, sql.createUserCandidates);
    await run(trx, sql.deleteReplacedUsers);
    await run(trx, sql.deleteReplacedUserState);
    counts.usersWritten = await run(trx, sql.insertUsers);
    await run(trx, sql.insertUserState);
    await run(trx, sql.dropUserCandidates);
  }
  if (matching) await run(trx, sql.dropSongMatches);
  return counts;
}
