import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Knex } from 'knex';
import { startTestS3, type TestS3, uploadFolder } from '@sparkify/testkit';
import type { Dataset } from '../src/dataset.js';
import { defaultRecordRules } from '../src/records/ambiguous-json.js';
import { openSource } from '../src/sources/open-source.js';
import type { SourceObject } from '../src/sources/source.js';
import { planRedshiftStage, type SqlSession, stageToRedshift } from '../src/staging/stage-redshift.js';
import { recordRules } from '../src/validation/record-rules.js';
import { ndjson, play, song, writeFixture } from './fixtures.js';

const role = 'arn:aws:iam::123456789012:role/dwhRole';

/** The number the validation pass gives the rule naming `field` with a reason like `reason` (what Redshift answers). */
function ruleNumber(dataset: Dataset, field: string, reason: RegExp): number {
  const rules = recordRules(dataset, defaultRecordRules);
  const index = rules.findIndex((rule) => rule.problem.field === field && reason.test(rule.problem.reason));
  expect(index).toBeGreaterThanOrEqual(0);
  return index + 1;
}

/**
 * A Redshift session scripted as its documentation says for COPYs that all load: the copy id moves, one
 * SYS_LOAD_HISTORY row, no load errors, the lines of the one file (`lines`, in the order the COPYs come); the validation pass answers what `verdicts`
 * says it found (per object id: rule numbers of the rejected documents). Everything it was sent is kept.
 */
function scriptedRedshift(
  lines: ReadonlyMap<string, number>,
  verdicts: ReadonlyMap<number, readonly number[]>,
  probe: { missing: string | null; json_null: string | null } = { missing: null, json_null: 'null' },
): SqlSession & { sent: string[] } {
  const sent: string[] = [];
  let copyId = 100;
  const queue = [...lines];
  let current: [string, number] | undefined;
  return {
    sent,
    query(sql: string) {
      sent.push(sql);
      if (sql.startsWith('COPY')) {
        copyId += 1;
        current = queue.shift();
        return Promise.resolve({ rows: [] });
      }
      if (sql.includes('pg_last_copy_id() AS copy_id')) {
        return Promise.resolve({ rows: [{ copy_id: String(copyId), at: '2026-12-01 12:00:00' }] });
      }
      if (sql.includes('sys_load_history')) {
        return Promise.resolve({ rows: [{ query_id: String(copyId), loaded_rows: '0' }] });
      }
      if (sql.includes('sys_load_error_detail')) return Promise.resolve({ rows: [] });
      // As lax-mode navigation documents it: a missing key is SQL NULL, a JSON null a 'null' value.
      if (sql.startsWith('SELECT JSON_TYPEOF(m.doc')) return Promise.resolve({ rows: [probe] });
      const [key, count] = current ?? ['', 0];
      if (sql.includes('sys_load_detail'))
        return Promise.resolve({ rows: [{ object_key: key, lines: count }] });
      if (sql.includes('pg_last_copy_count')) return Promise.resolve({ rows: [{ loaded: String(count) }] });
      // The pass over staging_events_docs finds the events' verdicts; the songs' pass finds none.
      const found = sql.includes('FROM staging_events_docs') ? [...verdicts] : [];
      if (sql.startsWith('SELECT object_id, COUNT(*)')) {
        return Promise.resolve({
          rows: found.map(([objectId, rules]) => ({ object_id: objectId, rejected: rules.length })),
        });
      }
      if (sql.startsWith('SELECT object_id, rule,')) {
        return Promise.resolve({
          rows: found.flatMap(([objectId, rules]) =>
            rules.map((rule) => ({
              object_id: objectId,
              rule,
              raw_record: '{"as":"Redshift serialises it"}',
            })),
          ),
        });
      }
      if (/^(SET|RESET|TRUNCATE|INSERT INTO|DELETE FROM)\b/.test(sql)) return Promise.resolve({ rows: [] });
      return Promise.reject(new Error(`unexpected SQL: ${sql.slice(0, 80)}`));
    },
  };
}

const knexOn = (session: SqlSession) =>
  ({
    client: { acquireConnection: () => Promise.resolve(session), releaseConnection: () => Promise.resolve() },
  }) as unknown as Knex;

