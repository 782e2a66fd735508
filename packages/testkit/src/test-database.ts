import { randomBytes } from 'node:crypto';
import knexFactory, { type Knex } from 'knex';
import pg from 'pg';

export interface TestDatabase {
  name: string;
  url: string;
  knex: Knex;
  /** Closes the pool and drops the database. */
  drop(): Promise<void>;
}

/**
 * Creates a fresh database on the test server so that test files never share state; `template` copies another
 * test database (PostgreSQL's CREATE DATABASE … TEMPLATE: a file copy, much faster than building it again), whose
 * pool must be closed first (a template may have no sessions).
 */
export async function createTestDatabase(
  serverUrl: string,
  prefix = 'test',
  options: { template?: string } = {},
): Promise<TestDatabase> {
  const name = `${prefix.replace(/[^a-z0-9_]/gi, '_').toLowerCase()}_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  try {
    const template = options.template ? ` TEMPLATE ${admin.escapeIdentifier(options.template)}` : '';
    await admin.query(`CREATE DATABASE ${admin.escapeIdentifier(name)}${template}`);
  } finally {
    await admin.end();
  }
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  const knex = knexFactory({ client: 'pg', connection: url.toString(), pool: { min: 0, max: 4 } });
  return {
    name,
    url: url.toString(),
    knex,
    drop: async () => {
      await knex.destroy();
      const client = new pg.Client({ connectionString: serverUrl });
      await client.connect();
      try {
        await client.query(`DROP DATABASE IF EXISTS ${client.escapeIdentifier(name)} WITH (FORCE)`);
      } finally {
        await client.end();
      }
    },
  };
}
