// Ctrl-C (SIGINT) and SIGTERM during a load, sent to the real binary: the load stops cleanly (rolled back, its
// run recorded as INTERRUPTED, its lock freed), exits 130 or 143, and the next load needs no recovery.
import { folderSink, generateDataset } from '@sparkify/generator';
import { migrateTo } from '@sparkify/schema';
import {
  createTestDatabase,
  type EtlRunRow,
  filesBelow,
  type S3FaultProxy,
  sessionsOf,
  starSnapshot,
  startNodeProcess,
  startS3FaultProxy,
  startTestS3,
  type TestDatabase,
  type TestS3,
  uploadFolder,
  waitFor,
  withApplicationName,
} from '@sparkify/testkit';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { BIN, removeTempFolders, runSparkify, s3LoadEnv, tempFolder } from './run-sparkify.js';

let s3: TestS3;
let proxy: S3FaultProxy;
let db: TestDatabase;
let dayPaths: string[];
let data: string;
const app = 'sparkify-signal-test';

function loadEnv(endpoint: string): Record<string, string> {
  return s3LoadEnv(withApplicationName(db.url, app), s3, endpoint, 'sparkify-signal-home-');
}

beforeAll(async () => {
  s3 = await startTestS3();
  proxy = await startS3FaultProxy(s3.endpoint);
  data = tempFolder('sparkify-signal-data-');
  await generateDataset({ songs: 60, events: 3000, days: 3, seed: 13, matchRate: 0.3 }, folderSink(data));
  const files = filesBelow(data);
  dayPaths = files.filter((path) => path.startsWith('log_data/'));
  await s3.createBucket('signals');
  await uploadFolder(s3.client, 'signals', 'data/', data, [
    ...files.filter((path) => path.startsWith('song_data/')),
    dayPaths[0]!,
  ]);
  db = await createTestDatabase(inject('pgUrl'), 'cli_signals');
  await migrateTo(db.knex, { dialect: 'postgres' });
  const first = await runSparkify(['load', '--source', 's3://signals/data/'], { env: loadEnv(s3.endpoint) });
  expect(first.code, first.stderr).toBe(0);
});

afterAll(async () => {
  await proxy?.stop();
  await s3?.stop();
  await db?.drop();
  removeTempFolders();
});

/** The state a stopped load must leave: its run INTERRUPTED, the lock free, no session left, the star as before. */
async function expectStoppedCleanly(before: unknown): Promise<void> {
  const last = await db.knex<EtlRunRow>('etl_runs').orderBy('run_id', 'desc').first();
  expect(last).toMatchObject({ status: 'failed', error_code: 'INTERRUPTED' });
  expect(await db.knex('etl_lock').where({ lock_id: 1 }).first()).toMatchObject({ holder: null });
  expect(await sessionsOf(db.knex, app)).toEqual([]);
  expect(await starSnapshot(db.knex)).toEqual(before);
}

describe('a signal during a load', () => {
  it('SIGTERM while an object is on its way: exit 143, rolled back, recorded, lock freed', async () => {
    await uploadFolder(s3.client, 'signals', 'data/', data, [dayPaths[1]!]);
    const before = await starSnapshot(db.knex);
    let release = () => {};
    const held = new Promise<void>((resolve) => (release = resolve));
    proxy.clearRules();
    proxy.addRule({
      method: 'GET',
      path: new RegExp(`/signals/data/${dayPaths[1]}$`),
      fault: { kind: 'hold', until: held },
    });
    const load = startNodeProcess(BIN, ['load', '--source', 's3://signals/data/'], {
      env: loadEnv(proxy.endpoint),
    });
    try {
      await waitFor('the load to hold an object', () =>
        proxy.seen.some((request) => request.fault === 'hold'),
      );
      load.child.kill('SIGTERM');
      const outcome = await load.done;
      expect(outcome.code, outcome.stderr).toBe(143);
      expect(outcome.stderr).toContain('SIGTERM: stopping the load and rolling it back');
      expect(outcome.stderr).toContain('The load was interrupted (SIGTERM)');
    } finally {
      release();
      proxy.clearRules();
    }
    await waitFor(
      'the stopped load’s sessions to end',
      async () => (await sessionsOf(db.knex, app)).length === 0,
    );
    await expectStoppedCleanly(before);
  });

  it('Ctrl-C while the transform waits on a lock: its statement is cancelled, exit 130, and the next load needs no recovery', async () => {
    await uploadFolder(s3.client, 'signals', 'data/', data, [dayPaths[2]!]);
    const before = await starSnapshot(db.knex);
    const blocker = new pg.Client({ connectionString: db.url });
    await blocker.connect();
    await blocker.query('BEGIN');
    await blocker.query('LOCK TABLE time IN EXCLUSIVE MODE');
    const load = startNodeProcess(BIN, ['load', '--source', 's3://signals/data/'], {
      env: loadEnv(s3.endpoint),
    });
    try {
      await waitFor('the transform to wait for the time table', async () =>
        (await sessionsOf(db.knex, app)).some(
          (session) => /INSERT INTO time/i.test(session.query) && session.waitEventType === 'Lock',
        ),
      );
      load.child.kill('SIGINT');
      const outcome = await load.done;
      expect(outcome.code, outcome.stderr).toBe(130);
      expect(outcome.stderr).toContain('The load was interrupted (SIGINT)');
    } finally {
      await blocker.query('ROLLBACK');
      await blocker.end();
    }
    await waitFor(
      'the stopped load’s sessions to end',
      async () => (await sessionsOf(db.knex, app)).length === 0,
    );
    await expectStoppedCleanly(before);

    const next = await runSparkify(['load', '--source', 's3://signals/data/'], { env: loadEnv(s3.endpoint) });
    expect(next.code, next.stderr).toBe(0);
    expect(next.stderr).not.toContain('recovered the load lock');
    expect(await db.knex('etl_runs').where({ error_code: 'INTERRUPTED' }).count({ n: '*' })).toEqual([
      { n: '2' },
    ]);
  });
});
