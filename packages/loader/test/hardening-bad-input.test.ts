import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { type EtlRejectRow, type EtlRunRow, type TestDatabase } from '@sparkify/testkit';
import { LoaderError } from '../src/index.js';
import { badInputCases } from './bad-input-corpus.js';
import {
  loadInto,
  ndjson,
  play,
  smallDataset,
  song,
  starSnapshot,
  visit,
  writeFixture,
  migratedWarehouses,
} from './fixtures.js';

const freshWarehouse = migratedWarehouses('loader_hard_bad');

const line = (record: unknown) => JSON.stringify(record);

describe('a corpus of bad inputs, each mixed into good data', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await freshWarehouse();
    const { songFiles, dayFiles } = smallDataset();
    const first = await loadInto(db.knex, {
      source: { source: writeFixture({ ...songFiles, ...dayFiles }) },
    });
    expect(first.status).toBe('succeeded');
  });

  it('holds at least 20 distinct bad inputs', () => {
    expect(new Set(badInputCases.map((badCase) => badCase.name)).size).toBeGreaterThanOrEqual(20);
  });

  it.each(badInputCases.map((badCase, index) => [badCase.name, badCase, index] as const))(
    '%s: fails naming key, line and field, leaves the star as it was, records the run; --max-errors quarantines it and loads the rest',
    async (_name, badCase, index) => {
      const files = badCase.files(index);
      const key = badCase.key(index);
      const before = await starSnapshot(db.knex);

      const root = writeFixture(files);
      const failed = await loadInto(db.knex, { source: { source: root }, ...badCase.during?.(root, index) });
      expect(failed.status).toBe('failed');
      expect(failed.error?.code).toBe('BAD_RECORDS');
      const named = `${key} line ${badCase.line}${badCase.field ? ` ${badCase.field}` : ''}: `;
      const message = failed.error?.message ?? '';
      expect(message).toContain(named);
      expect(message.slice(message.indexOf(named))).toMatch(badCase.reason);
      expect(await starSnapshot(db.knex)).toEqual(before);
      const run = (await db.knex('etl_runs').where({ run_id: failed.runId }).first()) as
        EtlRunRow | undefined;
      expect(run).toMatchObject({ status: 'failed', error_code: 'BAD_RECORDS', records_rejected: '1' });
      expect(run!.error_message).toContain(named);
      expect(await db.knex('etl_files').where({ run_id: failed.runId })).toEqual([]);

      const root2 = writeFixture(files);
      const loaded = await loadInto(db.knex, {
        source: { source: root2 },
        maxErrors: 1,
        ...badCase.during?.(root2, index),
      });
      expect(loaded.status).toBe('succeeded');
      expect(loaded.stages.stage.rejected).toBe(1);
      const rejects = (await db.knex('etl_rejects').where({ run_id: loaded.runId })) as EtlRejectRow[];
      expect(rejects).toHaveLength(1);
      expect(rejects[0]).toMatchObject({ object_key: key, line_number: badCase.line, field: badCase.field });
      expect(rejects[0]!.reason).toMatch(badCase.reason);
      // The raw text is kept up to 16 KiB per record (the deep-nesting line is longer).
      if (badCase.raw) expect(rejects[0]!.raw_record).toBe(badCase.raw(index).slice(0, 16 * 1024));
      const plays = await db
        .knex('songplays')
        .where({ session_id: 5000 + index })
        .count({ n: '*' });
      expect(Number(plays[0]!.n)).toBe(badCase.plays);
      if (badCase.songs) {
        expect(
          await db
            .knex('songs')
            .where({ song_id: `SOGOOD${index}` })
            .pluck('song_id'),
        ).toEqual([`SOGOOD${index}`]);
      }
      // read = staged + rejected, per file and per run.
      const totals = await db
        .knex('etl_files')
        .where({ run_id: loaded.runId })
        .sum({ read: 'records_read', staged: 'records_staged', rejected: 'records_rejected' });
      expect(Number(totals[0]!.read)).toBe(Number(totals[0]!.staged) + Number(totals[0]!.rejected));
    },
  );
});

