import type { Knex } from 'knex';

/** One server session as pg_stat_activity shows it. */
export interface PgSession {
  pid: number;
  state: string | null;
  query: string;
  waitEventType: string | null;
}

/** A connection URL whose sessions carry `applicationName`, so a test can find them in pg_stat_activity. */
export function withApplicationName(url: string, applicationName: string): string {
  const parsed = new URL(url);
  parsed.searchParams.set('application_name', applicationName);
  return parsed.toString();
}

/** The live sessions (any database of the server) opened with `applicationName`. */
export async function sessionsOf(knex: Knex, applicationName: string): Promise<PgSession[]> {
  const result = await knex.raw<{
    rows: { pid: number; state: string | null; query: string; wait_event_type: string | null }[];
  }>('SELECT pid, state, query, wait_event_type FROM pg_stat_activity WHERE application_name = ?', [
    applicationName,
  ]);
  return result.rows.map((row) => ({
    pid: row.pid,
    state: row.state,
    query: row.query,
    waitEventType: row.wait_event_type,
  }));
}
