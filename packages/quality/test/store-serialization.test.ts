import knexFactory, { type Knex } from 'knex';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { type ScriptedRedshift, type ScriptedStatement, startScriptedRedshift } from '@sparkify/testkit';
import { createTestDatabase, type TestDatabase } from '@sparkify/testkit';
import { migrateTo } from '@sparkify/schema';
import { storeCheckRun } from '../src/store-check-run.js';

// Redshift's answer to the second of two concurrent writers under SNAPSHOT (and SERIALIZABLE) isolation, as the
// troubleshooting page quotes it: "ERROR: 1023 DETAIL: Serializable isolation violation on table …".
const conflict = (table: string) => ({
  error: {
    code: 'XX000',
    message: '1023',
    detail: `Serializable isolation violation on table - 100123, transactions forming the cycle are: 4242, 4243 (pid:${table})`,
  },
});

let db: TestDatabase;
let redshift: ScriptedRedshift;
let knex: Knex;
/** How many more statements matching `pattern` the scripted cluster answers with a 1023 conflict. */
const conflicts: { pattern: RegExp; left: number }[] = [];

beforeAll(async () => {
  db = await createTestDatabase(inject('pgUrl'), 'quality_serialization');
  await migrateTo(db.knex, { dialect: 'postgres' });
  redshift = await startScriptedRedshift(db.url, (statement: ScriptedStatement) => {
    const rule = conflicts.find((candidate) => candidate.left > 0 && candidate.pattern.test(statement.sql));
    if (!rule) return undefined;
    rule.left -= 1;
    return conflict('check_results');
  });
  knex = knexFactory({
    client: 'redshift',
    connection: { host: redshift.host, port: redshift.port, user: 'u', database: 'dev', ssl: false },
    pool: { min: 0, max: 4 },
  });
});
afterAll(async () => {
  await knex?.destroy();
  await redshift?.stop();
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
    conflicts.splice(0, conflicts.length, { pattern: /^insert into "check_results"/i, left: 1 });
    const id = await storeCheckRun(knex, report, { waitMs: 10_000 });
    expect(await knex('check_runs').where({ check_run_id: id }).select('status')).toEqual([
      { status: 'pass' },
    ]);
    expect(await knex('check_results').where({ check_run_id: id }).count({ n: '*' })).toEqual([{ n: '1' }]);
    // No half-written run from the aborted attempt: its check_runs row rolled back with it.
    expect(await knex('check_runs').count({ n: '*' })).toEqual([{ n: '1' }]);

    conflicts.splice(0, conflicts.length, { pattern: /^insert into "check_results"/i, left: 1_000 });
    await expect(storeCheckRun(knex, report, { waitMs: 0 })).rejects.toThrow(
      /^busy: a concurrent transaction/,
    );
    conflicts.splice(0);
    expect(await knex('check_runs').count({ n: '*' })).toEqual([{ n: '1' }]);
  });
});
