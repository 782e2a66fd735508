import { mkdirSync, writeFileSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import {
  type AnalyticsResult,
  buildReport,
  type ChartSpec,
  formatAnswersJson,
  loadQuestions,
  type ReportData,
  runQuestions,
} from '../src/index.js';
import { loadedWarehouse, type LoadedWarehouse } from './loaded-warehouse.js';

/** Screenshots and the report land here for a person to look at (gitignored). */
const artifacts = fileURLToPath(new URL('../test-artifacts/', import.meta.url));
const hostileTitle = `</script><img src=x onerror="window.__pwned=1">'"&amp;`;
const hostileArtist = `<svg onload="window.__pwned=2">`;

let warehouse: LoadedWarehouse;
let browser: Browser;
let data: ReportData;
let json: AnalyticsResult;
let reportUrl: string;

/** Opens the report in a fresh page and records console errors, page errors and every request. */
async function openReport(colorScheme: 'light' | 'dark') {
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 }, colorScheme });
  const problems: string[] = [];
  const requests: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error' || message.type() === 'warning') problems.push(message.text());
  });
  page.on('pageerror', (error) => problems.push(error.message));
  page.on('request', (request) => requests.push(request.url()));
  await page.goto(reportUrl, { waitUntil: 'load' });
  await page.waitForFunction(
    (count) => document.querySelectorAll('.chart svg').length >= count,
    data.analytics.answers.length > 0 ? 8 : 0,
  );
  return { page, problems, requests };
}

beforeAll(async () => {
  warehouse = await loadedWarehouse(inject('pgUrl'), 'analytics_report', {
    events: 6000,
    songs: 200,
    days: 7,
    matchRate: 0.2,
    seed: 'report',
  });
  const knex = warehouse.db.knex;
  // A hostile song, played more than any other so that it heads the charts, the tables and the headline.
  const plays = Array.from({ length: 400 }, (_, index) => ({
    start_time: `2018-11-03 10:${String(index % 60).padStart(2, '0')}:00`,
    user_id: 1,
    level: 'paid',
    session_id: 9_000_000 + index,
    item_in_session: 0,
    location: hostileArtist,
    user_agent: 'test',
    played_title: hostileTitle,
    played_artist: hostileArtist,
    played_length: 200,
    object_id: 0,
  }));
  await knex.batchInsert('songplays', plays, 200);
  // Three stored check runs (fixtures): a check that passes, then warns, then fails.
  for (const [index, status] of ['pass', 'warn', 'fail'].entries()) {
    await knex('check_runs').insert({
      started_at: `2018-11-0${index + 1} 12:00:00`,
      status: status === 'fail' ? 'failed' : 'passed',
      checks_passed: status === 'pass' ? 2 : 1,
      checks_warned: status === 'warn' ? 1 : 0,
      checks_failed: status === 'fail' ? 1 : 0,
    });
    const [row] = await knex('check_runs').max<{ id: unknown }[]>({ id: 'check_run_id' });
    await knex('check_results').insert([
      {
        check_run_id: Number(row?.id),
        check_name: 'row_count_songplays',
        check_type: 'row_count',
        table_name: 'songplays',
        severity: 'error',
        status: 'pass',
        failing_rows: 0,
      },
      {
        check_run_id: Number(row?.id),
        check_name: `match_rate_${hostileTitle}`,
        check_type: 'match_rate',
        table_name: 'songplays',
        severity: 'warn',
        status,
        failing_rows: index * 7,
      },
    ]);
  }
  const questions = await loadQuestions();
  const report = await buildReport(knex, questions, {
    warehouse: 'test PostgreSQL',
    now: new Date('2026-01-02T03:04:05Z'),
  });
  data = report.data;
  // What `sparkify analytics --format json` prints for the same options, asked separately.
  json = JSON.parse(formatAnswersJson(await runQuestions(knex, questions))) as AnalyticsResult;
  mkdirSync(artifacts, { recursive: true });
  const file = `${artifacts}report.html`;
  writeFileSync(file, report.html);
  reportUrl = pathToFileURL(file).href;
  browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  });
}, 180_000);
afterAll(async () => {
  await browser?.close();
  await warehouse?.close();
});

