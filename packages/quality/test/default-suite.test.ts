import type { Knex } from 'knex';
import { createTestDatabase, type TestDatabase } from '@sparkify/testkit';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { type CheckReport, checkExitCode, defaultSuite, planCheckQueries, runChecks } from '../src/index.js';
import { eventsObjectKey, seededAt, seedWarehouse, unmatchedNextSong } from './seed-warehouse.js';

let db: TestDatabase;

beforeAll(async () => {
  db = await createTestDatabase(inject('pgUrl'), 'quality_defaults');
  await seedWarehouse(db.knex);
});
afterAll(() => db?.drop());

/** Plants a defect inside a transaction, runs the default suite in it, and rolls everything back. */
async function runWithDefect(plant: (trx: Knex.Transaction) => Promise<unknown>): Promise<CheckReport> {
  const trx = await db.knex.transaction();
  try {
    await plant(trx);
    return await runChecks(trx, defaultSuite(), { asOf: seededAt });
  } finally {
    await trx.rollback();
  }
}

const notPassing = (report: CheckReport) =>
  report.results
    .filter((result) => result.status !== 'pass')
    .map((result) => `${result.name}:${result.status}`);
const resultOf = (report: CheckReport, name: string) => {
  const result = report.results.find((candidate) => candidate.name === name);
  if (!result) throw new Error(`no result for ${name}`);
  return result;
};

