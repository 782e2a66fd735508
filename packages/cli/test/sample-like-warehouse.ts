// The warehouse the runs and analytics tests read: a sample-like generated dataset, then a hand-written later
// delivery with bad lines, then two check runs.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { folderSink, generateDataset, type GenerateSummary } from '@sparkify/generator';
import { createTestDatabase, type TestDatabase } from '@sparkify/testkit';
import { expect, inject } from 'vitest';
import { runSparkify, tempFolder } from './run-sparkify.js';

/** A later delivery written by hand: three plays of one song at 05:xx UTC, and two bad lines. */
export const later = {
  key: 'log_data/2018/12/2018-12-01-events.json',
  plays: 3,
  badLines: [2, 4],
  title: 'Inline Song',
};
export function laterLog(): string {
  const play = (item: number) =>
    JSON.stringify({
      artist: 'Inline Artist',
      auth: 'Logged In',
      firstName: 'Ann',
      gender: 'F',
      itemInSession: item,
      lastName: 'Lee',
      length: 201.5,
      level: 'paid',
      location: 'Somewhere, CA',
      method: 'PUT',
      page: 'NextSong',
      registration: 1540919166796.0,
      sessionId: 990001,
      song: later.title,
      status: 200,
      ts: Date.UTC(2018, 11, 1, 5, item) + 796,
      userAgent: 'test',
      userId: '1',
    });
  return [play(0), '{"artist": "truncated', play(1), '[1, 2]', play(2)].join('\n');
}

/** A loaded warehouse: its database, the CLI's environment for it, its work folder and the generator's truth. */
export interface SampleLikeWarehouse {
  db: TestDatabase;
  env: Record<string, string>;
  work: string;
  truth: GenerateSummary;
}

/**
 * Loads the sample-like dataset (like the public sample: a 71-song catalogue that almost no play matches), then a
 * second delivery a month later with bad lines quarantined by --max-errors, then runs the checks twice.
 */
export async function loadSampleLikeWarehouse(): Promise<SampleLikeWarehouse> {
  const db = await createTestDatabase(inject('pgUrl'), 'cli_analytics');
  const work = tempFolder('sparkify-analytics-');
  const env = { DATABASE_URL: db.url, SPARKIFY_HOME: join(work, 'home') };
  const truth = await generateDataset(
    { songs: 71, events: 8000, days: 30, seed: 'sample-like', matchRate: 0.0005 },
    folderSink(join(work, 'data')),
  );
  mkdirSync(join(work, 'later', 'log_data', '2018', '12'), { recursive: true });
  writeFileSync(join(work, 'later', later.key), laterLog());
  expect((await runSparkify(['migrate'], { env })).code).toBe(0);
  for (const args of [
    ['load', '--source', join(work, 'data')],
    ['load', '--source', join(work, 'later'), '--max-errors', '100'],
    ['check'],
    ['check'],
  ]) {
    const run = await runSparkify(args, { env });
    expect(run.code, run.stdout + run.stderr).toBeLessThanOrEqual(1);
  }
  return { db, env, work, truth };
}
