import { hostname } from 'node:os';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ConflictingRedshift, startConflictingRedshift } from '@sparkify/testkit';
import { acquireLoadLock, readLoadLock, releaseLoadLock } from '../src/ledger/load-lock.js';
import { LoaderError } from '../src/errors.js';
import { migratedWarehouses } from './fixtures.js';

const freshWarehouse = migratedWarehouses('loader_serialization');

let cluster: ConflictingRedshift;

beforeAll(async () => {
  const db = await freshWarehouse();
  cluster = await startConflictingRedshift(db.url, 'etl_lock');
});
afterAll(async () => {
  await cluster?.stop();
});

const me = (name: string) => ({ holder: `${name}-${process.pid}`, host: hostname(), pid: process.pid });

describe('serialization failures (1023) are "busy", never a crash', () => {
  it('the load lock: a compare-and-set that loses a 1023 conflict retries within --wait and then takes the lock', async () => {
    const knex = cluster.knex;
    cluster.conflictNext(/^update "etl_lock"/i, 2);
    const before = cluster.redshift.statements.length;
    await acquireLoadLock(knex, me('first'), { waitMs: 10_000, pollMs: 20, isProcessAlive: () => true });
    const updates = cluster.redshift.statements
      .slice(before)
      .filter((s) => /^update "etl_lock"/i.test(s.sql));
    expect(updates.length).toBe(3);
    expect((await readLoadLock(knex)).holder).toBe(me('first').holder);
    await releaseLoadLock(knex, me('first'));
  });

  it('the load lock: with the lock held and every attempt conflicting, --wait 0 fails as LOCKED naming the holder', async () => {
    const knex = cluster.knex;
    await acquireLoadLock(knex, me('holder'), { waitMs: 0, isProcessAlive: () => true });
    cluster.conflictNext(/^update "etl_lock"/i, 1_000);
    const failure = await acquireLoadLock(knex, me('second'), {
      waitMs: 0,
      isProcessAlive: () => true,
    }).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(LoaderError);
    expect((failure as LoaderError).code).toBe('LOCKED');
    expect((failure as LoaderError).message).toContain(`process ${process.pid} on ${hostname()}`);
    cluster.conflictNext(/^update "etl_lock"/i, 0);
    await releaseLoadLock(knex, me('holder'));
  });
});
