import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { folderSink, generateDataset, type GenerateSummary } from '@sparkify/generator';
import { load } from '@sparkify/loader';
import { isProcessAlive } from '@sparkify/local-postgres';
import { migrateTo } from '@sparkify/schema';
import { createTestDatabase, type TestDatabase } from '@sparkify/testkit';
import { measureStarCeiling } from './measure-star-ceiling.js';

describe('the star ceiling', () => {
  let folder: string;
  let db: TestDatabase;
  let truth: GenerateSummary;

  beforeAll(async () => {
    folder = mkdtempSync(join(tmpdir(), 'sparkify-star-ceiling-test-'));
    truth = await generateDataset({ events: 3_000, songs: 40, days: 3, seed: 11 }, folderSink(folder));
    db = await createTestDatabase(inject('pgUrl'), 'star_ceiling');
    await migrateTo(db.knex, { dialect: 'postgres' });
    const result = await load({
      knex: db.knex,
      dialect: 'postgres',
      source: { source: folder },
      holder: { holder: `bench-test:${process.pid}`, host: 'bench-test', pid: process.pid },
      isProcessAlive,
    });
    expect(result.status).toBe('succeeded');
  });

  afterAll(async () => {
    await db?.drop();
    rmSync(folder, { recursive: true, force: true });
  });

  it('copies every final star row into empty twins and leaves no twin behind', async () => {
    const run = await measureStarCeiling(db.url);
    expect(run.rows).toBe(
      truth.nextSongEvents + truth.users + truth.songs + truth.artists + truth.distinctPlayTimes,
    );
    expect(run.bytes).toBeGreaterThan(0);
    const twins = await db.knex.raw<{ rows: unknown[] }>(
      `SELECT 1 FROM information_schema.schemata WHERE schema_name = 'star_ceiling'`,
    );
    expect(twins.rows).toEqual([]);
  });
});
