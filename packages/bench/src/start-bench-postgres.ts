import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { startLocalPostgres } from '@sparkify/local-postgres';

/** A fresh PostgreSQL for one benchmark run. */
export interface BenchPostgres {
  /** A superuser URL for the benchmark's database. */
  url: string;
  /** The server's `version()`. */
  version: string;
  /** Settings that decide COPY and transform speed, as the server reports them. */
  settings: Record<string, string>;
  /** Everything the server logged so far (statements over 200 ms, checkpoints); slice it with a length taken earlier. */
  log(): string;
  /** Stops the server and removes its data folder; safe to call twice. */
  stop(): Promise<void>;
}

const databaseName = 'sparkify_bench';
const reportedSettings = [
  'server_version',
  'shared_buffers',
  'max_wal_size',
  'wal_level',
  'synchronous_commit',
  'fsync',
  'full_page_writes',
  'data_checksums',
  'max_parallel_workers_per_gather',
  'work_mem',
  'maintenance_work_mem',
];

/**
 * Starts a new embedded PostgreSQL in a temporary folder with the same initdb options and the same (default)
 * durability settings as the CLI's embedded server: fsync on, so the figures are what a user's database does.
 * Statements over 200 ms are logged, for the report of where the time goes.
 */
export async function startBenchPostgres(): Promise<BenchPostgres> {
  const server = await startLocalPostgres({
    password: randomBytes(12).toString('hex'),
    initdbFlags: ['--encoding=UTF8', '--locale=C'],
    // Logging slow statements shows where a load's server time goes; it changes nothing about durability.
    postgresFlags: ['-c', 'log_min_duration_statement=200'],
  });
  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    await server.remove();
  };
  try {
    const admin = new pg.Client({ connectionString: server.url() });
    await admin.connect();
    try {
      await admin.query(`CREATE DATABASE ${databaseName}`);
      const version = (await admin.query<{ version: string }>('SELECT version()')).rows[0]!.version;
      const settings: Record<string, string> = {};
      for (const name of reportedSettings) {
        const rows = await admin.query<Record<string, string>>(`SHOW ${name}`);
        settings[name] = String(Object.values(rows.rows[0] ?? {})[0]);
      }
      return { url: server.url(databaseName), version, settings, log: server.log, stop };
    } finally {
      await admin.end();
    }
  } catch (error) {
    await stop();
    throw new Error(
      `could not set up the benchmark's PostgreSQL: ${(error as Error).message}\n${server.log().slice(-2000)}`,
      { cause: error },
    );
  }
}
