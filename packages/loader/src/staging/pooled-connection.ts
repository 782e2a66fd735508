import type { Knex } from 'knex';
import type { PoolClient } from 'pg';

/** knex's client as the staging code uses it (knex types it `any`); on the pg dialect the pool holds PoolClients. */
interface ConnectionPool {
  acquireConnection(): Promise<PoolClient>;
  releaseConnection(connection: PoolClient): Promise<void>;
}

/**
 * Runs `work` on `count` connections of the knex pool, all of them open before it starts, and gives them back: a
 * COPY stream, a BEGIN … COMMIT of its own and pg_last_copy_id() all need a single session, which knex's query
 * builder does not promise.
 */
export async function withPooledConnections<T>(
  knex: Knex,
  count: number,
  work: (connections: PoolClient[]) => Promise<T>,
): Promise<T> {
  const pool = knex.client as ConnectionPool;
  const acquired = await Promise.allSettled(Array.from({ length: count }, () => pool.acquireConnection()));
  const connections = acquired.flatMap((outcome) => (outcome.status === 'fulfilled' ? [outcome.value] : []));
  try {
    for (const outcome of acquired) if (outcome.status === 'rejected') throw outcome.reason;
    return await work(connections);
  } finally {
    await Promise.all(connections.map((connection) => pool.releaseConnection(connection)));
  }
}
