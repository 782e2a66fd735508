import type { Knex } from 'knex';
import type { PoolClient } from 'pg';

/** knex's client as the staging code uses it (knex types it `any`); on the pg dialect the pool holds PoolClients. */
interface ConnectionPool {
  acquireConnection(): Promise<PoolClient>;
  releaseConnection(connection: PoolClient): Promise<void>;
}

/**
 * Runs `work` on one connection of the knex pool and gives it back: a COPY stream, a BEGIN … COMMIT of its own
 * and pg_last_copy_id() all need a single session, which knex's query builder does not promise.
 */
export async function withPooledConnection<T>(
  knex: Knex,
  work: (connection: PoolClient) => Promise<T>,
): Promise<T> {
  const pool = knex.client as ConnectionPool;
  const connection = await pool.acquireConnection();
  try {
    return await work(connection);
  } finally {
    await pool.releaseConnection(connection);
  }
}