describe('the default suite on a consistent load', () => {
  it('passes every check, reports the measures and exits 0', async () => {
    const report = await runChecks(db.knex, defaultSuite(), { asOf: seededAt });
    expect(notPassing(report)).toEqual([]);
    expect(report.status).toBe('pass');
    expect(report.counts.passed).toBe(defaultSuite().length);
    expect(resultOf(report, 'row_count_songplays').measure).toEqual({ label: 'rows', value: 3 });
    expect(resultOf(report, 'match_rate_songplays_song_id').measure?.value).toBeCloseTo(1 / 3);
    expect(checkExitCode(report)).toBe(0);
  });

  it('sends one query per table scan or standalone count, and samples nothing when nothing fails', async () => {
    const sent: string[] = [];
    const listener = (query: { sql: string }) => sent.push(query.sql);
    db.knex.on('query', listener);
    try {
      await runChecks(db.knex, defaultSuite(), { asOf: seededAt });
    } finally {
      db.knex.off('query', listener);
    }
    const plan = planCheckQueries(defaultSuite());
    expect(sent).toHaveLength(1 + plan.scans.length + plan.counts.length + plan.judged.length);
    expect(sent.filter((sql) => /^SELECT \* FROM \(/.test(sql))).toEqual([]);
    expect(
      sent.filter(
        (sql) =>
          /^SELECT CASE WHEN COUNT\(\*\) < 1 THEN 1 ELSE 0 END AS failing_0/.test(sql) &&
          sql.endsWith('FROM "songplays"'),
      ),
    ).toHaveLength(1);
  });
});

describe('each planted defect fails the right check with the right key', () => {
  it('an orphan: a deleted user that songplays refer to', async () => {
    const report = await runWithDefect((trx) => trx('users').where({ user_id: 26 }).delete());
    expect(notPassing(report)).toEqual(['orphans_songplays_user_id:fail']);
    const orphans = resultOf(report, 'orphans_songplays_user_id');
    expect(orphans.failingRows).toBe(1);
    expect(orphans.sample).toEqual([{ user_id: 26, referencing_rows: '1' }]);
    expect(checkExitCode(report)).toBe(1);
  });

  it('a duplicate songplay event where no constraint stops it', async () => {
    const report = await runWithDefect((trx) =>
      trx('songplays').insert({
        start_time: '2018-11-01 22:23:14.796',
        user_id: 26,
        level: 'free',
        session_id: 20,
        item_in_session: 0,
        object_id: 0,
      }),
    );
    const name = 'unique_songplays_user_id_session_id_item_in_session_start_time';
    expect(notPassing(report)).toEqual([`${name}:fail`]);
    expect(resultOf(report, name).sample).toEqual([
      {
        start_time: '2018-11-01 22:23:14.796',
        user_id: 26,
        session_id: 20,
        item_in_session: 0,
        copies: '2',
      },
    ]);
  });

  it('a duplicate dimension key, as Redshift allows (the informational key dropped here)', async () => {
    const report = await runWithDefect(async (trx) => {
      await trx.raw('ALTER TABLE users DROP CONSTRAINT users_pkey');
      await trx('users').insert({
        user_id: 15,
        first_name: 'Lily',
        last_name: 'Koch',
        gender: 'F',
        level: 'free',
      });
    });
    expect(notPassing(report)).toEqual(['unique_users_user_id:fail']);
    expect(resultOf(report, 'unique_users_user_id').sample).toEqual([{ user_id: 15, copies: '2' }]);
  });

  it('a null key where the engine allows it: a matched play without its artist', async () => {
    const report = await runWithDefect((trx) =>
      trx('songplays').where({ session_id: 10, item_in_session: 1 }).update({ artist_id: null }),
    );
    expect(notPassing(report)).toEqual(['not_null_songplays_artist_id_when_matched:fail']);
    const [row] = resultOf(report, 'not_null_songplays_artist_id_when_matched').sample;
    expect(row).toMatchObject({ artist_id: null });
    const [played] = await db
      .knex('songplays')
      .where({ session_id: 10, item_in_session: 1 })
      .select<{ songplay_id: string }[]>('songplay_id');
    expect(row?.['songplay_id']).toBe(played?.songplay_id);
  });

  it('a level of "gold" in the fact and in the dimension', async () => {
    const report = await runWithDefect(async (trx) => {
      await trx('songplays').where({ session_id: 20, item_in_session: 0 }).update({ level: 'gold' });
      await trx('users').where({ user_id: 26 }).update({ level: 'gold' });
    });
    expect(notPassing(report)).toEqual([
      'accepted_values_songplays_level:fail',
      'accepted_values_users_level:fail',
    ]);
    expect(resultOf(report, 'accepted_values_songplays_level').sample).toEqual([
      expect.objectContaining({ level: 'gold' }),
    ]);
    expect(resultOf(report, 'accepted_values_users_level').sample).toEqual([{ user_id: 26, level: 'gold' }]);
  });

  it('a time part out of range', async () => {
    const report = await runWithDefect((trx) =>
      trx('time').where({ start_time: '2018-11-01 22:23:14.796' }).update({ hour: 24 }),
    );
    expect(notPassing(report)).toEqual(['accepted_range_time_hour:fail']);
    expect(resultOf(report, 'accepted_range_time_hour').sample).toEqual([
      { start_time: '2018-11-01 22:23:14.796', hour: 24 },
    ]);
  });

  it('a staged record missing from the ledger accounting', async () => {
    const report = await runWithDefect((trx) =>
      trx('etl_files').where({ object_key: eventsObjectKey }).decrement('records_staged', 1),
    );
    expect(notPassing(report)).toEqual(['ledger_file_accounting:fail']);
    expect(resultOf(report, 'ledger_file_accounting').sample).toEqual([
      expect.objectContaining({
        object_key: eventsObjectKey,
        records_read: '6',
        records_staged: '4',
        records_rejected: '1',
      }),
    ]);
  });

  it('a staged NextSong event without its songplay after a successful run', async () => {
    const report = await runWithDefect((trx) => trx('staging_events').insert(unmatchedNextSong));
    expect(notPassing(report)).toEqual(['ledger_nextsong_songplays:fail']);
    expect(resultOf(report, 'ledger_nextsong_songplays').sample).toEqual([
      { user_id: '26', session_id: 20, item_in_session: 7, ts: '1541111000000', staged_copies: '1' },
    ]);
  });

  it('no NextSong reconciliation while the newest run failed: its staging was never transformed', async () => {
    const report = await runWithDefect(async (trx) => {
      await trx('staging_events').insert({ ...unmatchedNextSong, ts: 1 });
      await trx('etl_runs').insert({
        status: 'failed',
        target: 'postgres',
        source: 'fixtures',
        full_refresh: false,
        started_at: '2018-11-03 00:00:00',
      });
    });
    expect(notPassing(report)).toEqual([]);
  });

  it('no false alarm when a "nothing new" run follows a failed load: staging still holds the failed rows', async () => {
    // The sequence: a load succeeds; the next one stages new events and fails (bad records); the file is
    // fixed away and a third run finds nothing new. Staging still holds the failed run's events, which have
    // no songplay, and the newest run succeeded: before the fix this failed ledger_nextsong_songplays.
    const report = await runWithDefect(async (trx) => {
      await trx('etl_runs').insert({
        status: 'failed',
        target: 'postgres',
        source: 'fixtures',
        full_refresh: false,
        started_at: '2018-11-03 00:00:00',
        files_planned: 1,
        error_code: 'BAD_RECORDS',
      });
      await trx('staging_events').insert({
        page: 'NextSong',
        session_id: 30,
        item_in_session: 1,
        user_id: '26',
        level: 'free',
        ts: 1541200000000,
      });
      await trx('etl_runs').insert({
        status: 'succeeded',
        target: 'postgres',
        source: 'fixtures',
        full_refresh: false,
        started_at: '2018-11-04 00:00:00',
        files_planned: 0,
        files_skipped: 3,
      });
    });
    expect(notPassing(report)).toEqual([]);
  });

  it('a run whose NextSong outcomes do not add up to what it staged (an event lost in the transform)', async () => {
    const report = await runWithDefect((trx) =>
      trx('etl_runs').update({
        nextsong_new: 2,
        nextsong_unchanged: 0,
        nextsong_replaced: 0,
        nextsong_conflicting: 0,
      }),
    );
    expect(notPassing(report)).toEqual(['ledger_nextsong_outcomes:fail']);
    expect(resultOf(report, 'ledger_nextsong_outcomes').sample).toEqual([
      expect.objectContaining({ nextsong_staged: '3', nextsong_new: '2' }),
    ]);
  });

  it('a kept alternate occurrence whose event lost its songplay', async () => {
    const report = await runWithDefect((trx) =>
      trx('etl_play_alternates').insert({
        start_time: '2018-11-01 23:00:00',
        user_id: 26,
        session_id: 99,
        item_in_session: 1,
        level: 'free',
        object_id: 0,
      }),
    );
    expect(notPassing(report)).toEqual(['state_play_alternates_have_songplay:fail']);
  });

  it('an empty star table fails its row count (and no play at all is not fresh)', async () => {
    const report = await runWithDefect(async (trx) => {
      await trx('songplays').delete();
      await trx('time').delete();
    });
    expect(notPassing(report)).toEqual([
      'row_count_songplays:fail',
      'row_count_time:fail',
      'ledger_nextsong_songplays:fail',
      'freshness_plays:fail',
    ]);
    expect(resultOf(report, 'row_count_songplays').sample).toEqual([{ row_count: '0' }]);
  });

  it('a match rate below the threshold only warns, unless warnings are made to fail', async () => {
    const report = await runWithDefect((trx) => trx('songplays').update({ song_id: null, artist_id: null }));
    expect(notPassing(report)).toEqual(['match_rate_songplays_song_id:warn']);
    expect(report.status).toBe('warn');
    expect(resultOf(report, 'match_rate_songplays_song_id').sample).toEqual([
      { matched: '0', total: '3', match_rate: 0 },
    ]);
    expect(checkExitCode(report)).toBe(0);
    expect(checkExitCode(report, { failOn: 'warn' })).toBe(1);
  });
});
