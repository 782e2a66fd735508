import { describe, expect, it } from 'vitest';
import type { SourceObject } from '../sources/source.js';
import { type CopyOutcome, redshiftFileOutcomes, runCopy, type SqlSession } from './stage-redshift.js';

const copyStatement = { kind: 'copy' as const, dataset: 'events' as const, sql: 'COPY staging_events …' };

/**
 * A session that answers as Redshift's documentation says. pg_last_copy_id() moves only when a COPY begins
 * loading (PG_LAST_COPY_ID: not on syntax, credential or privilege errors); the SYS views hold one
 * SYS_LOAD_HISTORY row per COPY, its SYS_LOAD_ERROR_DETAIL rows and one SYS_LOAD_DETAIL row per file. The
 * previous COPY of the session (id 41) left its own errors behind, which must never be read for this one.
 */
function scriptedSession(answers: {
  /** 'loads': the COPY loads; 'bad-data': it starts loading and fails on MAXERROR; 'early': fails before loading. */
  copy: 'loads' | 'bad-data' | 'early';
  errors: object[];
  loaded: number;
  detail: object[];
}): SqlSession & { asked: string[] } {
  const asked: string[] = [];
  let copyId = 41;
  return {
    asked,
    query(sql: string) {
      asked.push(sql.trim().split(/\s+/).slice(0, 4).join(' '));
      if (sql.startsWith('COPY')) {
        if (answers.copy === 'early') {
          return Promise.reject(
            Object.assign(
              new Error('User arn:aws:iam::123456789012:role/r is not authorized to assume IAM Role'),
              {
                code: 'XX000',
                detail: "aws_secret_access_key=SHOULD-NOT-LEAK; region 'us-west-2'",
              },
            ),
          );
        }
        copyId = 57;
        return answers.copy === 'bad-data'
          ? Promise.reject(
              new Error("Load into table 'staging_events' failed. Check 'sys_load_error_detail'"),
            )
          : Promise.resolve({ rows: [] });
      }
      if (/pg_last_copy_id\(\) AS copy_id/.test(sql)) {
        return Promise.resolve({ rows: [{ copy_id: String(copyId), at: '2026-12-01 12:00:00.123456' }] });
      }
      if (/sys_load_history/.test(sql)) {
        // The row of copy 57 only; the scoping must ask for it by id, table and start time.
        const matches =
          copyId === 57 &&
          /query_id = 57/.test(sql) &&
          /session_id = pg_backend_pid\(\)/.test(sql) &&
          /'staging_events_raw'/.test(sql) &&
          /start_time >= '2026-12-01/.test(sql);
        return Promise.resolve({
          rows: matches
            ? [{ query_id: '9057', table_name: 'staging_events_raw', loaded_rows: String(answers.loaded) }]
            : [],
        });
      }
      if (/sys_load_error_detail/.test(sql)) {
        return Promise.resolve({
          rows: /query_id = 9057/.test(sql) ? answers.errors : [{ object_key: 'old' }],
        });
      }
      if (/sys_load_detail/.test(sql))
        return Promise.resolve({ rows: /query_id = 9057/.test(sql) ? answers.detail : [] });
      if (/pg_last_copy_count/.test(sql))
        return Promise.resolve({ rows: [{ loaded: String(answers.loaded) }] });
      return Promise.reject(new Error(`unexpected SQL: ${sql}`));
    },
  };
}

const badLine = {
  object_key: 's3://b/log_data/a.json',
  line_number: '3',
  field: 'ts',
  error_code: '1206',
  reason: 'Invalid timestamp format or value',
};

