import { hostname } from 'node:os';
import knexFactory, { type Knex } from 'knex';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ScriptedRedshift, type ScriptedStatement, startScriptedRedshift } from '@sparkify/testkit';
import { acquireLoadLock, readLoadLock, releaseLoadLock } from '../src/ledger/load-lock.js';
import { LoaderError } from '../src/errors.js';
import { migratedWarehouses } from './fixtures.js';

// Redshift's answer to the second of two concurrent writers under SNAPSHOT (and SERIALIZABLE) isolation, as the
// troubleshooting page quotes it: "ERROR: 1023 DETAIL: Serializable isolation violation on table …".
const conflict = (table: string) => ({
  error: {
    code: 'XX000',
    message: '1023',
    detail: `Serializable isolation violation on table - 100123, transactions forming the cycle are: 4242, 4243 (pid:${table})`,
  },
});

const freshWarehouse = migratedWarehouses('loader_serialization');
let redshift: ScriptedRedshift;
let knex: Knex;
/** How many more statements matching `pattern` the scripted cluster answers with a 1023 conflict. */
const conflicts: { pattern: RegExp; left: number }[] = [];

beforeAll(async () => {
  const db = await freshWarehouse();
  redshift = await startScriptedRedshift(db.url, (statement: ScriptedStatement) => {
    const rule = conflicts.find((candidate) => candidate.left > 0 && candidate.pattern.test(statement.sql));
    if (!rule) return undefined;
    rule.left -= 1;
    return conflict('etl_lock');
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
});

const me = (name: string) => ({ holder: `${name}-${process.pid}`, host: hostname(), pid: process.pid });

describe('serialization failures (1023) are "busy", never a crash', () => {
  it('the load lock: a compare-and-set that loses a 1023 conflict retries within --wait and then takes the lock', async () => {
    conflicts.splice(0, conflicts.length, { pattern: /^update "etl_lock"/i, left: 2 });
    const before = redshift.statements.length;
    await acquireLoadLock(knex, me('first'), { waitMs: 10_000, pollMs: 20, isProcessAlive: () => true });
    const updates = redshift.statements.slice(before).filter((s) => /^update "etl_lock"/i.test(s.sql));
    expect(updates.length).toBe(3);
    expect((await readLoadLock(knex)).holder).toBe(me('first').holder);
    await releaseLoadLock(knex, me('first'));
  });

  it('the load lock: with the lock held and every attempt conflicting, --wait 0 fails as LOCKED naming the holder', async () => {
    await acquireLoadLock(knex, me('holder'), { waitMs: 0, isProcessAlive: () => true });
    conflicts.splice(0, conflicts.length, { pattern: /^update "etl_lock"/i, left: 1_000 });
    const failure = await acquireLoadLock(knex, me('second'), {
      waitMs: 0,
      isProcessAlive: () => true,
    }).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(LoaderError);
    expect((failure as LoaderError).code).toBe('LOCKED');
    expect((failure as LoaderError).message).toContain(`process ${process.pid} on ${hostname()}`);
    conflicts.splice(0);
    await releaseLoadLock(knex, me('holder'));
  });
});
