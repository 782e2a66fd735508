import { startLocalPostgres } from '@sparkify/local-postgres';

export interface TestPostgres {
  /** A superuser URL for the `postgres` database of the server. */
  url: string;
  stop(): Promise<void>;
}

/** Starts a throw-away PostgreSQL for one test run (vitest globalSetup), tuned for speed over durability. */
export async function startTestPostgres(): Promise<TestPostgres> {
  const server = await startLocalPostgres({
    password: 'test-password',
    postgresFlags: ['-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off'],
  });
  return { url: server.url(), stop: () => server.remove() };
}