describe('the validation pass on the Redshift path (scripted session, real S3)', () => {
  let s3: TestS3;
  let objects: SourceObject[];
  const days = {
    'log_data/2018/11/a-events.json': ndjson([
      play({ sessionId: 1, itemInSession: 1 }),
      play({ sessionId: 1, itemInSession: 2, level: 'PAID' }),
      play({ sessionId: 1, itemInSession: 3 }),
    ]),
    'log_data/2018/11/b-events.json': ndjson([play({ sessionId: 2, itemInSession: 1 })]),
    'song_data/A/B/C/TRA.json': JSON.stringify(song({ song_id: 'SOA' })),
  };
  let source: ReturnType<typeof openSource>;
  /** The session of the latest stage() call, also when it threw. */
  let lastSession: { sent: string[] } | undefined;

  beforeAll(async () => {
    s3 = await startTestS3();
    await s3.createBucket('data');
    await s3.createBucket('team');
    await uploadFolder(s3.client, 'data', '', writeFixture(days));
    source = openSource({ source: 's3://data/' }, s3.client);
    objects = [];
    for (const dataset of ['songs', 'events'] as const) {
      for await (const object of source.list(dataset)) objects.push(object);
    }
  });
  afterAll(async () => s3?.stop());

  async function stage(
    verdicts: Map<number, number[]>,
    probe?: { missing: string | null; json_null: string | null },
  ) {
    const ids = new Map(objects.map((object, index) => [object.key, 10 + index]));
    const config = { iamRoleArn: role, manifestPrefix: 's3://team/manifests/', maxErrors: 5, sample: 0 };
    const plan = planRedshiftStage(objects, config, 'run-1', ids);
    const lines = new Map(objects.map((object) => [object.key, object.dataset === 'songs' ? 1 : 3]));
    lines.set(objects.find((object) => object.key.endsWith('b-events.json'))!.key, 1);
    const session = scriptedRedshift(lines, verdicts, probe);
    lastSession = session;
    const result = await stageToRedshift(
      knexOn(session),
      source,
      { ...plan, objects, objectIds: ids },
      {
        s3: s3.client,
        maxErrors: 5,
      },
    );
    return { result, session, ids };
  }

  it('a record the pass rejects is counted against its file, named with its line (read again here), field and reason', async () => {
    const aKey = 's3://data/log_data/2018/11/a-events.json';
    const ids = new Map(objects.map((object, index) => [object.key, 10 + index]));
    const { result, session } = await stage(
      new Map([[ids.get(aKey)!, [ruleNumber('events', '/level', /expected one of/)]]]),
    );
    expect(result.rejects).toEqual([
      expect.objectContaining({
        key: aKey,
        line: 2,
        field: '/level',
        reason: expect.stringMatching(/expected one of "free", "paid".*got string "PAID"/) as unknown,
      }),
    ]);
    expect(result).toMatchObject({ recordsRead: 5, recordsStaged: 4, recordsRejected: 1 });
    const a = result.files.find((file) => file.key === aKey)!;
    expect(a).toMatchObject({ read: 3, staged: 2, rejected: 1 });
    // The pass ran after the COPYs, and the typed staging tables were filled by the shred, not by COPY.
    const kinds = session.sent.map((sql) => sql.split(/\s+/).slice(0, 3).join(' '));
    expect(kinds.indexOf('INSERT INTO staging_events')).toBeGreaterThan(
      kinds.lastIndexOf('COPY staging_events_raw FROM'),
    );
    expect(session.sent.at(-1)).toBe('RESET enable_case_sensitive_identifier');
  });

  it("when this process cannot find the warehouse's reject in the object, the warehouse's own words stand (line 0, raw record)", async () => {
    const bKey = 's3://data/log_data/2018/11/b-events.json';
    const ids = new Map(objects.map((object, index) => [object.key, 10 + index]));
    const { result } = await stage(
      new Map([[ids.get(bKey)!, [ruleNumber('events', '/ts', /looks like seconds/)]]]),
    );
    expect(result.rejects).toEqual([
      {
        dataset: 'events',
        key: bKey,
        line: 0,
        field: '/ts',
        reason: expect.stringMatching(
          /^is before 2000-01-01T00:00:00.000Z: .*found by the validation pass in the warehouse/,
        ) as unknown,
        raw: '{"as":"Redshift serialises it"}',
      },
    ]);
    expect(result.files.find((file) => file.key === bKey)).toMatchObject({ read: 1, staged: 0, rejected: 1 });
  });

  it('a cluster whose SUPER answers the null probe otherwise is refused before any COPY, and the session is reset', async () => {
    const failure = await stage(new Map(), { missing: 'null', json_null: 'null' }).catch(
      (error: unknown) => error,
    );
    expect(failure).toMatchObject({
      code: 'STAGING_FAILED',
      message: expect.stringMatching(/does not tell a missing key from a JSON null/) as unknown,
    });
    expect(lastSession!.sent.some((sql) => sql.startsWith('COPY'))).toBe(false);
    expect(lastSession!.sent.at(-1)).toBe('RESET enable_case_sensitive_identifier');
  });
});
