import type { LoadResult } from '@sparkify/loader';
import { describe, expect, it } from 'vitest';
import { formatLoadSummary, formatProgress, progressBar } from './load-report.js';

const MB = 1024 * 1024;

describe('formatProgress', () => {
  it('measures staging by bytes: many tiny song files done first do not read as nearly finished', () => {
    const line = formatProgress(
      {
        stage: 'stage',
        objectsDone: 910,
        objectsTotal: 1000,
        records: 910,
        bytes: 20 * MB,
        bytesTotal: 100 * MB,
      },
      5,
      4,
    );
    expect(line).toBe(
      'staging ████░░░░░░░░░░░░░░░░  20%  20.0/100.0 MB  5.0 MB/s  elapsed 4.0 s  ETA 16.0 s  ·  910/1,000 objects, 910 records',
    );
  });

  it('says 100% and ETA 0 when every byte is read, and minutes for long stretches', () => {
    const done = formatProgress(
      { stage: 'stage', objectsDone: 3, objectsTotal: 3, records: 9, bytes: 3 * MB, bytesTotal: 3 * MB },
      130,
      125,
    );
    expect(done).toContain('████████████████████ 100%');
    expect(done).toContain('ETA 0.0 s');
    expect(done).toContain('elapsed 2 min 05 s');
  });

  it('has no ETA before any byte is read', () => {
    const line = formatProgress(
      { stage: 'stage', objectsDone: 0, objectsTotal: 3, records: 0, bytes: 0, bytesTotal: 3 * MB },
      0,
      0,
    );
    expect(line).toContain('  0%');
    expect(line).toContain('ETA ?');
  });

  it('names the transform step with its own running time and the load’s', () => {
    expect(formatProgress({ stage: 'transform', step: 'plays and time' }, 12.34, 3.21)).toBe(
      'transforming into the star schema: plays and time, 3.2 s (load 12.3 s)',
    );
    expect(formatProgress({ stage: 'transform', step: 'ledger' }, 1, 0)).toContain('writing the ledger');
  });

  it('draws bars clamped to their width', () => {
    expect(progressBar(0.5, 4)).toBe('██░░');
    expect(progressBar(1.7, 4)).toBe('████');
    expect(progressBar(-1, 4)).toBe('░░░░');
  });
});

function loaded(tables: { table: string; before: number; after: number }[]): LoadResult {
  return {
    status: 'succeeded',
    runId: 7,
    target: 'postgres',
    source: '/data',
    plan: { toLoad: 2, skipped: 0, bytes: 3 * MB },
    stages: {
      list: { seconds: 0.01, objects: 2, bytes: 3 * MB },
      stage: { seconds: 0.5, records: 100, staged: 100, rejected: 0, bytes: 3 * MB },
      transform: {
        seconds: 0.25,
        nextsongStaged: 90,
        nextsongNew: 0,
        nextsongUnchanged: 90,
        nextsongReplaced: 0,
        nextsongConflicting: 0,
        songsAdded: 10,
        artistsWritten: 9,
        songplaysAdded: 90,
        songplaysRemoved: 0,
        songplaysRematched: 0,
        timeAdded: 90,
        usersWritten: 5,
        tables: tables as LoadResult['stages']['transform']['tables'],
      },
    },
    files: [],
    rejects: [],
    unknownKeys: [],
    retries: 0,
  };
}

describe('formatLoadSummary', () => {
  it('a full refresh that changed nothing shows each table before → after with a change of 0', () => {
    const text = formatLoadSummary(
      loaded([
        { table: 'songplays', before: 90, after: 90 },
        { table: 'users', before: 5, after: 5 },
      ]),
      'embedded PostgreSQL',
    );
    expect(text.split('\n')).toEqual([
      'Loaded: /data → embedded PostgreSQL (run 7)',
      'stage         objects       records   rejected   seconds         MB     MB/s',
      'list                2             -          -      0.01          -        -',
      'stage               2           100          0      0.50        3.0      6.0',
      'transform           -           100          -      0.25          -        -',
      '',
      'table             before         after      change',
      'songplays             90            90           0',
      'users                  5             5           0',
      '90 NextSong staged · 5 users written · 9 artists written',
      'NextSong events: 0 new · 90 re-delivered unchanged · 0 replaced by a corrected file · 0 conflicting',
    ]);
  });

  it('signs growth and shrinkage', () => {
    const text = formatLoadSummary(
      loaded([
        { table: 'songplays', before: 1000, after: 6353 },
        { table: 'songs', before: 71, after: 70 },
      ]),
      'w',
    );
    expect(text).toContain('songplays          1,000         6,353      +5,353');
    expect(text).toContain('songs                 71            70          −1');
  });
});
