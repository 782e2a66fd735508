import { describe, expect, it } from 'vitest';
import { type EtlFileRow, type EtlRejectRow, type TestDatabase } from '@sparkify/testkit';
import {
  loadInto,
  ndjson,
  play,
  smallDataset,
  starSnapshot,
  writeFixture,
  migratedWarehouses,
} from './fixtures.js';

const freshWarehouse = migratedWarehouses('loader_workers');

async function ledger(db: TestDatabase) {
  const files = (await db
    .knex('etl_files')
    .select('object_key', 'records_read', 'records_staged', 'records_rejected')
    .orderBy('object_key')) as Omit<EtlFileRow, 'run_id' | 'dataset' | 'etag' | 'size_bytes'>[];
  const rejects = (await db
    .knex('etl_rejects')
    .select('object_key', 'line_number', 'field', 'reason', 'raw_record')
    .orderBy(['object_key', 'line_number'])) as Omit<EtlRejectRow, 'run_id' | 'dataset'>[];
  return { files, rejects };
}

describe('worker threads', () => {
  it('stage exactly what the single-threaded path stages, rejects included, with chunks split mid-record', async () => {
    const { songFiles, dayFiles } = smallDataset();
    // A large day so that objects span several read chunks, with bad records in the middle.
    const bigDay = ndjson(
      Array.from({ length: 4000 }, (_, index) =>
        play({
          sessionId: 5000 + Math.floor(index / 50),
          itemInSession: index % 50,
          location: `Town ${index} ${'x'.repeat(index % 300)}`,
        }),
      ),
    ).replace(
      /"ts":1541106106796,"userAgent":"\\"Mozilla\/5.0\\"","userId":"10"}\n(.*)\n/,
      (line) => `${line}{"broken": \n`,
    );
    const root = writeFixture({
      ...songFiles,
      ...dayFiles,
      'log_data/2018/11/2018-11-09-events.json': bigDay,
    });

    const inline = await freshWarehouse();
    const single = await loadInto(inline.knex, { source: { source: root }, workers: 0, maxErrors: 10 });
    const threaded = await freshWarehouse();
    const parallel = await loadInto(threaded.knex, { source: { source: root }, workers: 2, maxErrors: 10 });

    expect(single.status).toBe('succeeded');
    expect(parallel.stages.stage).toMatchObject({
      records: single.stages.stage.records,
      staged: single.stages.stage.staged,
      rejected: single.stages.stage.rejected,
    });
    expect(single.stages.stage.rejected).toBe(1);
    expect(await starSnapshot(threaded.knex)).toEqual(await starSnapshot(inline.knex));
    expect(await ledger(threaded)).toEqual(await ledger(inline));
  });
});

describe('ambiguous JSON', () => {
  it('gets the same verdicts on worker threads as inline: duplicate keys, lone surrogates, ts in seconds', async () => {
    const { songFiles } = smallDataset();
    const lines = Array.from({ length: 3000 }, (_, index) =>
      JSON.stringify(
        play({
          sessionId: 9000 + Math.floor(index / 50),
          itemInSession: index % 50,
          location: `Town ${index}`,
        }),
      ),
    );
    lines[10] = lines[10]!.replace('"userId":"10"', '"userId":"10","userId":"11"');
    lines[1500] = lines[1500]!.replace('"song":"Title One"', '"song":"Title \\ud800One"');
    lines[2999] = lines[2999]!.replace('"ts":1541106106796', '"ts":1541106106');
    const root = writeFixture({ ...songFiles, 'log_data/2018/11/2018-11-20-events.json': lines.join('\n') });

    const inline = await freshWarehouse();
    const single = await loadInto(inline.knex, { source: { source: root }, workers: 0, maxErrors: 10 });
    const threaded = await freshWarehouse();
    const parallel = await loadInto(threaded.knex, { source: { source: root }, workers: 2, maxErrors: 10 });

    expect(single.status).toBe('succeeded');
    expect(single.stages.stage.rejected).toBe(3);
    const verdicts = (await ledger(inline)).rejects.map((reject) => [reject.line_number, reject.field]);
    expect(verdicts).toEqual([
      [11, '/userId'],
      [1501, '/song'],
      [3000, '/ts'],
    ]);
    // 6 songs and 2,997 plays staged.
    expect(parallel.stages.stage).toMatchObject({ records: 3006, staged: 3003, rejected: 3 });
    expect(await ledger(threaded)).toEqual(await ledger(inline));
    expect(await starSnapshot(threaded.knex)).toEqual(await starSnapshot(inline.knex));
  });
});
