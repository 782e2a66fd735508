import { hostname } from 'node:os';
import { folderSink, generateDataset } from '@sparkify/generator';
import { migrateTo } from '@sparkify/schema';
import {
  createTestDatabase,
  type EtlLockRow,
  sessionsOf,
  startNodeProcess,
  type TestDatabase,
  waitFor,
  withApplicationName,
} from '@sparkify/testkit';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { BIN, removeTempFolders, runSparkify, tempFolder } from './run-sparkify.js';

let db: TestDatabase;
let data: string;
const app = 'sparkify-concurrent-test';

beforeAll(async () => {
  db = await createTestDatabase(inject('pgUrl'), 'cli_concurrent');
  await migrateTo(db.knex, { dialect: 'postgres' });
  data = tempFolder('sparkify-concurrent-data-');
  await generateDataset({ songs: 40, events: 600, days: 2, seed: 3 }, folderSink(data));
});
afterAll(async () => {
  await db.drop();
  removeTempFolders();
});

const env = (url = db.url) => ({ DATABASE_URL: url, SPARKIFY_HOME: tempFolder('sparkify-concurrent-home-') });

interface RunRow {
  run_id: number;
  started_at: Date;
  finished_at: Date | null;
  status: string;
}

describe('two loads at once against one warehouse', () => {
  it('the second exits 2 naming the holder pid, host and since when; one with --wait runs after the first, never interleaved', async () => {
    // The first load holds the load lock while its transform waits for a table another session holds.
    const blocker = new pg.Client({ connectionString: db.url });
    await blocker.connect();
    await blocker.query('BEGIN');
    await blocker.query('LOCK TABLE time IN EXCLUSIVE MODE');
    const first = startNodeProcess(BIN, ['load', '--source', data], {
      env: env(withApplicationName(db.url, app)),
    });
    let waiting: ReturnType<typeof startNodeProcess> | undefined;
    try {
      await waitFor('the first load to hold the lock and wait in its transform', async () =>
        (await sessionsOf(db.knex, app)).some(
          (session) => /INSERT INTO time/i.test(session.query) && session.waitEventType === 'Lock',
        ),
      );
      const lock = await db.knex<EtlLockRow>('etl_lock').where({ lock_id: 1 }).first();
      expect(lock).toMatchObject({ pid: first.pid, host: hostname() });
      // The ledger stores UTC wall-clock time.
      const acquired = await db.knex.raw<{ rows: { since: string }[] }>(
        `SELECT to_char(acquired_at, 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS since FROM etl_lock WHERE lock_id = 1`,
      );

      const second = await runSparkify(['load', '--source', data], { env: env() });
      expect(second.code).toBe(2);
      expect(second.stdout).toBe('');
      expect(second.stderr).toContain(
        `Another load holds the lock: process ${first.pid} on ${hostname()} since ${acquired.rows[0]!.since}`,
      );
      expect(second.stderr).toContain('--wait');
      expect(await db.knex('etl_runs').count({ n: '*' })).toEqual([{ n: '1' }]);

      // Nor does a schema change run under the load: migrate down and latest refuse, naming the holder.
      const applied = await db.knex('knex_migrations').orderBy('id').pluck('name');
      for (const verb of ['down', 'latest']) {
        const migrate = await runSparkify(['migrate', verb], { env: env() });
        expect(migrate.code, migrate.stderr).toBe(2);
        expect(migrate.stderr).toContain(`process ${first.pid} on ${hostname()}`);
        expect(migrate.stderr).toContain('migrate does not change the schema under a running load');
      }
      expect(await db.knex('knex_migrations').orderBy('id').pluck('name')).toEqual(applied);

      const waitingApp = `${app}-waiting`;
      waiting = startNodeProcess(BIN, ['load', '--source', data, '--wait', '60'], {
        env: env(withApplicationName(db.url, waitingApp)),
      });
      // Still waiting while the first holds the lock: it has tried the lock (its session's last statement reads
      // or sets etl_lock), and no run of its own has started.
      await waitFor('the waiting load to find the lock taken', async () =>
        (await sessionsOf(db.knex, waitingApp)).some((session) => /"etl_lock"/.test(session.query)),
      );
      expect(waiting.child.exitCode).toBeNull();
      expect(await db.knex('etl_runs').count({ n: '*' })).toEqual([{ n: '1' }]);
    } finally {
      await blocker.query('ROLLBACK');
      await blocker.end();
    }
    const firstDone = await first.done;
    expect(firstDone.code).toBe(0);
    expect(firstDone.stdout).toMatch(/^Loaded: /m);
    const waited = await waiting.done;
    expect(waited.stderr).toBe('');
    expect(waited.code).toBe(0);
    expect(waited.stdout).toMatch(/Nothing new/);

    const runs: RunRow[] = await db.knex<RunRow>('etl_runs').orderBy('run_id');
    expect(runs.map((run) => run.status)).toEqual(['succeeded', 'succeeded']);
    // Never interleaved: each run starts after the one before it finished.
    for (let index = 1; index < runs.length; index += 1) {
      expect(runs[index]!.started_at.getTime()).toBeGreaterThanOrEqual(
        runs[index - 1]!.finished_at!.getTime(),
      );
    }
    expect(await db.knex('etl_lock').where({ lock_id: 1 }).first()).toMatchObject({
      holder: null,
      pid: null,
    });
  });

  it('a lock held by a load on another machine that is gone: refused by name, then freed with --break-lock', async () => {
    // What a load on another host leaves behind when that host dies (its pid cannot be checked from here).
    const since = new Date(Date.now() - 3_600_000);
    await db
      .knex('etl_lock')
      .where({ lock_id: 1 })
      .update({
        holder: 'batch-7:4242:dead',
        host: 'batch-7',
        pid: 4242,
        acquired_at: since.toISOString().replace('T', ' ').replace('Z', ''),
      });
    // …and the run it had open.
    await db.knex('etl_runs').insert({
      status: 'running',
      target: 'postgres',
      source: 'elsewhere',
      full_refresh: false,
      started_at: since.toISOString().replace('T', ' ').replace('Z', ''),
      holder: 'batch-7:4242:dead',
    });
    // In a time zone far from UTC, so that "since" must be read back as UTC to be right.
    const refused = await runSparkify(['load', '--source', data, '--full-refresh'], {
      env: { ...env(), TZ: 'Asia/Kolkata' },
    });
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain(`process 4242 on batch-7 since ${since.toISOString()}`);
    expect(refused.stderr).toContain('--break-lock');

    const broken = await runSparkify(['load', '--source', data, '--full-refresh', '--break-lock'], {
      env: { ...env(), TZ: 'America/Los_Angeles' },
    });
    expect(broken.code).toBe(0);
    expect(broken.stderr).toContain(
      `freed the load lock held by batch-7:4242:dead since ${since.toISOString()}`,
    );
    expect(broken.stdout).toMatch(/^Loaded: /m);
    expect(await db.knex('etl_lock').where({ lock_id: 1 }).first()).toMatchObject({ holder: null });
    expect(await db.knex('etl_runs').where({ holder: 'batch-7:4242:dead' }).first()).toMatchObject({
      status: 'failed',
      error_code: 'ABANDONED',
    });
  });
});
