import { describe, expect, it } from 'vitest';
import type { SourceObject } from '../sources/source.js';
import { type CopyOutcome, redshiftFileOutcomes, runCopy, type SqlSession } from './stage-redshift.js';

const copyStatement = { kind: 'copy' as const, dataset: 'events' as const, sql: 'COPY staging_events …' };

/**
 * A session that answers the way a provisioned cluster does after one COPY: the COPY itself fails or not,
 * STL_LOAD_ERRORS rows, pg_last_copy_count() and STL_LOAD_COMMITS lines. Records what it was asked.
 */
function scriptedSession(answers: {
  copyFails: boolean;
  errors: object[];
  loaded: number;
  commits: object[];
}): SqlSession & { asked: string[] } {
  const asked: string[] = [];
  return {
    asked,
    query(sql: string) {
      asked.push(sql.trim().split(/\s+/).slice(0, 4).join(' '));
      if (sql.startsWith('COPY')) {
        return answers.copyFails
          ? Promise.reject(new Error('Load into table failed. Check stl_load_errors'))
          : Promise.resolve({ rows: [] });
      }
      if (/stl_load_errors|sys_load_error_detail/.test(sql)) return Promise.resolve({ rows: answers.errors });
      if (/pg_last_copy_count/.test(sql))
        return Promise.resolve({ rows: [{ loaded: String(answers.loaded) }] });
      if (/stl_load_commits/.test(sql)) return Promise.resolve({ rows: answers.commits });
      return Promise.reject(new Error(`unexpected SQL: ${sql}`));
    },
  };
}

const badLine = {
  object_key: 's3://b/log_data/a.json',
  line_number: '3',
  field: 'ts',
  reason: 'Invalid timestamp',
  raw: '{"ts":"x"}',
};

describe('runCopy', () => {
  it('returns rows loaded, each load error as a reject and the lines of each file', async () => {
    const session = scriptedSession({
      copyFails: false,
      errors: [badLine],
      loaded: 9,
      commits: [{ object_key: 's3://b/log_data/a.json', lines: '10' }],
    });
    expect(await runCopy(session, copyStatement, false)).toEqual({
      succeeded: true,
      loaded: 9,
      errors: [
        {
          dataset: 'events',
          key: 's3://b/log_data/a.json',
          line: 3,
          field: 'ts',
          reason: 'Invalid timestamp',
          raw: '{"ts":"x"}',
        },
      ],
      lines: [{ key: 's3://b/log_data/a.json', lines: 10 }],
    });
    expect(session.asked).toEqual([
      'COPY staging_events …',
      'SELECT TRIM(filename) AS object_key,',
      'SELECT pg_last_copy_count() AS loaded',
      'SELECT TRIM(filename) AS object_key,',
    ]);
  });

  it('reports a COPY that failed on bad data as loading nothing, and reads no count after it', async () => {
    const session = scriptedSession({ copyFails: true, errors: [badLine], loaded: 9, commits: [] });
    const outcome = await runCopy(session, copyStatement, false);
    expect(outcome).toMatchObject({ succeeded: false, loaded: 0, lines: [] });
    expect(outcome.errors).toHaveLength(1);
    expect(session.asked).not.toContain('SELECT pg_last_copy_count() AS loaded');
  });

  it('throws COPY_FAILED for a failed COPY that left no load errors', async () => {
    const session = scriptedSession({ copyFails: true, errors: [], loaded: 0, commits: [] });
    await expect(runCopy(session, copyStatement, false)).rejects.toMatchObject({
      code: 'COPY_FAILED',
      message: 'Redshift COPY failed and reported no load errors: COPY staging_events …',
    });
  });

  it('reads SYS_LOAD_ERROR_DETAIL and no STL view on Serverless', async () => {
    const session = scriptedSession({ copyFails: false, errors: [], loaded: 4, commits: [] });
    expect(await runCopy(session, copyStatement, true)).toEqual({
      succeeded: true,
      loaded: 4,
      errors: [],
      lines: [],
    });
    expect(session.asked[1]).toBe('SELECT TRIM(file_name) AS object_key,');
    expect(session.asked).toHaveLength(3);
  });
});

describe('redshiftFileOutcomes', () => {
  const objects: SourceObject[] = [
    { dataset: 'events', key: 's3://b/log_data/a.json', etag: 'ea', size: 100 },
    { dataset: 'events', key: 's3://b/log_data/b.json', etag: 'eb', size: 50 },
    { dataset: 'songs', key: 's3://b/song_data/s.json', etag: 'es', size: 10 },
  ];
  const reject = (key: string) => ({
    dataset: 'events' as const,
    key,
    line: 1,
    field: null,
    reason: 'r',
    raw: '',
  });

  it('counts lines from the commits, rejects from the errors, and one record per song object', () => {
    const copies: CopyOutcome[] = [
      {
        succeeded: true,
        loaded: 12,
        errors: [reject('s3://b/log_data/a.json')],
        lines: [
          { key: 's3://b/log_data/a.json', lines: 10 },
          { key: 's3://b/log_data/b.json', lines: 3 },
        ],
      },
      { succeeded: true, loaded: 1, errors: [], lines: [{ key: 's3://b/song_data/s.json', lines: 1 }] },
    ];
    expect(redshiftFileOutcomes(objects, copies)).toEqual([
      {
        dataset: 'events',
        key: 's3://b/log_data/a.json',
        etag: 'ea',
        size: 100,
        read: 10,
        staged: 9,
        rejected: 1,
      },
      {
        dataset: 'events',
        key: 's3://b/log_data/b.json',
        etag: 'eb',
        size: 50,
        read: 3,
        staged: 3,
        rejected: 0,
      },
      {
        dataset: 'songs',
        key: 's3://b/song_data/s.json',
        etag: 'es',
        size: 10,
        read: 1,
        staged: 1,
        rejected: 0,
      },
    ]);
  });

  it('never reads fewer records than it rejected (Serverless reports no lines)', () => {
    const copies: CopyOutcome[] = [
      {
        succeeded: false,
        loaded: 0,
        errors: [reject('s3://b/log_data/b.json'), reject('s3://b/log_data/b.json')],
        lines: [],
      },
    ];
    expect(
      redshiftFileOutcomes(objects, copies).map((file) => [file.read, file.staged, file.rejected]),
    ).toEqual([
      [0, 0, 0],
      [2, 0, 2],
      [1, 1, 0],
    ]);
  });
});
