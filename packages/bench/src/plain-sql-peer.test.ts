import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { folderSink, generateDataset, type GenerateSummary } from '@sparkify/generator';
import { createTestDatabase, type TestDatabase } from '@sparkify/testkit';
import { runPlainSqlPeer } from './plain-sql-peer.js';

describe('the plain-SQL peer', () => {
  let folder: string;
  let db: TestDatabase;
  let truth: GenerateSummary;

  beforeAll(async () => {
    folder = mkdtempSync(join(tmpdir(), 'sparkify-peer-'));
    // Pretty-printed song files and days without a trailing newline are the quirks the raw \copy must survive.
    truth = await generateDataset(
      { events: 4_000, songs: 60, days: 4, seed: 7, matchRate: 0.4, prettyShare: 0.5 },
      folderSink(folder),
    );
    db = await createTestDatabase(inject('pgUrl'), 'peer');
  });

  afterAll(async () => {
    await db?.drop();
    rmSync(folder, { recursive: true, force: true });
  });

  it('builds the star the generator says a correct load makes (so the benchmark compares like with like)', async () => {
    const peer = await runPlainSqlPeer(db.url, folder);
    expect(peer.songplays).toBe(truth.nextSongEvents);
    expect(peer.users).toBe(truth.users);
    expect(peer.songs).toBe(truth.songs);
    expect(peer.time).toBe(truth.distinctPlayTimes);
    expect(peer.seconds).toBeGreaterThanOrEqual(peer.copySeconds);
  });
});
