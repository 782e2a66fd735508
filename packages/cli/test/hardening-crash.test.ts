import { folderSink, generateDataset } from '@sparkify/generator';
import { migrateTo } from '@sparkify/schema';
import {
  createTestDatabase,
  filesBelow,
  type RestartablePostgres,
  type S3FaultProxy,
  sessionsOf,
  starSnapshot,
  startNodeProcess,
  startRestartablePostgres,
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
let data: string;
let songPaths: string[];
let dayPaths: string[];
const databases: TestDatabase[] = [];

beforeAll(async () => {
  s3 = await startTestS3();
  proxy = await startS3FaultProxy(s3.endpoint);
  data = tempFolder('sparkify-crash-data-');
  await generateDataset({ songs: 150, events: 6000, days: 6, seed: 6, matchRate: 0.3 }, folderSink(data));
  const files = filesBelow(data);
  songPaths = files.filter((path) => path.startsWith('song_data/'));
  dayPaths = files.filter((path) => path.startsWith('log_data/'));
  expect(dayPaths).toHaveLength(6);
});
afterAll(async () => {
  await proxy.stop();
  await s3.stop();
  for (const db of databases) await db.drop();
  removeTempFolders();
});

async function warehouse(prefix: string): Promise<TestDatabase> {
  const db = await createTestDatabase(inject('pgUrl'), prefix);
  await migrateTo(db.knex, { dialect: 'postgres' });
  databases.push(db);
  return db;
}

/** The environment of a `sparkify load` against `databaseUrl` reading S3 through `endpoint`. */
function loadEnv(databaseUrl: string, endpoint: string): Record<string, string> {
  return s3LoadEnv(databaseUrl, s3, endpoint, 'sparkify-crash-home-');
}

/** A gate the proxy holds a request on until the test opens it. */
function gate(): { until: Promise<void>; open: () => void } {
  let open = () => {};
  const until = new Promise<void>((resolve) => (open = resolve));
  return { until, open };
}

describe('kill -9 of a running load', () => {
  let target: TestDatabase;
  let reference: TestDatabase;
  const app = 'sparkify-kill-test';

  beforeAll(async () => {
    await s3.createBucket('crash');
    // The first day and every song are loaded cleanly in both warehouses; the crashes happen on later days.
    await uploadFolder(s3.client, 'crash', 'data/', data, [...songPaths, dayPaths[0]!]);
    target = await warehouse('cli_kill_target');
    reference = await warehouse('cli_kill_reference');
    for (const db of [target, reference]) {
      const run = await runSparkify(['load', '--source', 's3://crash/data/'], {
        env: loadEnv(db.url, s3.endpoint),
      });
      expect(run.stderr).toBe('');
      expect(run.code).toBe(0);
    }
  });

  it('while it stages: the star schema is as before; the next load recovers the dead lock and equals an uninterrupted load', async () => {
    await uploadFolder(s3.client, 'crash', 'data/', data, dayPaths.slice(1, 4));
    const before = await starSnapshot(target.knex);
    const held = gate();
    proxy.clearRules();
    proxy.addRule({
      method: 'GET',
      path: new RegExp(`/crash/data/${dayPaths[2]}$`),
      fault: { kind: 'hold', until: held.until },
    });
    const load = startNodeProcess(BIN, ['load', '--source', 's3://crash/data/'], {
      env: loadEnv(withApplicationName(target.url, app), proxy.endpoint),
    });
    try {
      // Mid-COPY: the events COPY is open and one of its objects is still on its way.
      await waitFor(
        'the events COPY to be running with an object held',
        async () =>
          proxy.seen.some((request) => request.fault === 'hold') &&
          (await sessionsOf(target.knex, app)).some(
            (session) => /^COPY staging_events/.test(session.query) && session.state === 'active',
          ),
      );
      const running = await target.knex('etl_runs').where({ status: 'running' });
      expect(running).toHaveLength(1);
      load.child.kill('SIGKILL');
      expect((await load.done).signal).toBe('SIGKILL');
    } finally {
      held.open();
      proxy.clearRules();
    }
    await waitFor(
      'the killed load’s sessions to end',
      async () => (await sessionsOf(target.knex, app)).length === 0,
    );
    expect(await starSnapshot(target.knex)).toEqual(before);
    expect(await target.knex('etl_lock').where({ lock_id: 1 }).first()).toMatchObject({ pid: load.pid });

    const next = await runSparkify(['load', '--source', 's3://crash/data/'], {
      env: loadEnv(target.url, s3.endpoint),
    });
    expect(next.code).toBe(0);
    expect(next.stderr).toContain('recovered the load lock from a process that died');
    const uninterrupted = await runSparkify(['load', '--source', 's3://crash/data/'], {
      env: loadEnv(reference.url, s3.endpoint),
    });
    expect(uninterrupted.code).toBe(0);
    expect(await starSnapshot(target.knex)).toEqual(await starSnapshot(reference.knex));
    expect(await target.knex('etl_runs').where({ error_code: 'ABANDONED' }).count({ n: '*' })).toEqual([
      { n: '1' },
    ]);
  });

  it('while it transforms: the open transaction is rolled back; the next load completes and equals an uninterrupted load', async () => {
    await uploadFolder(s3.client, 'crash', 'data/', data, dayPaths.slice(4));
    const before = await starSnapshot(target.knex);
    // Another session holds `time` against writers (EXCLUSIVE still lets the transform count it): the transform has
    // written songs, artists and songplays and waits to write time.
    const blocker = new pg.Client({ connectionString: target.url });
    await blocker.connect();
    await blocker.query('BEGIN');
    await blocker.query('LOCK TABLE time IN EXCLUSIVE MODE');
    const load = startNodeProcess(BIN, ['load', '--source', 's3://crash/data/'], {
      env: loadEnv(withApplicationName(target.url, app), s3.endpoint),
    });
    try {
      await waitFor('the transform to wait for the time table', async () =>
        (await sessionsOf(target.knex, app)).some(
          (session) => /INSERT INTO time/i.test(session.query) && session.waitEventType === 'Lock',
        ),
      );
      load.child.kill('SIGKILL');
      expect((await load.done).signal).toBe('SIGKILL');
    } finally {
      await blocker.query('ROLLBACK');
      await blocker.end();
    }
    await waitFor(
      'the killed load’s sessions to end',
      async () => (await sessionsOf(target.knex, app)).length === 0,
    );
    expect(await starSnapshot(target.knex)).toEqual(before);

    const next = await runSparkify(['load', '--source', 's3://crash/data/'], {
      env: loadEnv(target.url, s3.endpoint),
    });
    expect(next.code).toBe(0);
    expect(next.stderr).toContain('recovered the load lock from a process that died');
    expect(next.stdout).toMatch(/^songplays +[\d,]+ +[\d,]+ +\+[1-9]/m);
    const uninterrupted = await runSparkify(['load', '--source', 's3://crash/data/'], {
      env: loadEnv(reference.url, s3.endpoint),
    });
    expect(uninterrupted.code).toBe(0);
    expect(await starSnapshot(target.knex)).toEqual(await starSnapshot(reference.knex));
  });
});

describe('the database restarting mid-load', () => {
  let server: RestartablePostgres;
  beforeAll(async () => {
    server = await startRestartablePostgres();
  });
  afterAll(async () => {
    await server.remove();
  });

  it('fails with a clear message and exit 2, leaves no partial star rows, and the next load succeeds', async () => {
    await s3.createBucket('restart');
    await uploadFolder(s3.client, 'restart', 'data/', data, [...songPaths, ...dayPaths.slice(0, 3)]);
    const target = await createTestDatabase(server.url, 'cli_restart');
    await migrateTo(target.knex, { dialect: 'postgres' });
    const reference = await warehouse('cli_restart_reference');
    try {
      const env = loadEnv(target.url, s3.endpoint);
      expect((await runSparkify(['load', '--source', 's3://restart/data/'], { env })).code).toBe(0);
      await uploadFolder(s3.client, 'restart', 'data/', data, dayPaths.slice(3));
      const before = await starSnapshot(target.knex);

      // The restart comes while the transform waits for the time table (held by another session): songs,
      // artists and songplays are already written in the load's open transaction.
      const app = 'sparkify-restart-test';
      const blocker = new pg.Client({ connectionString: target.url });
      blocker.on('error', () => undefined);
      await blocker.connect();
      await blocker.query('BEGIN');
      await blocker.query('LOCK TABLE time IN EXCLUSIVE MODE');
      const load = startNodeProcess(BIN, ['load', '--source', 's3://restart/data/'], {
        env: loadEnv(withApplicationName(target.url, app), s3.endpoint),
      });
      try {
        await waitFor('the transform to wait for the time table', async () =>
          (await sessionsOf(target.knex, app)).some(
            (session) => /INSERT INTO time/i.test(session.query) && session.waitEventType === 'Lock',
          ),
        );
        await target.knex.destroy();
        await server.stop();
      } finally {
        await blocker.end().catch(() => undefined);
      }
      const failed = await load.done;
      await server.start();
      expect(failed.code).toBe(2);
      const port = new URL(server.url).port;
      expect(failed.stderr).toContain(`127.0.0.1:${port}`);
      expect(failed.stderr).toMatch(/lost the connection .*(shut down|restarted)/);
      expect(failed.stderr).not.toMatch(/unexpected error|\n\s+at /);

      const reopened = await createTestDatabaseHandle(server.url, target.name);
      try {
        expect(await starSnapshot(reopened)).toEqual(before);
        const next = await runSparkify(['load', '--source', 's3://restart/data/'], { env });
        expect(next.code).toBe(0);
        expect(next.stderr).toContain('recovered the load lock from a process that died');
        const referenceEnv = loadEnv(reference.url, s3.endpoint);
        // The same history without the restart: the first three days, then the rest.
        await s3.createBucket('restart-reference');
        await uploadFolder(s3.client, 'restart-reference', 'data/', data, [
          ...songPaths,
          ...dayPaths.slice(0, 3),
        ]);
        expect(
          (await runSparkify(['load', '--source', 's3://restart-reference/data/'], { env: referenceEnv }))
            .code,
        ).toBe(0);
        await uploadFolder(s3.client, 'restart-reference', 'data/', data, dayPaths.slice(3));
        expect(
          (await runSparkify(['load', '--source', 's3://restart-reference/data/'], { env: referenceEnv }))
            .code,
        ).toBe(0);
        expect(await starSnapshot(reopened)).toEqual(await starSnapshot(reference.knex));
      } finally {
        await reopened.destroy();
      }
    } finally {
      await target.drop().catch(() => undefined);
    }
  });
});

/** A knex handle on an existing database of a server. */
async function createTestDatabaseHandle(serverUrl: string, name: string) {
  const { default: knexFactory } = await import('knex');
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return knexFactory({ client: 'pg', connection: url.toString(), pool: { min: 0, max: 2 } });
}
