import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { folderSink, generateDataset } from '@sparkify/generator';
import { migrateTo, rollbackTo } from '@sparkify/schema';
import { createTestDatabase, type TestDatabase } from '@sparkify/testkit';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { removeTempFolders, runSparkify, tempFolder } from './run-sparkify.js';

let db: TestDatabase;
let data: string;

beforeAll(async () => {
  db = await createTestDatabase(inject('pgUrl'), 'cli_lock_holders');
  await migrateTo(db.knex, { dialect: 'postgres' });
  data = tempFolder('sparkify-lock-holders-data-');
  await generateDataset({ songs: 10, events: 100, days: 1, seed: 9 }, folderSink(data));
});
afterAll(async () => {
  await db.drop();
  removeTempFolders();
});

const env = () => ({ DATABASE_URL: db.url, SPARKIFY_HOME: tempFolder('sparkify-lock-holders-home-') });
const bootId = () => readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim();
const startTicks = (pid: number) => {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19]);
};

async function holdLock(row: Record<string, unknown>): Promise<void> {
  await db
    .knex('etl_lock')
    .where({ lock_id: 1 })
    .update({ holder: 'left-behind', acquired_at: '2026-01-01 00:00:00', ...row });
}

describe('the load lock names its holder by more than a pid', () => {
  it('recovers a lock whose pid now belongs to another process (a restarted container: pid 1 again)', async () => {
    // Pid 1 is alive here, as it always is in a container: a pid-only check called this holder alive forever.
    await holdLock({ host: hostname(), pid: 1, boot_id: bootId(), start_ticks: startTicks(1) + 1 });
    const run = await runSparkify(['load', '--source', data], { env: env() });
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toContain(
      'recovered the load lock from a process that died (left-behind: pid 1 now belongs',
    );
    expect(await db.knex('etl_lock').where({ lock_id: 1 }).first()).toMatchObject({ holder: null });
  });

  it('never takes a holder in another pid namespace for dead: it waits for its heartbeat to go stale', async () => {
    const unseen = { host: hostname(), pid: 1, boot_id: bootId(), pid_namespace: 'pid:[1]', start_ticks: 5 };
    const now = new Date().toISOString().replace('T', ' ').replace('Z', '');
    await holdLock({ ...unseen, heartbeat_at: now });
    const refused = await runSparkify(['load', '--source', data], { env: env() });
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('it runs in another pid namespace (pid:[1]');
    await holdLock({ ...unseen, heartbeat_at: '2026-01-01 00:00:00' });
    const recovered = await runSparkify(['load', '--source', data], { env: env() });
    expect(recovered.code, recovered.stderr).toBe(0);
    expect(recovered.stderr).toContain('recovered the load lock');
  });

  it('--break-lock refuses to break the lock of a holder alive on this host, and says so', async () => {
    const holder = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60_000)'], { stdio: 'ignore' });
    try {
      await holdLock({
        host: hostname(),
        pid: holder.pid,
        boot_id: bootId(),
        start_ticks: startTicks(holder.pid!),
      });
      const run = await runSparkify(['load', '--source', data, '--break-lock'], { env: env() });
      expect(run.code).toBe(2);
      expect(run.stderr).toContain(
        `Refusing to break the load lock: its holder, process ${holder.pid} on this host`,
      );
      expect(await db.knex('etl_lock').where({ lock_id: 1 }).first()).toMatchObject({
        holder: 'left-behind',
        pid: holder.pid,
      });
    } finally {
      holder.kill('SIGKILL');
      await once(holder, 'exit');
    }
    // Across hosts it stays the explicit override.
    await holdLock({ host: 'another-machine.example', pid: 4242, boot_id: null, start_ticks: null });
    const freed = await runSparkify(['load', '--source', data, '--break-lock'], { env: env() });
    expect(freed.code, freed.stderr).toBe(0);
    expect(freed.stderr).toContain('freed the load lock held by left-behind');
  });
});

describe('a partly migrated warehouse', () => {
  it('a load says which migrations are missing and to run `pnpm migrate`, not "relation … does not exist"', async () => {
    await rollbackTo(db.knex, { dialect: 'postgres', to: '0005_song_keys' });
    try {
      const run = await runSparkify(['load', '--source', data], { env: env() });
      expect(run.code).toBe(2);
      expect(run.stderr).toContain('migrations not applied (0006_load_observations');
      expect(run.stderr).toContain('run `pnpm migrate`');
      expect(run.stderr).not.toContain('does not exist');
    } finally {
      await migrateTo(db.knex, { dialect: 'postgres' });
    }
  });
});
