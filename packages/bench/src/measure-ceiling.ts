import { createReadStream } from 'node:fs';
import { pipeline } from 'node:stream/promises';
import { copyColumns } from '@sparkify/loader';
import { stagingEvents } from '@sparkify/schema';
import pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';

/** One COPY of the pre-encoded events. */
export interface CeilingRun {
  seconds: number;
  /** Rows PostgreSQL reports copied. */
  records: number;
}

/**
 * Times what PostgreSQL alone needs to take the events: BEGIN, TRUNCATE, COPY ... FROM STDIN WITH (FREEZE) of the
 * already encoded rows, COMMIT, on one connection, as the loader stages them. No parsing, validating or encoding.
 */
export async function measureCeiling(url: string, copyFilePath: string): Promise<CeilingRun> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const began = performance.now();
    await client.query('BEGIN');
    await client.query(`TRUNCATE ${stagingEvents.name}`);
    const copy = client.query(
      copyFrom(`COPY ${stagingEvents.name} (${copyColumns('events').join(', ')}) FROM STDIN WITH (FREEZE)`),
    );
    await pipeline(createReadStream(copyFilePath, { highWaterMark: 1 << 20 }), copy);
    await client.query('COMMIT');
    return { seconds: (performance.now() - began) / 1000, records: copy.rowCount };
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    await client.end();
  }
}
