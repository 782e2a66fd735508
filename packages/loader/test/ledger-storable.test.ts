import { describe, expect, it } from 'vitest';
import type { EtlRejectRow, EtlRunRow } from '@sparkify/testkit';
import { gz, loadInto, migratedWarehouses, ndjson, play, starSnapshot, writeFixture } from './fixtures.js';

const freshWarehouse = migratedWarehouses('loader_storable');

describe('what the ledger stores is always storable', () => {
  it('a parse error holding NULs (a NUL-padded tail after a crash) fails the run naming object and line, and is recorded', async () => {
    const day = `${ndjson([play(), play()])}\n${'\0'.repeat(64)}`;
    const root = writeFixture({ 'log_data/2018/11/2018-11-30-events.json': day, 'song_data/A/a.json': '' });
    const db = await freshWarehouse();
    const result = await loadInto(db.knex, { source: { source: root } });
    expect(result.status).toBe('failed');
    expect(result.error?.code).toBe('BAD_RECORDS');
    expect(result.error?.message).toContain('log_data/2018/11/2018-11-30-events.json line 3');
    const run = (await db.knex('etl_runs').where({ run_id: result.runId }).first()) as EtlRunRow | undefined;
    expect(run).toMatchObject({ status: 'failed', error_code: 'BAD_RECORDS' });
    expect(run!.error_message).not.toContain('\0');
    expect(run!.error_message).toContain('line 3');
    const rejects = (await db.knex('etl_rejects').where({ run_id: result.runId })) as EtlRejectRow[];
    expect(rejects).toHaveLength(1);
    expect(rejects[0]!.raw_record).toBe('\uFFFD'.repeat(64));
  });
});

describe('compression by name, in any case', () => {
  it('loads `.json.GZ` gunzipped, equal to the same data uncompressed', async () => {
    const plays = ndjson([play({ sessionId: 31 }), play({ sessionId: 31 })]);
    const plain = await freshWarehouse();
    const plainResult = await loadInto(plain.knex, {
      source: {
        source: writeFixture({ 'log_data/2018/11/2018-11-30-events.json': plays, 'song_data/A/a.json': '' }),
      },
    });
    const upper = await freshWarehouse();
    const upperResult = await loadInto(upper.knex, {
      source: {
        source: writeFixture({
          'log_data/2018/11/2018-11-30-events.json.GZ': gz(plays),
          'song_data/A/a.json': '',
        }),
      },
    });
    expect(plainResult.status).toBe('succeeded');
    expect(upperResult.status).toBe('succeeded');
    expect(upperResult.stages.stage).toMatchObject({ records: 2, staged: 2, rejected: 0 });
    expect(await starSnapshot(upper.knex)).toEqual(await starSnapshot(plain.knex));
  });
});
