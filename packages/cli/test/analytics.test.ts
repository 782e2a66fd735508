import { readFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';
import type { GenerateSummary } from '@sparkify/generator';
import type { TestDatabase } from '@sparkify/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { removeTempFolders, runSparkify } from './run-sparkify.js';
import { later, loadSampleLikeWarehouse } from './sample-like-warehouse.js';

afterAll(removeTempFolders);

interface AnswersJson {
  answers: {
    name: string;
    rows: Record<string, unknown>[];
    matchRate?: { plays: number; matchedPlays: number; rate: number };
    catalogue?: { rows: Record<string, unknown>[]; sameAsPlayed: boolean };
  }[];
}

let db: TestDatabase;
let env: Record<string, string>;
let work: string;
let truth: GenerateSummary;

beforeAll(async () => {
  ({ db, env, work, truth } = await loadSampleLikeWarehouse());
}, 180_000);
afterAll(() => db?.drop());

describe('sparkify analytics', () => {
  it('--format json names the peak hour and the most played song as users played it, with the match rate', async () => {
    const run = await runSparkify(['analytics', 'peak-hour', 'most-played-songs', '--format', 'json'], {
      env,
    });
    expect(run.code, run.stderr).toBe(0);
    const [peak, songs] = (JSON.parse(run.stdout) as AnswersJson).answers;
    // The truth of both loads: the first delivery's plays plus the second's.
    const hours = truth.listening.playsByHour.map((plays, hour) => plays + (hour === 5 ? later.plays : 0));
    const peakPlays = Math.max(...hours);
    expect(peak?.rows[0]).toMatchObject({ hour: hours.indexOf(peakPlays), plays: peakPlays });
    const top = truth.listening.songsAsPlayed[0];
    expect(top?.plays).toBeGreaterThan(truth.listening.songsAsPlayed[1]?.plays ?? 0);
    expect(songs?.rows[0]).toMatchObject({ title: top?.title, artist: top?.artist });
    const plays = truth.nextSongEvents + later.plays;
    expect(songs?.matchRate).toEqual({
      plays,
      matchedPlays: truth.matchedPlays,
      rate: truth.matchedPlays / plays,
    });
    expect(songs?.catalogue?.sameAsPlayed).toBe(false);
  });

  it('prints tables that label the as-played and catalogue answers and show the match rate', async () => {
    const run = await runSparkify(['analytics', 'most-played-artists', '--limit', '3'], { env });
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain('Most played artists, as played  [most-played-artists]');
    expect(run.stdout).toMatch(
      /catalogue match rate: \d+ of [\d,]+ plays \(\d+\.\d\d %\) matched a catalogue song/,
    );
    expect(run.stdout).toContain(
      'Most played artists, matched to the catalogue  [most-played-artists-in-catalogue]',
    );
    expect(run.stdout).toContain(truth.listening.artistsAsPlayed[0]?.artist);
  });

  it('--format csv --output writes RFC 4180 CSV', async () => {
    const file = join(work, 'hours.csv');
    const run = await runSparkify(['analytics', 'plays-by-hour', '--format', 'csv', '--output', file], {
      env,
    });
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toBe(`1 answers written to ${file}\n`);
    const lines = readFileSync(file, 'utf8').trimEnd().split('\r\n');
    expect(lines[0]).toBe('hour,plays');
    expect(lines).toHaveLength(25);
  });

  it('--list and --dry-run need no database', async () => {
    const noDb = { SPARKIFY_HOME: join(work, 'no-home') };
    const list = await runSparkify(['analytics', '--list'], { env: noDb });
    expect(list.code).toBe(0);
    expect(list.stdout.split('\n')[0]).toMatch(/^most-played-songs +the songs users played most/);
    expect(list.stdout).toContain('peak-hour');
    const dry = await runSparkify(['analytics', '--dry-run', 'sessions', '--since', '2018-11-02'], {
      env: noDb,
    });
    expect(dry.code, dry.stderr).toBe(0);
    expect(dry.stdout).toContain("-- bound parameters: :since = '2018-11-02 00:00:00'");
    expect(dry.stdout).toContain('FROM songplays');
  });

  it('runs a question from --questions like a built-in one', async () => {
    const folder = join(work, 'own');
    mkdirSync(folder, { recursive: true });
    writeFileSync(
      join(folder, 'distinct-songs.sql'),
      '-- answers: how many different songs were played\nSELECT COUNT(DISTINCT played_title) AS songs FROM songplays WHERE start_time < CAST(:until AS TIMESTAMP)\n',
    );
    const list = await runSparkify(['analytics', '--list', '--questions', folder], { env });
    expect(list.stdout).toMatch(
      /distinct-songs +how many different songs were played +\(.*distinct-songs\.sql\)/,
    );
    const run = await runSparkify(
      ['analytics', 'distinct-songs', '--questions', folder, '--format', 'json'],
      { env },
    );
    expect(run.code, run.stderr).toBe(0);
    const titles = new Set([...truth.listening.songsAsPlayed.map((song) => song.title), later.title]);
    expect((JSON.parse(run.stdout) as AnswersJson).answers[0]?.rows).toEqual([{ songs: titles.size }]);
  });

  it('exits 2 with a clear message for a bad date or an unknown question', async () => {
    const date = await runSparkify(['analytics', '--since', '2018-13-01'], { env });
    expect(date.code).toBe(2);
    expect(date.stderr).toContain('--since: expected a date like 2018-11-01, got "2018-13-01"');
    const unknown = await runSparkify(['analytics', 'most-plaid-songs'], { env });
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('no question named "most-plaid-songs"; known: most-played-songs');
  });
});

describe('sparkify report', () => {
  it('writes a page that headless Chromium opens with no errors, at least five charts, and the JSON numbers', async () => {
    const file = join(work, 'r.html');
    const json = await runSparkify(['analytics', '--format', 'json'], { env });
    const run = await runSparkify(['report', '--out', file], { env });
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toBe(`report written to ${file} (8 charts)\n`);
    const browser = await chromium.launch({
      executablePath: '/usr/bin/chromium',
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
    });
    try {
      const page = await browser.newPage({ viewport: { width: 1366, height: 768 } });
      const problems: string[] = [];
      const requests: string[] = [];
      page.on('console', (message) => {
        if (message.type() === 'error') problems.push(message.text());
      });
      page.on('pageerror', (error) => problems.push(error.message));
      page.on('request', (request) => requests.push(request.url()));
      const url = pathToFileURL(file).href;
      await page.goto(url);
      await page.waitForFunction(() => document.querySelectorAll('.chart svg').length >= 5);
      const rendered = await page.evaluate(
        () =>
          [...document.querySelectorAll('.chart')].filter((chart) => {
            const box = chart.querySelector('svg')?.getBoundingClientRect();
            return (
              box !== undefined &&
              box.width > 0 &&
              box.height > 0 &&
              chart.querySelectorAll('path').length > 0
            );
          }).length,
      );
      expect(rendered).toBeGreaterThanOrEqual(5);
      expect(problems).toEqual([]);
      expect(requests).toEqual([url]);
      const embedded = JSON.parse((await page.locator('#report-data').textContent()) ?? '{}') as {
        analytics: AnswersJson;
      };
      expect(embedded.analytics.answers).toEqual((JSON.parse(json.stdout) as AnswersJson).answers);
    } finally {
      await browser.close();
    }
  });
});
