import { startLocalPostgres } from '@sparkify/local-postgres';

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
  const server = await startLocalPostgres({
    password: 'restart-password',
    postgresFlags: ['-c', 'fsync=off', '-c', 'full_page_writes=off'],
  });
  return { url: server.url(), stop: server.stop, start: server.start, remove: server.remove };
}
