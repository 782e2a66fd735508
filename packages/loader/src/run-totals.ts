import type { RunTotals } from './ledger/ledger.js';
import type { LoadResult } from './load.js';

/** How far a run got: each phase adds its numbers to the ledger's totals. */
export type LoadPhase = 'started' | 'planned' | 'staged' | 'transformed';

const order: readonly LoadPhase[] = ['started', 'planned', 'staged', 'transformed'];

/**
 * The totals written on etl_runs, built from the load's result (pure). A phase the run did not finish leaves
 * its columns NULL rather than 0, so the ledger tells "not reached" from "nothing"; a run with nothing new
 * read no records.
 */
export function runTotals(result: LoadResult, reached: LoadPhase): RunTotals {
  const done = (phase: LoadPhase) => order.indexOf(reached) >= order.indexOf(phase);
  const { list, stage, transform } = result.stages;
  return {
    ...(done('planned') && {
      filesPlanned: result.plan.toLoad,
      filesSkipped: result.plan.skipped,
      listSeconds: list.seconds,
    }),
    ...(result.status === 'nothing-new' && { recordsRead: 0 }),
    ...(done('staged') && {
      stageSeconds: stage.seconds,
      recordsRead: stage.records,
      recordsStaged: stage.staged,
      recordsRejected: stage.rejected,
    }),
    ...(done('transformed') && {
      nextsongStaged: transform.nextsongStaged,
      nextsongNew: transform.nextsongNew,
      nextsongUnchanged: transform.nextsongUnchanged,
      nextsongReplaced: transform.nextsongReplaced,
      nextsongConflicting: transform.nextsongConflicting,
      songplaysAdded: transform.songplaysAdded,
      usersWritten: transform.usersWritten,
      songsAdded: transform.songsAdded,
      artistsWritten: transform.artistsWritten,
      timeAdded: transform.timeAdded,
      transformSeconds: transform.seconds,
    }),
  };
}
