import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BIN, runSparkify, tempFolder } from './run-sparkify.js';

interface StartJson {
  started: boolean;
  port: number;
  pid: number;
  version: string;
  dataDir: string;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function waitUntilDead(pid: number): Promise<void> {
  for (let attempt = 0; attempt < 200 && alive(pid); attempt++)
    await new Promise((resolve) => setTimeout(resolve, 50));
  expect(alive(pid)).toBe(false);
}

describe('embedded PostgreSQL', () => {
  let home: string;
  let env: Record<string, string>;

  async function start(): Promise<StartJson & { stderr: string }> {
    const run = await runSparkify(['db', 'start', '--json'], { env });
    expect(run.code, run.stderr).toBe(0);
    return { ...(JSON.parse(run.stdout) as StartJson), stderr: run.stderr };
  }

  beforeAll(() => {
    home = tempFolder('sparkify-home-');
    env = { SPARKIFY_HOME: home };
  });
  afterAll(async () => {
    await runSparkify(['db', 'stop'], { env });
    rmSync(home, { recursive: true, force: true });
  });

  it('is started once by two commands run at the same time, and reused by the next one', async () => {
    const [first, second] = await Promise.all([start(), start()]);
    expect([first.started, second.started].sort()).toEqual([false, true]);
    expect(second.pid).toBe(first.pid);
    expect(second.port).toBe(first.port);
    expect(alive(first.pid)).toBe(true);
    expect(first.version).toMatch(/^\d+$/);

    const third = await start();
    expect(third).toMatchObject({ started: false, pid: first.pid, port: first.port });
    expect(third.stderr).not.toContain('starting embedded PostgreSQL');
    // The password lives in a file only its owner can read.
    expect(statSync(join(home, 'embedded.json')).mode & 0o777).toBe(0o600);
  });

  it('migrate then migrate status --json shows nothing pending', async () => {
    const migrate = await runSparkify(['migrate'], { env });
    expect(migrate.code, migrate.stderr).toBe(0);
    expect(migrate.stdout).toContain('embedded PostgreSQL');
    const status = await runSparkify(['migrate', 'status', '--json'], { env });
    expect(status.code).toBe(0);
    expect(JSON.parse(status.stdout)).toMatchObject({ pending: 0, changed: 0 });
  });

  it('db url gives a URL a PostgreSQL client accepts; db status shows the server without the password', async () => {
    const url = await runSparkify(['db', 'url'], { env });
    expect(url.code).toBe(0);
    const client = new pg.Client({ connectionString: url.stdout.trim() });
    await client.connect();
    try {
      const { rows } = await client.query<{ db: string; songplays: string | null }>(
        "select current_database() as db, to_regclass('songplays')::text as songplays",
      );
      expect(rows[0]).toEqual({ db: 'sparkify', songplays: 'songplays' });
    } finally {
      await client.end();
    }
    const password = new URL(url.stdout.trim()).password;
    const status = await runSparkify(['db', 'status'], { env });
    expect(status.stdout).toContain('embedded PostgreSQL: running');
    expect(status.stdout).toContain(join(home, 'pgdata'));
    expect(status.stdout + status.stderr).not.toContain(password);
  });

  it('recovers from a crash: a killed postmaster leaves a stale postmaster.pid, and the next command still works', async () => {
    const before = await start();
    process.kill(before.pid, 'SIGKILL');
    await waitUntilDead(before.pid);
    expect(existsSync(join(home, 'pgdata', 'postmaster.pid'))).toBe(true);

    const status = await runSparkify(['migrate', 'status', '--json'], { env });
    expect(status.code, status.stderr).toBe(0);
    expect(status.stderr).toContain('stale postmaster.pid');
    expect(JSON.parse(status.stdout)).toMatchObject({ pending: 0 });
    const after = await start();
    expect(after.started).toBe(false);
    expect(after.pid).not.toBe(before.pid);
  });

  it('removes a postmaster.pid whose pid now belongs to another program', async () => {
    expect((await runSparkify(['db', 'stop'], { env })).stdout).toContain('stopped');
    // This test process is alive and is not postgres: exactly a reused pid after a reboot.
    writeFileSync(
      join(home, 'pgdata', 'postmaster.pid'),
      `${process.pid}\n${join(home, 'pgdata')}\n0\n1\n\n127.0.0.1\n0 0\nready\n`,
    );
    const restarted = await start();
    expect(restarted.started).toBe(true);
    expect(restarted.stderr).toContain(`stale postmaster.pid (pid ${process.pid} is not running PostgreSQL)`);
  });

  it('never removes the postmaster.pid of a live server from another pid namespace, where its pid is not seen', async () => {
    const running = await start();
    const pidFile = join(home, 'pgdata', 'postmaster.pid');
    const before = readFileSync(pidFile, 'utf8');
    // The CLI in a new pid namespace (as in another container): the server's pid names nothing there.
    const inside = spawnSync(
      'unshare',
      ['--pid', '--fork', '--mount-proc', process.execPath, BIN, 'db', 'start', '--json'],
      { encoding: 'utf8', env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: home, ...env } },
    );
    expect(inside.status, inside.stderr).toBe(0);
    expect(JSON.parse(inside.stdout)).toMatchObject({ started: false, port: running.port });
    expect(inside.stderr).not.toContain('stale postmaster.pid');
    expect(readFileSync(pidFile, 'utf8')).toBe(before);
    expect(alive(running.pid)).toBe(true);
    const again = await start();
    expect(again).toMatchObject({ started: false, pid: running.pid });
  });

  it('moves to another port when its port is taken, and says so', async () => {
    const running = await start();
    await runSparkify(['db', 'stop'], { env });
    const blocker: Server = createServer();
    await new Promise<void>((resolve) => blocker.listen(running.port, '127.0.0.1', resolve));
    try {
      const moved = await start();
      expect(moved.started).toBe(true);
      expect(moved.port).not.toBe(running.port);
      expect(moved.stderr).toContain(`port ${running.port} is taken`);
    } finally {
      await new Promise((resolve) => blocker.close(resolve));
    }
  });

  it('db reset needs --yes, then deletes the data folder', async () => {
    const refused = await runSparkify(['db', 'reset'], { env });
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('--yes');
    expect(existsSync(join(home, 'pgdata', 'PG_VERSION'))).toBe(true);

    const reset = await runSparkify(['db', 'reset', '--yes'], { env });
    expect(reset.code, reset.stderr).toBe(0);
    expect(existsSync(join(home, 'pgdata'))).toBe(false);
    const status = await runSparkify(['db', 'status', '--json'], { env });
    expect(JSON.parse(status.stdout)).toMatchObject({ state: 'not initialised' });
  });
});

describe('embedded PostgreSQL start-up problems', () => {
  it('refuses a data folder from another major version, explains, and changes nothing', async () => {
    const home = tempFolder('sparkify-home-old-');
    mkdirSync(join(home, 'pgdata'));
    writeFileSync(join(home, 'pgdata', 'PG_VERSION'), '11\n');
    const run = await runSparkify(['migrate'], { env: { SPARKIFY_HOME: home } });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('created by PostgreSQL 11');
    expect(run.stderr).toContain('sparkify db reset --yes');
    expect(run.stderr).toContain('SPARKIFY_HOME');
    expect(readFileSync(join(home, 'pgdata', 'PG_VERSION'), 'utf8')).toBe('11\n');
    rmSync(home, { recursive: true, force: true });
  });
});
