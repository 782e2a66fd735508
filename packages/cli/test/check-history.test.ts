// Change over time through the real binary: a history of daily loads made with the generator (one dataset per
// day, distinct seeds), loaded in-process with the loader's clock set to the morning after each day, then judged
// by `sparkify check`. The 14-day history is built once and copied (CREATE DATABASE … TEMPLATE) per scenario.
import { readFileSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { createTestDatabase, type TestDatabase } from '@sparkify/testkit';
import { folderSink, generateDataset } from '@sparkify/generator';
import { load } from '@sparkify/loader';
import type { Knex } from 'knex';
import { migrateTo } from '@sparkify/schema';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { removeTempFolders, runSparkify, tempFolder } from './run-sparkify.js';

const EVENTS_PER_DAY = 400;
const HISTORY_DAYS = 14;
const DAY_MS = 86_400_000;
const FIRST_DAY = Date.UTC(2018, 10, 1);

let work: string;
let base: TestDatabase;
const scenarios: TestDatabase[] = [];

/** The data day `day` (1 = 2018-11-01) as the generator's startDate. */
const dateOf = (day: number) => new Date(FIRST_DAY + (day - 1) * DAY_MS).toISOString().slice(0, 10);

/** Generates day `day` (its own seed) and loads it with the clock at 02:00 the morning after. */
async function loadDay(
  knex: Knex,
  day: number,
  events: number,
  rewrite?: (line: Record<string, unknown>) => Record<string, unknown>,
): Promise<number> {
  const folder = join(work, `day-${day}-${events}-${rewrite ? 'rewritten' : 'plain'}`);
  const summary = await generateDataset(
    { songs: 5, events, days: 1, startDate: dateOf(day), seed: `history-${day}-${events}` },
    folderSink(folder),
  );
  if (rewrite) {
    for (const key of summary.logKeys) {
      const file = join(folder, key);
      const lines = readFileSync(file, 'utf8').split('\n');
      writeFileSync(
        file,
        lines.map((line) => JSON.stringify(rewrite(JSON.parse(line) as Record<string, unknown>))).join('\n'),
      );
    }
  }
  const loadedAt = new Date(FIRST_DAY + day * DAY_MS + 2 * 3_600_000);
  const result = await load({
    knex,
    dialect: 'postgres',
    source: { source: folder },
    holder: { holder: `history-${day}`, host: hostname(), pid: process.pid },
    isProcessAlive: () => true,
    workers: 0,
    now: () => loadedAt,
  });
  expect(result.status, JSON.stringify(result.error)).toBe('succeeded');
  return summary.nextSongEvents;
}

/** A copy of the 14-day history, for one scenario. */
async function fromHistory(label: string): Promise<TestDatabase> {
  const copy = await createTestDatabase(inject('pgUrl'), `cli_history_${label}`, { template: base.name });
  scenarios.push(copy);
  return copy;
}

const check = (db: TestDatabase, ...args: string[]) =>
  runSparkify(['check', ...args], { env: { DATABASE_URL: db.url, SPARKIFY_HOME: join(work, 'home') } });

/** The table's line for a check: status, name, failing count and detail. */
const lineOf = (stdout: string, name: string) =>
  stdout.split('\n').find((line) => new RegExp(`^\\w+\\s+${name}\\s`).test(line)) ?? `(no line for ${name})`;

/** Checks whose line is not PASS (not the summary line, "WARN  57 checks: …"). */
const flagged = (stdout: string) =>
  stdout
    .split('\n')
    .filter((line) => /^(WARN|FAIL|ERROR)\s+[a-z_]/.test(line))
    .map((line) => line.split(/\s+/).slice(0, 2).join(' '));

// The morning after day 15, when its load has just run.
const AFTER_DAY_15 = ['--as-of', '2018-11-16T06:00'];
const nextSongHistory: number[] = [];

beforeAll(async () => {
  work = tempFolder('sparkify-history-');
  base = await createTestDatabase(inject('pgUrl'), 'cli_history_base');
  await migrateTo(base.knex, { dialect: 'postgres' });
  for (let day = 1; day <= HISTORY_DAYS; day += 1)
    nextSongHistory.push(await loadDay(base.knex, day, EVENTS_PER_DAY));
  // A template database may have no sessions.
  await base.knex.destroy();
}, 120_000);

afterAll(async () => {
  for (const db of scenarios) await db.drop();
  await base?.drop();
  removeTempFolders();
});

describe('sparkify check over a history of daily loads', () => {
  it('a normal 15th day does not alarm: every check passes, the volume line says what the history had', async () => {
    const db = await fromHistory('normal');
    const plays = await loadDay(db.knex, 15, EVENTS_PER_DAY);
    const run = await check(db, ...AFTER_DAY_15);
    expect(run.code, run.stdout + run.stderr).toBe(0);
    expect(flagged(run.stdout)).toEqual([]);
    const low = Math.min(...nextSongHistory).toLocaleString('en-US');
    const high = Math.max(...nextSongHistory).toLocaleString('en-US');
    expect(lineOf(run.stdout, 'volume_nextsong_events')).toContain(
      `run 15: ${plays.toLocaleString('en-US')} NextSong events; the last 14 loads had ${low}–${high} (median `,
    );
    expect(lineOf(run.stdout, 'freshness_plays')).toMatch(/^PASS .*the newest songplay is from 2018-11-15 /);
  });

  it('a 15th day with a tenth of the events exits 1, naming the volume check and the expected range', async () => {
    const db = await fromHistory('drop');
    const plays = await loadDay(db.knex, 15, EVENTS_PER_DAY / 10);
    const run = await check(db, ...AFTER_DAY_15);
    expect(run.code, run.stdout + run.stderr).toBe(1);
    expect(flagged(run.stdout)).toEqual(['FAIL volume_nextsong_events']);
    const low = Math.min(...nextSongHistory).toLocaleString('en-US');
    const high = Math.max(...nextSongHistory).toLocaleString('en-US');
    expect(lineOf(run.stdout, 'volume_nextsong_events')).toMatch(
      new RegExp(
        `^FAIL +volume_nextsong_events +1 +run 15: too few: ${plays} NextSong events; the last 14 loads had ` +
          `${low}–${high} \\(median [\\d,.]+; expected [\\d,]+–[\\d,]+\\)$`,
      ),
    );
  });

  it('a spike (ten times the events) warns: exit 0, and 1 with --fail-on warn', async () => {
    const db = await fromHistory('spike');
    await loadDay(db.knex, 15, EVENTS_PER_DAY * 10);
    const run = await check(db, ...AFTER_DAY_15);
    expect(run.code, run.stdout + run.stderr).toBe(0);
    expect(flagged(run.stdout)).toEqual(['WARN volume_nextsong_events']);
    expect(lineOf(run.stdout, 'volume_nextsong_events')).toMatch(
      /run 15: too many: [\d,]+ NextSong events; the last 14 loads had/,
    );
    expect((await check(db, ...AFTER_DAY_15, '--fail-on', 'warn')).code).toBe(1);
  });

  it('a new JSON key warns naming it; a field that stops arriving (location always null) is flagged', async () => {
    const db = await fromHistory('drift');
    await loadDay(db.knex, 15, EVENTS_PER_DAY, (line) => ({ ...line, location: null, appVersion: '2.1' }));
    const run = await check(db, ...AFTER_DAY_15, '--format', 'json');
    expect(run.code, run.stdout + run.stderr).toBe(0);
    const report = JSON.parse(run.stdout) as {
      results: { name: string; status: string; message?: string; sample: Record<string, unknown>[] }[];
    };
    const notPassing = report.results.filter((result) => result.status !== 'pass');
    expect(notPassing.map((result) => `${result.name}:${result.status}`)).toEqual([
      'unknown_keys:warn',
      'null_rate:warn',
    ]);
    expect(notPassing[0]?.sample).toEqual([
      expect.objectContaining({ dataset: 'events', json_key: 'appVersion', first_line: 1, run_id: '15' }),
    ]);
    expect(notPassing[1]?.message).toMatch(
      /^run 15: events\.location null in 100% of [\d,]+ records; the last 14 loads had 0%–[\d.]+% \(median [\d.]+%; expected at most [\d.]+%\)$/,
    );
  });
});

describe('freshness over the same history (newest play on 2018-11-14, last load 2018-11-15 02:00)', () => {
  it('fresh the morning after; warns past warnAfter (36 h); fails past errorAfter (3 d); judged against the clock without --as-of', async () => {
    const db = await fromHistory('freshness');
    const morning = await check(db, '--as-of', '2018-11-15T06:00');
    expect(morning.code, morning.stdout).toBe(0);
    expect(flagged(morning.stdout)).toEqual([]);

    const late = await check(db, '--as-of', '2018-11-16T18:00:00Z');
    expect(late.code, late.stdout).toBe(0);
    expect(flagged(late.stdout)).toEqual(['WARN freshness_plays', 'WARN freshness_loads']);
    expect(lineOf(late.stdout, 'freshness_loads')).toContain(
      'getting stale: the last successful load is from 2018-11-15 02:00:00 UTC, 1 d 16 h before the reference time ' +
        '2018-11-16 18:00:00 UTC; expected within 1 d 12 h',
    );

    const stale = await check(db, '--as-of', '2018-11-20');
    expect(stale.code, stale.stdout).toBe(1);
    expect(flagged(stale.stdout)).toEqual(['FAIL freshness_plays', 'FAIL freshness_loads']);
    expect(lineOf(stale.stdout, 'freshness_plays')).toMatch(
      /^FAIL +freshness_plays +1 +stale: the newest songplay is from 2018-11-14 \d\d:\d\d:\d\d UTC, 5 d( \d+ h)? before the reference time 2018-11-20 00:00:00 UTC; expected within 3 d/,
    );

    const today = await check(db);
    expect(today.code).toBe(1);
    expect(flagged(today.stdout)).toEqual(['FAIL freshness_plays', 'FAIL freshness_loads']);

    const bad = await check(db, '--as-of', 'yesterday');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--as-of: expected a date (2018-12-01, meaning 00:00 UTC)');
  });
});
