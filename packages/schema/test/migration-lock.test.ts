import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '@sparkify/testkit';
import { migrateTo, migrations, releaseMigrationLock, rollbackTo, SchemaError } from '../src/index.js';

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase(inject('pgUrl'), 'schema_migration_lock');
});
afterAll(() => db?.drop());

describe('the migration lock', () => {
  it('held by a killed migrate: MIGRATION_LOCKED from the schema package, both ways, until released', async () => {
    await migrateTo(db.knex, { dialect: 'postgres', to: migrations[0]!.name });
    // What a migrate killed mid-run leaves behind: knex's lock row set.
    await db.knex('knex_migrations_lock').update({ is_locked: 1 });

    const up = migrateTo(db.knex, { dialect: 'postgres' });
    await expect(up).rejects.toBeInstanceOf(SchemaError);
    await expect(up).rejects.toMatchObject({
      code: 'MIGRATION_LOCKED',
      message: expect.stringContaining('sparkify migrate unlock') as unknown,
    });
    await expect(rollbackTo(db.knex, { dialect: 'postgres', all: true })).rejects.toMatchObject({
      code: 'MIGRATION_LOCKED',
    });

    await releaseMigrationLock(db.knex, { dialect: 'postgres' });
    expect((await migrateTo(db.knex, { dialect: 'postgres' })).ran).toEqual(
      migrations.slice(1).map((migration) => migration.name),
    );
  });
});
