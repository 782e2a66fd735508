import type { Knex } from 'knex';
import { createTestDatabase, type TestDatabase } from '@sparkify/testkit';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import {
  buildCheck,
  type Check,
  type CheckSpec,
  type CheckType,
  checkTypes,
  planCheckQueries,
  runChecks,
} from '../src/index.js';
import { eventsObjectKey, seededAt, seedWarehouse, unmatchedNextSong } from './seed-warehouse.js';

/**
 * Specs of every check type with the failing rows each has once the defects below are planted (counted by hand
 * from seed-warehouse.ts). Typed by the registry: a new check type does not compile until it has examples here.
 */
const examples: { [Type in CheckType]: [Extract<CheckSpec, { type: Type }>, number][] } = {
  row_count: [
    [{ type: 'row_count', table: 'users', min: 2 }, 1],
    [{ type: 'row_count', table: 'songplays', min: 1, max: 3 }, 0],
  ],
  not_null: [
    [{ type: 'not_null', table: 'songplays', columns: ['song_id', 'artist_id'] }, 2],
    [{ type: 'not_null', table: 'songplays', columns: ['song_id'], where: "level = 'free'" }, 1],
  ],
  unique: [[{ type: 'unique', table: 'songplays', columns: ['user_id'] }, 1]],
  relationships: [
    [{ type: 'relationships', table: 'songplays', column: 'user_id', to: 'users', field: 'user_id' }, 1],
  ],
  accepted_values: [[{ type: 'accepted_values', table: 'songplays', column: 'level', values: ['paid'] }, 1]],
  accepted_range: [
    [{ type: 'accepted_range', table: 'time', column: 'hour', max: 21 }, 1],
    [{ type: 'accepted_range', table: 'time', column: 'hour', min: 22, max: 23 }, 2],
  ],
  match_rate: [[{ type: 'match_rate', table: 'songplays', column: 'song_id', min: 0.5 }, 1]],
  file_accounting: [[{ type: 'file_accounting' }, 1]],
  nextsong_reconciliation: [[{ type: 'nextsong_reconciliation' }, 1]],
  // Judged at seededAt: the newest play is 7.6 h old, the load 6 h.
  freshness: [
    [{ type: 'freshness', of: 'plays', errorAfter: '2h' }, 1],
    [{ type: 'freshness', of: 'loads', warnAfter: '1d' }, 0],
  ],
  // One load: too little history, never an alarm.
  volume_anomaly: [[{ type: 'volume_anomaly', metric: 'nextsong_events', minHistory: 3 }, 0]],
  unknown_keys: [[{ type: 'unknown_keys' }, 1]],
  null_rate: [[{ type: 'null_rate', minHistory: 3 }, 0]],
  sql: [[{ type: 'sql', name: 'lily', sql: "SELECT user_id FROM users WHERE first_name = 'Lily'" }, 1]],
};

const cases = checkTypes.flatMap((type) =>
  examples[type].map(([spec, failing], index) => ({
    label: `${type} #${index + 1}`,
    check: { ...buildCheck(spec), name: `${type}_${index + 1}` },
    failing,
  })),
);

/**
 * A user left behind by a deleted parent, a file that does not add up, a NextSong without its songplay, and a
 * JSON key the format does not know.
 */
async function plantDefects(trx: Knex.Transaction): Promise<void> {
  const [{ run_id: runId } = { run_id: 0 }] = await trx('etl_runs').max<{ run_id: number }[]>({
    run_id: 'run_id',
  });
  await trx('etl_unknown_keys').insert({
    run_id: runId,
    dataset: 'events',
    json_key: 'sessionLength',
    first_object_key: eventsObjectKey,
    first_line: 2,
    records: 4,
  });
  await trx('users').where({ user_id: 26 }).delete();
  await trx('etl_files').where({ object_key: eventsObjectKey }).decrement('records_staged', 1);
  await trx('staging_events').insert(unmatchedNextSong);
}

/** Failing rows per check, through the runner: shared scans where a check has a count expression. */
async function counted(knex: Knex, checks: readonly Check[]): Promise<Record<string, number>> {
  const report = await runChecks(knex, checks, { asOf: seededAt });
  for (const result of report.results)
    expect({ name: result.name, error: result.error }).toEqual({ name: result.name });
  return Object.fromEntries(report.results.map((result) => [result.name, result.failingRows]));
}

/** The same checks counted one by one, on their failing-rows query (no count expression, so no shared scan). */
const alone = (checks: readonly Check[]) => checks.map(({ countExpression: _, ...check }): Check => check);

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase(inject('pgUrl'), 'quality_shared_scan');
  await seedWarehouse(db.knex);
});
afterAll(() => db?.drop());

async function inRolledBack<T>(work: (trx: Knex.Transaction) => Promise<T>): Promise<T> {
  const trx = await db.knex.transaction();
  try {
    return await work(trx);
  } finally {
    await trx.rollback();
  }
}

describe('the shared single-scan count', () => {
  const checks = cases.map((entry) => entry.check);

  it('covers every registered check type, and scans the tables of those with a count expression', () => {
    expect(new Set(cases.map((entry) => entry.check.type))).toEqual(new Set(checkTypes));
    const plan = planCheckQueries(checks);
    expect(plan.scans.flatMap((scan) => scan.checks.map(({ check }) => check.name)).sort()).toEqual([
      'accepted_range_1',
      'accepted_range_2',
      'accepted_values_1',
      'file_accounting_1',
      'match_rate_1',
      'not_null_1',
      'not_null_2',
      'row_count_1',
      'row_count_2',
    ]);
  });

  it('equals each check’s own count, for every check type, with defects planted', async () => {
    const [shared, own] = await inRolledBack(async (trx) => {
      await plantDefects(trx);
      return [await counted(trx, checks), await counted(trx, alone(checks))];
    });
    for (const { check, failing } of cases) {
      expect({ check: check.name, own: own[check.name] }).toEqual({ check: check.name, own: failing });
      expect({ check: check.name, shared: shared[check.name] }).toEqual({
        check: check.name,
        shared: failing,
      });
    }
  });

  it('equals each check’s own count on empty tables (SUM over no rows is NULL, not 0)', async () => {
    const [shared, own] = await inRolledBack(async (trx) => {
      for (const table of ['songplays', 'users', 'time', 'etl_files', 'staging_events'])
        await trx(table).delete();
      return [await counted(trx, checks), await counted(trx, alone(checks))];
    });
    expect(shared).toEqual(own);
    // Empty users and songplays are one row_count failure each (at least 2 and at least 1 rows), and no play
    // at all is stale; nothing else can fail without rows.
    expect(Object.entries(own).filter(([, failing]) => failing > 0)).toEqual([
      ['row_count_1', 1],
      ['row_count_2', 1],
      ['freshness_1', 1],
    ]);
  });
});
