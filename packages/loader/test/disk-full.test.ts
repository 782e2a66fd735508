import { execFileSync } from 'node:child_process';
import { chownSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EtlLockRow, EtlRunRow, TestDatabase } from '@sparkify/testkit';
import { LoaderError } from '../src/index.js';
import {
  loadInto,
  migratedWarehouses,
  ndjson,
  play,
  smallDataset,
  starSnapshot,
  writeFixture,
} from './fixtures.js';

const freshWarehouse = migratedWarehouses('loader_disk_full');

/** A day of `count` plays, each its own event (about 300 bytes a row in staging). */
const bigDay = (count: number, day: number) =>
  ndjson(
    Array.from({ length: count }, (_, index) =>
      play({
        sessionId: 10_000 + day,
        itemInSession: index,
        ts: 1541106106796 + day * 86_400_000 + index,
        userId: '10',
      }),
    ),
  );

/**
 * A real full disk, small enough to fill: a 1 MB tmpfs mounted here (the tests run as root) holds a tablespace
 * that staging_events is moved to, so a COPY of a few thousand events fails with PostgreSQL's own "No space
 * left on device" (SQLSTATE 53100) while the rest of the database, WAL included, has room.
 */
describe('a full disk on the database server', () => {
  let db: TestDatabase;
  let mountPoint: string;
  const tablespace = `small_${process.pid}`;

  beforeAll(async () => {
    db = await freshWarehouse();
    mountPoint = mkdtempSync(join(tmpdir(), 'sparkify-full-disk-'));
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=1m', 'tmpfs', mountPoint]);
    const postgresUid = Number(execFileSync('id', ['-u', 'postgres']).toString());
    chownSync(mountPoint, postgresUid, postgresUid);
    await db.knex.raw(`CREATE TABLESPACE ${tablespace} LOCATION '${mountPoint}'`);
  });

  afterAll(async () => {
    await db?.knex.raw(`ALTER TABLE staging_events SET TABLESPACE pg_default`).catch(() => undefined);
    await db?.knex.raw(`DROP TABLESPACE IF EXISTS ${tablespace}`).catch(() => undefined);
    if (mountPoint) {
      execFileSync('umount', [mountPoint]);
      rmSync(mountPoint, { recursive: true, force: true });
    }
  });

  it('fails with one clear error, gives the staged rows back, leaves the star as it was; after space is freed the next load equals a clean load', async () => {
    const { songFiles, dayFiles } = smallDataset();
    const first = await loadInto(db.knex, {
      source: { source: writeFixture({ ...songFiles, ...dayFiles }) },
    });
    expect(first.status).toBe('succeeded');
    const before = await starSnapshot(db.knex);

    await db.knex.raw(`ALTER TABLE staging_events SET TABLESPACE ${tablespace}`);
    const days = { 'log_data/2018/12/2018-12-01-events.json': bigDay(12_000, 1) };
    const root = writeFixture({ ...songFiles, ...dayFiles, ...days });
    const error = await loadInto(db.knex, { source: { source: root } }).catch((thrown: unknown) => thrown);
    expect(error).toBeInstanceOf(LoaderError);
    expect((error as LoaderError).code).toBe('DISK_FULL');
    expect((error as LoaderError).message).toMatch(
      /^the database's disk is full \(.*No space left on device\): nothing of this load was committed/,
    );
    expect(await starSnapshot(db.knex)).toEqual(before);
    expect(await db.knex('staging_events').count({ n: '*' })).toEqual([{ n: '0' }]);
    const run = ((await db.knex('etl_runs').orderBy('run_id', 'desc').limit(1)) as EtlRunRow[])[0];
    expect(run).toMatchObject({ status: 'failed', error_code: 'DISK_FULL' });
    expect(((await db.knex('etl_lock').where({ lock_id: 1 })) as EtlLockRow[])[0]!.holder).toBeNull();

    // Space freed: the same source loads, and the star equals a clean load of it.
    await db.knex.raw(`ALTER TABLE staging_events SET TABLESPACE pg_default`);
    const next = await loadInto(db.knex, { source: { source: root } });
    expect(next.status).toBe('succeeded');
    const clean = await freshWarehouse();
    expect((await loadInto(clean.knex, { source: { source: root } })).status).toBe('succeeded');
    expect(await starSnapshot(db.knex)).toEqual(await starSnapshot(clean.knex));
  });
});
