import { createReadStream, createWriteStream, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import pg from 'pg';
import { from as copyFrom, to as copyTo } from 'pg-copy-streams';

/** The star tables whose final rows the transform writes. */
export const starTables = ['songs', 'artists', 'users', 'time', 'songplays'] as const;

/** One COPY of the loaded star into empty tables with the same keys. */
export interface StarCeilingRun {
  seconds: number;
  /** Rows copied, all star tables together. */
  rows: number;
  bytes: number;
}

const ceilingSchema = 'star_ceiling';

/** The statement that makes an empty twin of a star table: same columns, keys and indexes, no identity. */
export function createTwinSql(table: string): string {
  return `CREATE TABLE ${ceilingSchema}.${table} (LIKE public.${table} INCLUDING DEFAULTS INCLUDING CONSTRAINTS INCLUDING INDEXES)`;
}

/**
 * Times the transform's own limit: the final star rows (dumped first, untimed, as COPY text) copied in one
 * transaction into empty tables with the same primary keys and indexes. The transform has to write the same
 * rows into the same kind of tables, so it cannot beat this; the ratio says what deciding which rows costs.
 */
export async function measureStarCeiling(url: string): Promise<StarCeilingRun> {
  const folder = mkdtempSync(join(tmpdir(), 'sparkify-star-ceiling-'));
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    let bytes = 0;
    for (const table of starTables) {
      const file = join(folder, `${table}.copy`);
      await pipeline(client.query(copyTo(`COPY public.${table} TO STDOUT`)), createWriteStream(file));
      bytes += statSync(file).size;
    }
    await client.query(`DROP SCHEMA IF EXISTS ${ceilingSchema} CASCADE`);
    await client.query(`CREATE SCHEMA ${ceilingSchema}`);
    for (const table of starTables) await client.query(createTwinSql(table));
    await client.query('CHECKPOINT');

    const began = performance.now();
    let rows = 0;
    await client.query('BEGIN');
    for (const table of starTables) {
      const copy = client.query(copyFrom(`COPY ${ceilingSchema}.${table} FROM STDIN`));
      await pipeline(createReadStream(join(folder, `${table}.copy`), { highWaterMark: 1 << 20 }), copy);
      rows += copy.rowCount;
    }
    await client.query('COMMIT');
    const seconds = (performance.now() - began) / 1000;
    await client.query(`DROP SCHEMA ${ceilingSchema} CASCADE`);
    return { seconds, rows, bytes };
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    await client.end();
    rmSync(folder, { recursive: true, force: true });
  }
}
