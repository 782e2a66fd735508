import { execFileSync } from 'node:child_process';
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { EtlRejectRow } from '@sparkify/testkit';
import { loadInto, migratedWarehouses, ndjson, play, song, writeFixture } from './fixtures.js';

const freshWarehouse = migratedWarehouses('loader_links');

const day = (ts: number, userId: string) => ndjson([play({ ts, userId }), play({ ts: ts + 1000, userId })]);

describe('a local source with symbolic links and special files', () => {
  it('follows links to files and to folders: their records load like any others', async () => {
    const db = await freshWarehouse();
    const elsewhere = writeFixture({
      'A/TRAAA.json': JSON.stringify(song()),
      'day-2.json': day(1541206106796, '11'),
      'month/day-3.json': day(1541306106796, '12'),
    });
    const root = writeFixture({ 'log_data/day-1.json': day(1541106106796, '10') });
    mkdirSync(join(root, 'song_data'));
    symlinkSync(join(elsewhere, 'A'), join(root, 'song_data', 'A'));
    symlinkSync(join(elsewhere, 'day-2.json'), join(root, 'log_data', 'day-2.json'));
    symlinkSync(join(elsewhere, 'month'), join(root, 'log_data', 'month'));
    const result = await loadInto(db.knex, { source: { source: root } });
    expect(result.files.map((file) => [file.key, file.read]).sort()).toEqual([
      ['log_data/day-1.json', 2],
      ['log_data/day-2.json', 2],
      ['log_data/month/day-3.json', 2],
      ['song_data/A/TRAAA.json', 1],
    ]);
    expect(await db.knex('songplays').count({ n: '*' })).toEqual([{ n: '6' }]);
  });

  it('refuses a dangling link, a FIFO and a folder that links into itself, by name, instead of skipping them', async () => {
    const db = await freshWarehouse();
    const dangling = writeFixture({
      'log_data/day-1.json': day(1541106106796, '10'),
      'song_data/README': 'x',
    });
    symlinkSync(join(dangling, 'gone.json'), join(dangling, 'log_data', 'day-2.json'));
    await expect(loadInto(db.knex, { source: { source: dangling } })).rejects.toMatchObject({
      code: 'SOURCE_INVALID',
      message: expect.stringContaining(
        `${join(dangling, 'log_data', 'day-2.json')} is a symbolic link to ${join(dangling, 'gone.json')}, which does not exist`,
      ) as unknown,
    });

    const fifo = writeFixture({ 'log_data/day-1.json': day(1541106106796, '10'), 'song_data/README': 'x' });
    execFileSync('mkfifo', [join(fifo, 'log_data', 'day-2.json')]);
    await expect(loadInto(db.knex, { source: { source: fifo } })).rejects.toMatchObject({
      code: 'SOURCE_INVALID',
      message: expect.stringContaining(`${join(fifo, 'log_data', 'day-2.json')} is a FIFO`) as unknown,
    });

    const loop = writeFixture({
      'log_data/2018/day-1.json': day(1541106106796, '10'),
      'song_data/README': 'x',
    });
    symlinkSync(join(loop, 'log_data'), join(loop, 'log_data', '2018', 'again'));
    await expect(loadInto(db.knex, { source: { source: loop } })).rejects.toMatchObject({
      code: 'SOURCE_INVALID',
      message: expect.stringContaining('is a symbolic link to a folder it is inside') as unknown,
    });
    // Nothing was loaded by the refused runs.
    expect(await db.knex('songplays').count({ n: '*' })).toEqual([{ n: '0' }]);
  });

  it('a file whose name is not UTF-8 is a bad object, named with its bytes, and --max-errors quarantines it', async () => {
    const db = await freshWarehouse();
    const root = writeFixture({ 'log_data/good.json': day(1541106106796, '10'), 'song_data/README': 'x' });
    writeFileSync(Buffer.from(`${join(root, 'log_data')}/bad\xff.json`, 'latin1'), day(1541206106796, '11'));
    const failed = await loadInto(db.knex, { source: { source: root }, oneDataset: true });
    expect(failed.status).toBe('failed');
    expect(failed.error?.message).toContain(
      'the file name is not valid UTF-8 (bad\\xff.json); rename it to load it: log_data/bad\uFFFD.json',
    );
    const quarantined = await loadInto(db.knex, { source: { source: root }, oneDataset: true, maxErrors: 1 });
    expect(quarantined.status).toBe('succeeded');
    expect(await db.knex('songplays').count({ n: '*' })).toEqual([{ n: '2' }]);
    const rejects = (await db.knex('etl_rejects').where({ run_id: quarantined.runId })) as EtlRejectRow[];
    expect(rejects.map((reject) => reject.reason)).toEqual([
      expect.stringContaining('not valid UTF-8') as unknown,
    ]);
  });

  it('a file the file system refuses to read (EIO) is a bad object naming the file and the error, quarantinable', async () => {
    const db = await freshWarehouse();
    const root = writeFixture({ 'log_data/good.json': day(1541106106796, '10'), 'song_data/README': 'x' });
    // Root reads any file it may open, so permissions cannot make one unreadable here: reading this process's
    // own memory at offset 0 (unmapped) fails with EIO, a real error of the read system call.
    symlinkSync('/proc/self/mem', join(root, 'log_data', 'broken.json'));
    const failed = await loadInto(db.knex, { source: { source: root }, oneDataset: true });
    expect(failed.status).toBe('failed');
    expect(failed.error?.code).toBe('BAD_RECORDS');
    expect(failed.error?.message).toMatch(/log_data\/broken\.json cannot be read \(EIO: /);
    const quarantined = await loadInto(db.knex, { source: { source: root }, oneDataset: true, maxErrors: 1 });
    expect(quarantined.status).toBe('succeeded');
    expect(await db.knex('songplays').count({ n: '*' })).toEqual([{ n: '2' }]);
    const rejects = (await db.knex('etl_rejects').where({ run_id: quarantined.runId })) as EtlRejectRow[];
    expect(rejects).toEqual([
      expect.objectContaining({ object_key: 'log_data/broken.json', line_number: 0, field: null }),
    ]);
  });

  it('a path longer than the ledger keeps is a bad object under a key cut to fit, and the rest loads', async () => {
    const db = await freshWarehouse();
    const root = writeFixture({ 'log_data/good.json': day(1541106106796, '10'), 'song_data/README': 'x' });
    const deep = join(
      root,
      'log_data',
      ...Array.from({ length: 11 }, (_, level) => `${level}`.padEnd(200, 'd')),
    );
    mkdirSync(deep, { recursive: true });
    writeFileSync(join(deep, 'day.json'), day(1541206106796, '11'));
    const result = await loadInto(db.knex, { source: { source: root }, oneDataset: true, maxErrors: 1 });
    expect(result.status).toBe('succeeded');
    const rejects = (await db.knex('etl_rejects').where({ run_id: result.runId })) as EtlRejectRow[];
    expect(rejects).toHaveLength(1);
    expect(rejects[0]!.reason).toMatch(
      /the path is 22\d\d bytes long; the ledger keeps keys of up to 2048 bytes/,
    );
    expect(Buffer.byteLength(rejects[0]!.object_key)).toBeLessThanOrEqual(2048);
    expect(rejects[0]!.object_key).toMatch(/…#[0-9a-f]{12}$/);
    expect(await db.knex('songplays').count({ n: '*' })).toEqual([{ n: '2' }]);
  });
});
