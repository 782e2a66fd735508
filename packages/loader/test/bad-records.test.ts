import { describe, expect, it } from 'vitest';
import type { EtlFileRow, EtlRejectRow, EtlRunRow } from '@sparkify/testkit';
import {
  loadInto,
  ndjson,
  play,
  smallDataset,
  song,
  starSnapshot,
  writeFixture,
  migratedWarehouses,
} from './fixtures.js';

const freshWarehouse = migratedWarehouses('loader_bad');

const { songFiles, dayFiles } = smallDataset();
const badDay = [
  JSON.stringify(play({ sessionId: 900, itemInSession: 1 })),
  JSON.stringify(play({ sessionId: 900, itemInSession: 2, ts: 'yesterday' })),
  '{"artist": "Truncated", "auth": "Logged',
  JSON.stringify(play({ sessionId: 900, itemInSession: 3, song: null })),
].join('\n');

describe('bad records', () => {
  it('fails the run by default: nothing reaches the star schema, the message names key, line and field', async () => {
    const db = await freshWarehouse();
    await loadInto(db.knex, { source: { source: writeFixture({ ...songFiles, ...dayFiles }) } });
    const before = await starSnapshot(db.knex);
    const result = await loadInto(db.knex, {
      source: { source: writeFixture({ 'log_data/2018/11/2018-11-30-events.json': badDay }) },
    });
    expect(result.status).toBe('failed');
    expect(result.error?.code).toBe('BAD_RECORDS');
    expect(result.error?.message).toContain(
      'log_data/2018/11/2018-11-30-events.json line 2 /ts: expected integer, got string "yesterday"',
    );
    expect(result.error?.message).toMatch(/line 3: invalid JSON/);
    expect(result.error?.message).toMatch(/line 4 \/song: .*NextSong event must carry song/);
    expect(result.error?.message).toMatch(/etl_rejects WHERE run_id = \d+/);
    expect(await starSnapshot(db.knex)).toEqual(before);
    const run = ((await db.knex('etl_runs').where({ run_id: result.runId })) as EtlRunRow[])[0];
    expect(run).toMatchObject({
      status: 'failed',
      error_code: 'BAD_RECORDS',
      records_read: '4',
      records_rejected: '3',
    });
    const rejects = (await db
      .knex('etl_rejects')
      .where({ run_id: result.runId })
      .orderBy('line_number')) as EtlRejectRow[];
    expect(rejects.map((reject) => [reject.line_number, reject.field])).toEqual([
      [2, '/ts'],
      [3, null],
      [4, '/song'],
    ]);
    expect(rejects[1]!.raw_record).toBe('{"artist": "Truncated", "auth": "Logged');
    // The failed version is not "loaded": fixing nothing and loading again fails again rather than skipping.
    const retry = await loadInto(db.knex, {
      source: { source: writeFixture({ 'log_data/2018/11/2018-11-30-events.json': badDay }) },
    });
    expect(retry.status).toBe('failed');
  });

  it('quarantines up to --max-errors records and loads the rest, accounting for every record', async () => {
    const db = await freshWarehouse();
    const result = await loadInto(db.knex, {
      source: { source: writeFixture({ 'log_data/2018/11/2018-11-30-events.json': badDay }) },
      maxErrors: 3,
    });
    expect(result.status).toBe('succeeded');
    expect(result.stages.stage).toMatchObject({ records: 4, staged: 1, rejected: 3 });
    expect(Number((await db.knex('songplays').count({ n: '*' }))[0]!.n)).toBe(1);
    const file = (await db.knex<EtlFileRow>('etl_files'))[0];
    expect(file).toMatchObject({ records_read: '4', records_staged: '1', records_rejected: '3' });
    expect(Number((await db.knex('etl_rejects').count({ n: '*' }))[0]!.n)).toBe(3);
  });

  it('round-trips hostile strings through COPY exactly', async () => {
    const db = await freshWarehouse();
    const hostile = [
      'tab\there',
      'new\nline',
      'back\\slash',
      '\\N',
      'crlf\r\n',
      'ünï©ødé 🎵 日本',
      'quote"\'s',
      'pipe|semi;',
    ];
    const root = writeFixture({
      'log_data/2018/11/2018-11-01-events.json': ndjson(
        hostile.map((text, index) =>
          play({ sessionId: 1, itemInSession: index, location: text, userAgent: text }),
        ),
      ),
      'song_data/A/A/A/TRNUL.json': JSON.stringify(song({ artist_name: 'NUL\u0000inside' })),
    });
    const result = await loadInto(db.knex, { source: { source: root } });
    expect(result.status).toBe('succeeded');
    const rows = await db.knex('songplays').orderBy('item_in_session').pluck('location');
    expect(rows).toEqual(hostile);
    expect((await db.knex('artists').pluck('name'))[0]).toBe('NUL\uFFFDinside');
  });

  it('refuses a value longer than its column in UTF-8 bytes, as Redshift would', async () => {
    const db = await freshWarehouse();
    const result = await loadInto(db.knex, {
      source: {
        source: writeFixture({
          'log_data/2018/11/2018-11-01-events.json': ndjson([play({ location: 'é'.repeat(300) })]),
        }),
      },
    });
    expect(result.status).toBe('failed');
    expect(result.error?.message).toContain('/location: is 600 bytes; the column holds 512 bytes');
  });
});