describe('the report in headless Chromium', () => {
  let page: Page;
  let problems: string[];
  let requests: string[];
  beforeAll(async () => {
    ({ page, problems, requests } = await openReport('light'));
  });
  afterAll(() => page?.close());

  it('opens from file:// with no console errors and no network request but itself', () => {
    expect(problems).toEqual([]);
    expect(requests).toEqual([reportUrl]);
  });

  it('renders every chart, non-empty, with the data of its spec', async () => {
    const specs =
      data.analytics.answers.length > 0
        ? (JSON.parse((await page.locator('#report-data').textContent()) ?? '{}') as { charts: ChartSpec[] })
            .charts
        : [];
    expect(specs.map((spec) => spec.id)).toEqual([
      'plays-by-hour',
      'plays-by-day',
      'paid-vs-free-by-day',
      'most-played-songs',
      'most-played-artists',
      'plays-by-weekday',
      'load-history',
      'check-history',
    ]);
    for (const spec of specs) {
      const drawn = await page.evaluate((id) => {
        const element = document.getElementById(`chart-${id}`) as HTMLElement;
        const svg = element.querySelector('svg');
        const box = svg?.getBoundingClientRect();
        const echarts = (
          window as unknown as {
            echarts: {
              getInstanceByDom(
                el: HTMLElement,
              ): { getOption(): { series: { data: unknown[] }[] } } | undefined;
            };
          }
        ).echarts;
        const option = echarts.getInstanceByDom(element)?.getOption();
        return {
          width: box?.width ?? 0,
          height: box?.height ?? 0,
          shapes: svg?.querySelectorAll('path, rect').length ?? 0,
          series: option?.series.map((series) => series.data) ?? [],
        };
      }, spec.id);
      expect(drawn.width, spec.id).toBeGreaterThan(300);
      expect(drawn.height, spec.id).toBeGreaterThan(150);
      expect(drawn.shapes, spec.id).toBeGreaterThan(10);
      expect(drawn.series.length, spec.id).toBeGreaterThan(0);
      expect(
        drawn.series.every((series) => series.length > 0),
        spec.id,
      ).toBe(true);
      if (spec.kind === 'heatmap') expect(drawn.series[0]).toEqual(spec.cells);
      else if (spec.kind === 'hbar')
        expect(drawn.series).toEqual(spec.series.map((series) => [...series.data].reverse()));
      else expect(drawn.series).toEqual(spec.series.map((series) => series.data));
    }
  });

  it('shows the numbers of `sparkify analytics --format json`', async () => {
    const answer = (name: string) => json.answers.find((candidate) => candidate.name === name);
    // The table behind the hour chart: every hour with the JSON's plays (0 where the JSON has no row).
    const hourCells = await page
      .locator('#table-plays-by-hour tbody tr')
      .evaluateAll((rows) =>
        rows.map((row) => [...row.querySelectorAll('td')].map((cell) => cell.textContent)),
      );
    const byHour = new Map(
      answer('plays-by-hour')?.rows.map((row) => [String(row['hour']), String(row['plays'])]),
    );
    expect(hourCells).toEqual(
      Array.from({ length: 24 }, (_, hour) => [String(hour), byHour.get(String(hour)) ?? '0']),
    );
    // Every answer table holds exactly the JSON's rows.
    for (const name of [
      'paid-vs-free',
      'sessions',
      'most-active-users',
      'top-locations',
      'freshness',
      'match-rate',
    ]) {
      const values = await page
        .locator(`#answer-${name} tbody tr`)
        .evaluateAll((rows) =>
          rows.map((row) =>
            [...row.querySelectorAll('td')].map(
              (cell) => cell.getAttribute('data-value') ?? cell.textContent,
            ),
          ),
        );
      const expected = answer(name)?.rows.map((row) =>
        Object.values(row).map((value) => (value === null ? '' : String(value))),
      );
      expect(values, name).toEqual(expected);
    }
    const peak = answer('peak-hour')?.rows[0];
    await expect(page.locator('#stat-peak-hour .stat-value').textContent()).resolves.toBe(
      `${String(peak?.['hour'])}:00`,
    );
    const rate = answer('match-rate')?.rows[0];
    await expect(page.locator('#stat-match-rate .stat-detail').textContent()).resolves.toBe(
      `${String(rate?.['matched_plays'])} of ${String(rate?.['plays'])} plays matched a catalogue song`,
    );
  });

  it('keeps a hostile song title as text everywhere', async () => {
    expect(data.analytics.answers[0]?.rows[0]?.['title']).toBe(hostileTitle);
    await expect(page.locator('#stat-top-song .stat-value').textContent()).resolves.toBe(hostileTitle);
    await expect(
      page.locator('#table-most-played-songs tbody tr').first().locator('td').first().textContent(),
    ).resolves.toBe(`${hostileTitle} — ${hostileArtist}`);
    const injected = await page.evaluate(() => ({
      pwned: (window as unknown as { __pwned?: number }).__pwned ?? null,
      images: document.querySelectorAll('img').length,
      svgWithOnload: document.querySelectorAll('svg[onload]').length,
      scripts: document.querySelectorAll('script').length,
    }));
    expect(injected).toEqual({ pwned: null, images: 0, svgWithOnload: 0, scripts: 3 });
  });

  it('labels the as-played and the catalogue answers, with the match rate beside them', async () => {
    const caption = await page.locator('#figure-most-played-songs .caption').textContent();
    expect(caption).toMatch(
      /By the title and artist the app logged\. Catalogue match rate: [\d,]+ of [\d,]+ plays/,
    );
    await expect(page.locator('#figure-most-played-songs .catalogue strong').textContent()).resolves.toBe(
      'Matched to the catalogue',
    );
  });

  it('is usable at a laptop width and accessible: titled charts, each with its table; light background', async () => {
    const layout = await page.evaluate(() => ({
      overflow: document.documentElement.scrollWidth - document.documentElement.clientWidth,
      charts: [...document.querySelectorAll('.chart')].map((chart) => ({
        label: document.getElementById(chart.getAttribute('aria-labelledby') ?? '')?.textContent ?? '',
        table:
          document
            .getElementById(chart.getAttribute('aria-describedby') ?? '')
            ?.querySelectorAll('table tbody tr').length ?? 0,
        role: chart.getAttribute('role'),
      })),
      background: getComputedStyle(document.body).backgroundColor,
    }));
    expect(layout.overflow).toBeLessThanOrEqual(0);
    for (const chart of layout.charts) {
      expect(chart.label).not.toBe('');
      expect(chart.table).toBeGreaterThan(0);
      expect(chart.role).toBe('img');
    }
    expect(layout.background).toBe('rgb(246, 247, 249)');
    await page.screenshot({ path: `${artifacts}report-light.png`, fullPage: true });
  });
});

describe('the report in dark mode', () => {
  it('switches colours from prefers-color-scheme and still draws every chart without errors', async () => {
    const { page, problems } = await openReport('dark');
    try {
      expect(problems).toEqual([]);
      const background = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
      expect(background).toBe('rgb(13, 17, 23)');
      await page.screenshot({ path: `${artifacts}report-dark.png`, fullPage: true });
    } finally {
      await page.close();
    }
  });
});
