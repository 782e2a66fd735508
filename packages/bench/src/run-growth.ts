import { linkSync, mkdirSync, readdirSync, rmSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import knexFactory from 'knex';
import { migrateTo } from '@sparkify/schema';
import type { BenchSize } from './bench-size.js';
import { type CachedDataset, ensureDataset } from './ensure-dataset.js';
import type { ProgressLine } from './progress-line.js';
import { runLoadChild } from './run-load-child.js';
import { startBenchPostgres } from './start-bench-postgres.js';

/** One day of the growth run: its load and what the warehouse held after it. */
export interface GrowthDay {
  day: number;
  events: number;
  nextSongEvents: number;
  loadSeconds: number;
  wallSeconds: number;
  songplaysAdded: number;
  /** songplays in the warehouse after the load, and how many there should be (every day's plays so far). */
  songplaysTotal: number;
  songplaysExpected: number;
}

/** The growth run's result: each day, and day 10's load time against day 1's. */
export interface GrowthReport {
  days: GrowthDay[];
  lastToFirst: number;
  allPlaysPresent: boolean;
}

export const growthDays = 10;
export const growthEventsPerDay = 200_000;

/** Day `index` (0-based) as its own dataset: a distinct seed and date, as ten real days would differ. */
export function growthDaySize(): BenchSize {
  return { name: 'S', events: growthEventsPerDay, songs: 1_000, days: 1 };
}

function startDateOf(index: number): string {
  return new Date(Date.UTC(2018, 10, 1 + index)).toISOString().slice(0, 10);
}

/**
 * Hard-links one day's data files into the growing source folder (the ledger then skips the days already loaded).
 * Only song_data/ and log_data/: each day's dataset.json (what the generator made) has the same name every day.
 */
function addToSource(day: CachedDataset, source: string): void {
  for (const entry of readdirSync(day.folder, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile() || !entry.name.endsWith('.json')) continue;
    const from = join(entry.parentPath, entry.name);
    const path = relative(day.folder, from);
    if (!/^(song_data|log_data)\//.test(path)) continue;
    const to = join(source, path);
    mkdirSync(dirname(to), { recursive: true });
    linkSync(from, to);
  }
}

/**
 * Ten successive daily loads of ~200k events into one warehouse: the source grows by a day before each load, as
 * an S3 prefix does. Reports each day's load time and checks that every day's plays are all present.
 */
export async function runGrowth(
  cacheRoot: string,
  seed: number,
  progress: ProgressLine,
  say: (text: string) => void,
): Promise<GrowthReport> {
  const datasets: CachedDataset[] = [];
  for (let index = 0; index < growthDays; index += 1) {
    const folder = join(cacheRoot, `growth-${seed}`, `day-${index + 1}`);
    const size = growthDaySize();
    datasets.push(
      await ensureDataset(
        folder,
        size,
        seed + index,
        (event) =>
          progress.update(() => `generating day ${index + 1}: ${event.phase} ${event.done}/${event.total}`),
        startDateOf(index),
      ),
    );
  }
  progress.done(
    `growth datasets: ${growthDays} days of ${growthEventsPerDay.toLocaleString('en-US')} events`,
  );
  const source = join(cacheRoot, `growth-${seed}`, 'source');
  rmSync(source, { recursive: true, force: true });
  mkdirSync(source, { recursive: true });

  say('starting a fresh embedded PostgreSQL…');
  const server = await startBenchPostgres();
  // The load stages song and log data on a session each, and its lock heartbeat needs one more.
  const knex = knexFactory({ client: 'pg', connection: server.url, pool: { min: 0, max: 4 } });
  try {
    await migrateTo(knex, { dialect: 'postgres' });
    const days: GrowthDay[] = [];
    let expected = 0;
    for (const [index, dataset] of datasets.entries()) {
      addToSource(dataset, source);
      await knex.raw('CHECKPOINT');
      const load = await runLoadChild(server.url, source, `day ${index + 1}`);
      if (load.result.status !== 'succeeded') {
        throw new Error(
          `day ${index + 1} did not load (${load.result.status}): ${load.result.error?.message}`,
        );
      }
      expected += dataset.nextSongEvents;
      const counted = await knex.raw<{ rows: { count: string }[] }>(
        'SELECT COUNT(*) AS count FROM songplays',
      );
      days.push({
        day: index + 1,
        events: dataset.events,
        nextSongEvents: dataset.nextSongEvents,
        loadSeconds: load.loadSeconds,
        wallSeconds: load.wallSeconds,
        songplaysAdded: load.result.stages.transform.songplaysAdded,
        songplaysTotal: Number(counted.rows[0]!.count),
        songplaysExpected: expected,
      });
    }
    return {
      days,
      lastToFirst: days.at(-1)!.loadSeconds / days[0]!.loadSeconds,
      allPlaysPresent: days.every((day) => day.songplaysTotal === day.songplaysExpected),
    };
  } finally {
    await knex.destroy();
    await server.stop();
  }
}

/** The growth run for a terminal. */
export function formatGrowth(report: GrowthReport): string {
  const lines = ['day  events     plays      load s  wall s  songplays (expected)'];
  for (const day of report.days) {
    lines.push(
      `${String(day.day).padStart(3)}  ${day.events.toLocaleString('en-US').padStart(9)}  ` +
        `${day.nextSongEvents.toLocaleString('en-US').padStart(9)}  ${day.loadSeconds.toFixed(2).padStart(6)}  ` +
        `${day.wallSeconds.toFixed(2).padStart(6)}  ${day.songplaysTotal.toLocaleString('en-US')} ` +
        `(${day.songplaysExpected.toLocaleString('en-US')})${day.songplaysTotal === day.songplaysExpected ? '' : '  MISSING PLAYS'}`,
    );
  }
  lines.push('');
  lines.push(
    `day ${report.days.length} vs day 1: ${report.lastToFirst.toFixed(2)}× (target ≤ 1.2×: ${report.lastToFirst <= 1.2 ? 'PASS' : 'FAIL'}); ` +
      `every day's plays present: ${report.allPlaysPresent ? 'PASS' : 'FAIL'}`,
  );
  return lines.join('\n');
}
