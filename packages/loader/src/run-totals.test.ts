import { describe, expect, it } from 'vitest';
import type { LoadResult } from './load.js';
import { runTotals } from './run-totals.js';

const result: LoadResult = {
  status: 'succeeded',
  runId: 3,
  target: 'postgres',
  source: 'fixture',
  plan: { toLoad: 4, skipped: 2, bytes: 900 },
  stages: {
    list: { seconds: 0.5, objects: 6, bytes: 1200 },
    stage: { seconds: 1.25, records: 40, staged: 38, rejected: 2, bytes: 900 },
    transform: {
      seconds: 2,
      nextsongStaged: 30,
      nextsongNew: 26,
      nextsongUnchanged: 2,
      nextsongReplaced: 1,
      nextsongConflicting: 1,
      songsAdded: 5,
      artistsWritten: 4,
      songplaysAdded: 29,
      songplaysRemoved: 0,
      songplaysRematched: 1,
      timeAdded: 28,
      usersWritten: 7,
      tables: [],
    },
  },
  files: [],
  rejects: [],
  unknownKeys: [],
  retries: 0,
};

const plannedTotals = { filesPlanned: 4, filesSkipped: 2, listSeconds: 0.5 };
const stagedTotals = {
  ...plannedTotals,
  stageSeconds: 1.25,
  recordsRead: 40,
  recordsStaged: 38,
  recordsRejected: 2,
};

describe('runTotals', () => {
  it('writes every phase of a finished run from the result', () => {
    expect(runTotals(result, 'transformed')).toEqual({
      filesPlanned: 4,
      filesSkipped: 2,
      listSeconds: 0.5,
      stageSeconds: 1.25,
      recordsRead: 40,
      recordsStaged: 38,
      recordsRejected: 2,
      nextsongStaged: 30,
      nextsongNew: 26,
      nextsongUnchanged: 2,
      nextsongReplaced: 1,
      nextsongConflicting: 1,
      songplaysAdded: 29,
      usersWritten: 7,
      songsAdded: 5,
      artistsWritten: 4,
      timeAdded: 28,
      transformSeconds: 2,
    });
  });

  it('leaves the phases a failed run did not reach out (NULL in etl_runs, not 0)', () => {
    expect(runTotals(result, 'started')).toEqual({});
    expect(runTotals(result, 'planned')).toEqual(plannedTotals);
    expect(runTotals(result, 'staged')).toEqual(stagedTotals);
  });

  it('says a run with nothing new read no records', () => {
    expect(runTotals({ ...result, status: 'nothing-new' }, 'planned')).toEqual({
      ...plannedTotals,
      recordsRead: 0,
    });
  });
});
