import { join } from 'node:path';
import { createTestDatabase, type TestDatabase } from '@sparkify/testkit';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { removeTempFolders, runSparkify, tempFolder } from './run-sparkify.js';

describe('sparkify demo', () => {
  let users: TestDatabase;
  let home: string;
  beforeAll(async () => {
    users = await createTestDatabase(inject('pgUrl'), 'cli_demo_user');
    home = tempFolder('sparkify-demo-');
  });
  afterAll(async () => {
    await runSparkify(['db', 'stop'], { env: { SPARKIFY_HOME: join(home, 'demo') } });
    await users.drop();
    removeTempFolders();
  });

  it('never touches the configured warehouse: its own embedded database, named, with how to remove it', async () => {
    // The user's own warehouse, configured the usual way.
    await users.knex.raw('CREATE TABLE mine (id INTEGER)');
    const run = await runSparkify(['demo', '--events', '400', '--songs', '40'], {
      env: { SPARKIFY_HOME: home, DATABASE_URL: users.url },
    });
    expect(run.code, run.stderr).toBe(0);
    const demoHome = join(home, 'demo');
    expect(run.stderr).toContain(`own embedded PostgreSQL in ${demoHome}`);
    expect(run.stderr).toContain(`rm -rf "${demoHome}"`);
    expect(run.stderr).toContain('embedded PostgreSQL');
    const tables = await users
      .knex('information_schema.tables')
      .where({ table_schema: 'public' })
      .pluck('table_name');
    expect(tables).toEqual(['mine']);
    // The demo's warehouse holds the load.
    const url = await runSparkify(['db', 'url'], { env: { SPARKIFY_HOME: demoHome } });
    const { default: knexFactory } = await import('knex');
    const demo = knexFactory({ client: 'pg', connection: url.stdout.trim() });
    try {
      const counted = await demo('songplays').count({ count: '*' });
      expect(Number(counted[0]?.count)).toBeGreaterThan(0);
    } finally {
      await demo.destroy();
    }
  });
});
