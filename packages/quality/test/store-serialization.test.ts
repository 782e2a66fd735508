import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import {
  type ConflictingRedshift,
  createTestDatabase,
  startConflictingRedshift,
  type TestDatabase,
} from '@sparkify/testkit';
import { migrateTo } from '@sparkify/schema';
import { storeCheckRun } from '../src/store-check-run.js';

let db: TestDatabase;
let cluster: ConflictingRedshift;

beforeAll(async () => {
  db = await createTestDatabase(inject('pgUrl'), 'quality_serialization');
  await migrateTo(db.knex, { dialect: 'postgres' });
  cluster = await startConflictingRedshift(db.url, 'check_results');
});
afterAll(async () => {
  await cluster?.stop();
  await db?.drop();
});

describe('serialization failures (1023) when storing check results', () => {
  it('the check-result store: a 1023 on its transaction is retried, and stored once', async () => {
    const report = {
      status: 'pass' as const,
      startedAt: new Date('2026-12-01T10:00:00Z'),
      finishedAt: new Date('2026-12-01T10:00:01Z'),
      durationMs: 1000,
      counts: { passed: 1, warned: 0, failed: 0, errored: 0 },
      results: [
        {
          name: 'not_null_users_user_id',
          type: 'not_null' as const,
          table: 'users',
          description: 'x',
          severity: 'error' as const,
          status: 'pass' as const,
          failingRows: 0,
          sample: [],
          durationMs: 3,
        },
      ],
    };
    const knex = cluster.knex;
    cluster.conflictNext(/^insert into "check_results"/i, 1);
    const id = await storeCheckRun(knex, report, { waitMs: 10_000 });
    expect(await knex('check_runs').where({ check_run_id: id }).select('status')).toEqual([
      { status: 'pass' },
    ]);
    expect(await knex('check_results').where({ check_run_id: id }).count({ n: '*' })).toEqual([{ n: '1' }]);
    // No half-written run from the aborted attempt: its check_runs row rolled back with it.
    expect(await knex('check_runs').count({ n: '*' })).toEqual([{ n: '1' }]);

    cluster.conflictNext(/^insert into "check_results"/i, 1_000);
    await expect(storeCheckRun(knex, report, { waitMs: 0 })).rejects.toThrow(
      /^busy: a concurrent transaction/,
    );
    cluster.conflictNext(/^insert into "check_results"/i, 0);
    expect(await knex('check_runs').count({ n: '*' })).toEqual([{ n: '1' }]);
  });
});
