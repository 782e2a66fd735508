import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '@sparkify/testkit';
import {
  catalog,
  type Migration,
  migrateTo,
  migrationStatus,
  migrations,
  rollbackTo,
  repairChecksums,
  SchemaError,
} from '../src/index.js';

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase(inject('pgUrl'), 'schema_migrations');
});
afterAll(() => db.drop());

async function describeCatalog(): Promise<string[]> {
  const { rows } = await db.knex.raw<{ rows: Record<string, unknown>[] }>(
    `SELECT table_name, column_name, ordinal_position, data_type, character_maximum_length, is_nullable,
            is_identity
       FROM information_schema.columns
      WHERE table_schema = 'public' AND table_name NOT LIKE 'knex_%' AND table_name <> 'schema_checksums'
      ORDER BY table_name, ordinal_position`,
  );
  const { rows: keys } = await db.knex.raw<{ rows: Record<string, unknown>[] }>(
    `SELECT tc.table_name, tc.constraint_type, kcu.column_name, kcu.ordinal_position
       FROM information_schema.table_constraints tc
       JOIN information_schema.key_column_usage kcu USING (constraint_schema, constraint_name)
      WHERE tc.table_schema = 'public' AND tc.table_name NOT LIKE 'knex_%' AND tc.table_name <> 'schema_checksums'
      ORDER BY 1, 2, 4`,
  );
  return [...rows, ...keys].map((row) => JSON.stringify(row));
}

const pgType = {
  varchar: 'character varying',
  smallint: 'smallint',
  integer: 'integer',
  bigint: 'bigint',
  double: 'double precision',
  boolean: 'boolean',
  timestamp: 'timestamp without time zone',
} as const;

describe('migrations on PostgreSQL', () => {
  it('reports everything pending on an empty database', async () => {
    const status = await migrationStatus(db.knex, { dialect: 'postgres' });
    expect(status.pending).toBe(migrations.length);
    expect(status.applied).toBe(0);
  });

  it('applies everything, and the database matches the catalog column by column', async () => {
    const result = await migrateTo(db.knex, { dialect: 'postgres' });
    expect(result.ran).toEqual(migrations.map((migration) => migration.name));
    const status = await migrationStatus(db.knex, { dialect: 'postgres' });
    expect(status).toMatchObject({ pending: 0, changed: 0, applied: migrations.length });

    const { rows } = await db.knex.raw<{
      rows: {
        table_name: string;
        column_name: string;
        data_type: string;
        character_maximum_length: number | null;
        is_nullable: string;
      }[];
    }>(
      `SELECT table_name, column_name, data_type, character_maximum_length, is_nullable
         FROM information_schema.columns WHERE table_schema = 'public' ORDER BY table_name, ordinal_position`,
    );
    for (const table of catalog) {
      const actual = rows.filter((row) => row.table_name === table.name);
      expect(
        actual.map((row) => row.column_name),
        table.name,
      ).toEqual(table.columns.map((column) => column.name));
      for (const column of table.columns) {
        const row = actual.find((candidate) => candidate.column_name === column.name)!;
        expect(row.data_type, `${table.name}.${column.name}`).toBe(pgType[column.type.kind]);
        expect(row.is_nullable === 'YES', `${table.name}.${column.name} nullable`).toBe(column.nullable);
        if (column.type.kind === 'varchar') expect(row.character_maximum_length).toBe(column.type.bytes);
      }
    }
  });

  it('rolls all the way down and up again to an identical catalog', async () => {
    const before = await describeCatalog();
    const down = await rollbackTo(db.knex, { dialect: 'postgres', all: true });
    expect(down.ran).toEqual(migrations.map((migration) => migration.name).reverse());
    expect(await describeCatalog()).toEqual([]);
    await migrateTo(db.knex, { dialect: 'postgres' });
    expect(await describeCatalog()).toEqual(before);
  });

  it('moves to a named migration in either direction', async () => {
    const second = migrations[1]!.name;
    const down = await rollbackTo(db.knex, { dialect: 'postgres', to: second });
    expect(down.ran).toEqual(
      migrations
        .slice(2)
        .map((migration) => migration.name)
        .reverse(),
    );
    let status = await migrationStatus(db.knex, { dialect: 'postgres' });
    expect(status.pending).toBe(migrations.length - 2);
    await migrateTo(db.knex, { dialect: 'postgres', to: migrations[2]!.name });
    status = await migrationStatus(db.knex, { dialect: 'postgres' });
    expect(status.pending).toBe(migrations.length - 3);
    await migrateTo(db.knex, { dialect: 'postgres', to: second });
    status = await migrationStatus(db.knex, { dialect: 'postgres' });
    expect(status.pending).toBe(migrations.length - 2);
    await migrateTo(db.knex, { dialect: 'postgres' });
  });

  it('detects an applied migration whose SQL changed, refuses to migrate, and repairs on request', async () => {
    const edited: Migration[] = migrations.map((migration, index) =>
      index === 1
        ? { ...migration, up: { ...migration.up, postgres: [...migration.up.postgres, 'SELECT 1'] } }
        : migration,
    );
    const extra: Migration = {
      name: '9999_extra',
      up: { postgres: ['CREATE TABLE extra_table (id INTEGER)'], redshift: [] },
      down: { postgres: ['DROP TABLE extra_table'], redshift: [] },
    };
    const list = [...edited, extra];
    const status = await migrationStatus(db.knex, { dialect: 'postgres', migrations: list });
    expect(status.changed).toBe(1);
    expect(status.migrations.find((row) => row.state === 'changed')?.name).toBe(migrations[1]!.name);
    const attempt = migrateTo(db.knex, { dialect: 'postgres', migrations: list });
    await expect(attempt).rejects.toThrow(SchemaError);
    await expect(attempt).rejects.toThrow(/0002_star_schema.*migrate repair/);
    expect(await db.knex.schema.hasTable('extra_table')).toBe(false);

    await repairChecksums(db.knex, { dialect: 'postgres', migrations: list });
    expect((await migrationStatus(db.knex, { dialect: 'postgres', migrations: list })).changed).toBe(0);
    await repairChecksums(db.knex, { dialect: 'postgres' });
    expect((await migrationStatus(db.knex, { dialect: 'postgres' })).changed).toBe(0);
  });
});