describe('good but odd input loads exactly like the plain form', () => {
  it('BOM, CRLF, no final newline, blank lines, unknown extra keys and empty files', async () => {
    const plays = [
      play({ sessionId: 1, itemInSession: 1 }),
      play({ sessionId: 1, itemInSession: 2, level: 'paid' }),
    ];
    const more = [
      play({ sessionId: 2, itemInSession: 1, userId: '11' }),
      visit({ sessionId: 2, itemInSession: 2, userId: '11' }),
    ];
    const extra = [play({ sessionId: 3, itemInSession: 1, userId: '12' })];
    const songA = song();
    const songB = song({
      song_id: 'SONG000000000002',
      title: 'Title Two',
      artist_id: 'ARTIST00000000002',
      artist_name: 'Two',
    });
    const plain = writeFixture({
      'log_data/2018/11/2018-11-01-events.json': `${ndjson(plays)}\n`,
      'log_data/2018/11/2018-11-02-events.json': `${ndjson(more)}\n`,
      'log_data/2018/11/2018-11-03-events.json': `${ndjson(extra)}\n`,
      'song_data/A/A/A/TRA.json': line(songA),
      'song_data/A/A/B/TRB.json': line(songB),
    });
    const odd = writeFixture({
      'log_data/2018/11/2018-11-01-events.json': `\uFEFF${plays.map(line).join('\r\n')}\r\n`,
      'log_data/2018/11/2018-11-02-events.json': `\n${more.map(line).join('\n\n  \n')}`,
      'log_data/2018/11/2018-11-03-events.json': ndjson(
        extra.map((record) => ({ ...record, newKey: { nested: [1] }, another: null })),
      ),
      'log_data/2018/11/2018-11-04-events.json': '',
      'song_data/A/A/A/TRA.json': `\uFEFF${JSON.stringify(songA, null, 2).replace(/\n/g, '\r\n')}\r\n`,
      'song_data/A/A/B/TRB.json': line({ ...songB, unknown_key: 'ignored' }),
      'song_data/A/A/C/TREMPTY.json': '',
    });
    const expected = await freshWarehouse();
    expect((await loadInto(expected.knex, { source: { source: plain } })).status).toBe('succeeded');
    const actual = await freshWarehouse();
    const result = await loadInto(actual.knex, { source: { source: odd } });
    expect(result.status).toBe('succeeded');
    expect(result.stages.stage).toMatchObject({ records: 7, staged: 7, rejected: 0 });
    expect(await starSnapshot(actual.knex)).toEqual(await starSnapshot(expected.knex));
  });
});

describe('a source with no objects', () => {
  it('fails with SOURCE_EMPTY naming the locations, and the failed run is in the ledger', async () => {
    const db = await freshWarehouse();
    const root = writeFixture({ 'song_data/README.txt': 'not data', 'log_data/.keep': '' });
    const error = await loadInto(db.knex, { source: { source: root } }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(LoaderError);
    expect((error as LoaderError).code).toBe('SOURCE_EMPTY');
    expect((error as LoaderError).message).toContain(join(root, 'song_data'));
    expect((error as LoaderError).message).toContain(join(root, 'log_data'));
    expect((error as LoaderError).isDataFailure).toBe(false);
    expect(await db.knex('etl_runs').select('status', 'error_code')).toEqual([
      { status: 'failed', error_code: 'SOURCE_EMPTY' },
    ]);
    const typo = await loadInto(db.knex, { source: { source: join(root, 'no-such-folder') } }).catch(
      (caught: unknown) => caught,
    );
    expect((typo as LoaderError).code).toBe('SOURCE_EMPTY');
  });

  it('an empty day after earlier loads is "nothing new", not an error', async () => {
    const db = await freshWarehouse();
    const root = writeFixture({ 'log_data/2018/11/2018-11-01-events.json': ndjson([play()]) });
    expect((await loadInto(db.knex, { source: { source: root } })).status).toBe('succeeded');
    expect((await loadInto(db.knex, { source: { source: root } })).status).toBe('nothing-new');
  });
});