describe('runCopy', () => {
  it('a partial load: rows loaded, each load error of exactly this COPY, and the lines of each file', async () => {
    const session = scriptedSession({
      copy: 'loads',
      errors: [badLine],
      loaded: 9,
      detail: [{ object_key: 's3://b/log_data/a.json', lines: '10' }],
    });
    expect(await runCopy(session, copyStatement)).toEqual({
      succeeded: true,
      loaded: 9,
      errors: [
        {
          dataset: 'events',
          key: 's3://b/log_data/a.json',
          line: 3,
          field: 'ts',
          reason: 'Invalid timestamp format or value (Redshift load error 1206)',
          raw: '',
        },
      ],
      lines: [{ key: 's3://b/log_data/a.json', lines: 10 }],
    });
    expect(session.asked).toEqual([
      'SELECT pg_last_copy_id() AS copy_id,',
      'COPY staging_events …',
      'SELECT pg_last_copy_id() AS copy_id,',
      'SELECT query_id, TRIM(table_name) AS',
      'SELECT TRIM(file_name) AS object_key,',
      'SELECT TRIM(file_name) AS object_key,',
      'SELECT pg_last_copy_count() AS loaded',
    ]);
  });

  it('a COPY that failed on bad data loads nothing and keeps its errors; no count is read after it', async () => {
    const session = scriptedSession({ copy: 'bad-data', errors: [badLine], loaded: 9, detail: [] });
    const outcome = await runCopy(session, copyStatement);
    expect(outcome).toMatchObject({ succeeded: false, loaded: 0 });
    expect(outcome.errors).toHaveLength(1);
    expect(outcome.failure).toContain("Load into table 'staging_events' failed");
    expect(session.asked).not.toContain('SELECT pg_last_copy_count() AS loaded');
  });

  it('a COPY refused before loading (copy id unchanged): Redshift’s own error, secrets hidden, no load errors read', async () => {
    const session = scriptedSession({ copy: 'early', errors: [], loaded: 0, detail: [] });
    const failure = (await runCopy(session, copyStatement).catch((error: unknown) => error)) as Error;
    expect(failure).toMatchObject({ code: 'COPY_FAILED' });
    expect(failure.message).toContain(
      'before loading anything: XX000: User arn:aws:iam::123456789012:role/r is not authorized',
    );
    expect(failure.message).toContain('aws_secret_access_key=***');
    expect(failure.message).not.toContain('SHOULD-NOT-LEAK');
    // Nothing of the previous COPY (id 41) is read and attributed to this one.
    expect(session.asked.some((sql) => /sys_load|stl_|pg_last_copy_count/i.test(sql))).toBe(false);
  });

  it('a failed COPY with no load errors throws with its own error', async () => {
    const session = scriptedSession({ copy: 'bad-data', errors: [], loaded: 0, detail: [] });
    await expect(runCopy(session, copyStatement)).rejects.toMatchObject({
      code: 'COPY_FAILED',
      message:
        "Redshift COPY into staging_events_raw failed: Load into table 'staging_events' failed. Check 'sys_load_error_detail'",
    });
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

  it('a song file holding several documents (concatenated JSON values) reads what its COPY loaded and refused', () => {
    const song = objects[2]!;
    const copies: CopyOutcome[] = [
      {
        key: song.key,
        succeeded: true,
        loaded: 2,
        errors: [{ ...reject(song.key), dataset: 'songs' }],
        lines: [{ key: song.key, lines: 3 }],
      },
    ];
    expect(redshiftFileOutcomes([song], copies)).toEqual([
      { dataset: 'songs', key: song.key, etag: 'es', size: 10, read: 3, staged: 2, rejected: 1 },
    ]);
  });

  it('refuses to record a file as loaded without a count Redshift reported for it', () => {
    const copies: CopyOutcome[] = [
      {
        succeeded: true,
        loaded: 11,
        errors: [reject('s3://b/log_data/b.json')],
        lines: [
          { key: 's3://b/log_data/a.json', lines: 10 },
          { key: 's3://b/song_data/s.json', lines: 1 },
        ],
      },
    ];
    expect(() => redshiftFileOutcomes(objects, copies)).toThrow(
      'Redshift reported no line count for s3://b/log_data/b.json (SYS_LOAD_DETAIL): not recording it as loaded',
    );
  });
});
