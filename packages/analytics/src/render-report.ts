import { describeMatchRate } from './format-answers.js';
import type { ReportData } from './build-report.js';
import type { Answer, Row, Value } from './run-questions.js';

/** A chart of the report, as data: the page draws it with ECharts and shows the same numbers as a table. */
export interface ChartSpec {
  id: string;
  title: string;
  /** One sentence under the title: what to read from it. */
  caption: string;
  kind: 'bar' | 'line' | 'hbar' | 'stacked' | 'combo' | 'heatmap';
  /** The x categories (the y categories of an `hbar`). */
  categories: string[];
  series: { name: string; data: number[]; axis?: 'left' | 'right'; type?: 'bar' | 'line' }[];
  /** Heatmap only: the y categories, and cells as [x, y, code] with `legend[code]` naming the code. */
  rows?: string[];
  cells?: [number, number, number][];
  legend?: string[];
}

/** Escapes text for HTML element content and attribute values. */
export function escapeHtml(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

/**
 * JSON that is safe inside a `<script type="application/json">`: no `<`, `>` or `&` (so no `</script>` or
 * `<!--`), and no U+2028/U+2029 line separators; JSON.parse reads it back unchanged.
 */
export function scriptJson(value: unknown): string {
  return JSON.stringify(value)
    .replace(/</g, '\\u003c')
    .replace(/>/g, '\\u003e')
    .replace(/&/g, '\\u0026')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
}

const findAnswer = (data: ReportData, name: string): Answer | undefined =>
  data.analytics.answers.find((answer) => answer.name === name);

const numberOf = (value: Value | undefined) => (typeof value === 'number' ? value : Number(value ?? 0));
const textOf = (value: Value | undefined) => (value === null || value === undefined ? '' : String(value));

function songLabel(row: Row): string {
  return row['title'] === undefined
    ? textOf(row['artist'])
    : `${textOf(row['title'])} — ${textOf(row['artist'])}`;
}

const checkStatuses = ['pass', 'warn', 'fail', 'error'];

/** The charts of the report, from the same answers `sparkify analytics --format json` prints. */
export function planCharts(data: ReportData): ChartSpec[] {
  const charts: ChartSpec[] = [];
  const byHour = findAnswer(data, 'plays-by-hour');
  if (byHour) {
    const plays = new Map(byHour.rows.map((row) => [numberOf(row['hour']), numberOf(row['plays'])]));
    charts.push({
      id: 'plays-by-hour',
      title: 'Plays per hour of day (UTC)',
      caption: 'When people listen: the tallest bar is the peak usage hour.',
      kind: 'bar',
      categories: Array.from({ length: 24 }, (_, hour) => String(hour)),
      series: [{ name: 'plays', data: Array.from({ length: 24 }, (_, hour) => plays.get(hour) ?? 0) }],
    });
  }
  const byDay = findAnswer(data, 'plays-by-day');
  const active = findAnswer(data, 'daily-active-users');
  if (byDay) {
    const users = new Map(
      (active?.rows ?? []).map((row) => [textOf(row['day']), numberOf(row['active_users'])]),
    );
    charts.push({
      id: 'plays-by-day',
      title: 'Plays and active users per day (UTC)',
      caption: 'Songs played each day (left axis) and distinct users who played one (right axis).',
      kind: 'combo',
      categories: byDay.rows.map((row) => textOf(row['day'])),
      series: [
        { name: 'plays', data: byDay.rows.map((row) => numberOf(row['plays'])), axis: 'left', type: 'line' },
        ...(active
          ? [
              {
                name: 'active users',
                data: byDay.rows.map((row) => users.get(textOf(row['day'])) ?? 0),
                axis: 'right' as const,
                type: 'line' as const,
              },
            ]
          : []),
      ],
    });
  }
  const levels = findAnswer(data, 'paid-vs-free-by-day');
  if (levels) {
    charts.push({
      id: 'paid-vs-free-by-day',
      title: 'Paid vs free plays per day',
      caption: 'Plays by the listener’s level at the time of the play.',
      kind: 'stacked',
      categories: levels.rows.map((row) => textOf(row['day'])),
      series: [
        { name: 'paid', data: levels.rows.map((row) => numberOf(row['paid_plays'])) },
        { name: 'free', data: levels.rows.map((row) => numberOf(row['free_plays'])) },
      ],
    });
  }
  for (const [name, title] of [
    ['most-played-songs', 'Most played songs, as played'],
    ['most-played-artists', 'Most played artists, as played'],
  ] as const) {
    const answer = findAnswer(data, name);
    if (!answer) continue;
    charts.push({
      id: name,
      title,
      caption: `By the title and artist the app logged. ${answer.matchRate ? `Catalogue match rate: ${describeMatchRate(answer.matchRate)}.` : ''}`,
      kind: 'hbar',
      categories: answer.rows.map(songLabel),
      series: [
        { name: 'plays', data: answer.rows.map((row) => numberOf(row['plays'])) },
        { name: 'matched to the catalogue', data: answer.rows.map((row) => numberOf(row['matched_plays'])) },
      ],
    });
  }
  const weekday = findAnswer(data, 'plays-by-weekday');
  if (weekday) {
    charts.push({
      id: 'plays-by-weekday',
      title: 'Plays per weekday (UTC)',
      caption: 'Which days of the week people listen most.',
      kind: 'bar',
      categories: weekday.rows.map((row) => textOf(row['weekday_name'])),
      series: [{ name: 'plays', data: weekday.rows.map((row) => numberOf(row['plays'])) }],
    });
  }
  if (data.runs.length > 0) {
    const runs = [...data.runs].reverse();
    charts.push({
      id: 'load-history',
      title: 'Load history',
      caption: 'Records read and rejected per load (left axis) and how long each took (right axis).',
      kind: 'combo',
      categories: runs.map((run) => `#${run.runId} ${run.status}`),
      series: [
        { name: 'records', data: runs.map((run) => run.records ?? 0), axis: 'left', type: 'bar' },
        { name: 'rejects', data: runs.map((run) => run.rejects ?? 0), axis: 'left', type: 'bar' },
        { name: 'seconds', data: runs.map((run) => run.seconds ?? 0), axis: 'right', type: 'line' },
      ],
    });
  }
  if (data.checks.runs.length > 0) {
    const names = [...new Set(data.checks.results.map((result) => result.name))].sort();
    const columnOf = new Map(data.checks.runs.map((run, index) => [run.checkRunId, index]));
    const rowOf = new Map(names.map((checkName, index) => [checkName, index]));
    charts.push({
      id: 'check-history',
      title: 'Check history',
      caption: 'Each check’s outcome in each of the last check runs (oldest on the left).',
      kind: 'heatmap',
      categories: data.checks.runs.map((run) => `#${run.checkRunId}`),
      rows: names,
      legend: checkStatuses,
      series: [],
      cells: data.checks.results.map((result) => [
        columnOf.get(result.checkRunId) ?? 0,
        rowOf.get(result.name) ?? 0,
        Math.max(0, checkStatuses.indexOf(result.status)),
      ]),
    });
  }
  return charts;
}

function formatCell(column: string, value: Value | undefined): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'number') {
    if (/(^|_)(share|rate)(_|$)/.test(column)) return `${(value * 100).toFixed(2)} %`;
    return Number.isInteger(value) ? String(value) : value.toFixed(2);
  }
  return String(value);
}

function htmlTable(caption: string, columns: string[], rows: Row[], className = 'data'): string {
  const head = columns.map((column) => `<th scope="col">${escapeHtml(column)}</th>`).join('');
  const body = rows
    .map(
      (row) =>
        `<tr>${columns
          .map((column) => {
            const value = row[column];
            const numeric = typeof value === 'number';
            return `<td${numeric ? ` class="num" data-value="${escapeHtml(String(value))}"` : ''}>${escapeHtml(formatCell(column, value))}</td>`;
          })
          .join('')}</tr>`,
    )
    .join('');
  return `<table class="${className}"><caption>${escapeHtml(caption)}</caption><thead><tr>${head}</tr></thead><tbody>${body}</tbody></table>`;
}

function chartTable(chart: ChartSpec): string {
  if (chart.kind === 'heatmap') {
    const status = new Map((chart.cells ?? []).map(([x, y, code]) => [`${x}:${y}`, code]));
    const columns = ['check', ...chart.categories];
    const rows = (chart.rows ?? []).map((name, y) => {
      const row: Row = { check: name };
      chart.categories.forEach((run, x) => {
        const code = status.get(`${x}:${y}`);
        row[run] = code === undefined ? '' : (chart.legend?.[code] ?? '');
      });
      return row;
    });
    return htmlTable(`${chart.title}: the numbers behind the chart`, columns, rows, 'data chart-table');
  }
  const label = chart.kind === 'hbar' ? 'name' : chart.id.startsWith('plays-by-hour') ? 'hour' : 'category';
  const columns = [label, ...chart.series.map((series) => series.name)];
  const rows = chart.categories.map((category, index) => {
    const row: Row = { [label]: category };
    for (const series of chart.series) row[series.name] = series.data[index] ?? 0;
    return row;
  });
  return htmlTable(`${chart.title}: the numbers behind the chart`, columns, rows, 'data chart-table');
}

function chartFigure(chart: ChartSpec, extra = ''): string {
  const height =
    chart.kind === 'heatmap'
      ? Math.max(240, (chart.rows?.length ?? 0) * 16 + 90)
      : chart.kind === 'hbar'
        ? Math.max(240, chart.categories.length * 30 + 80)
        : 300;
  return `<figure class="card chart-card" id="figure-${escapeHtml(chart.id)}">
<h3 id="title-${escapeHtml(chart.id)}">${escapeHtml(chart.title)}</h3>
<p class="caption">${escapeHtml(chart.caption)}</p>
<div class="chart" id="chart-${escapeHtml(chart.id)}" data-chart="${escapeHtml(chart.id)}" role="img" aria-labelledby="title-${escapeHtml(chart.id)}" aria-describedby="table-${escapeHtml(chart.id)}" style="height:${height}px"></div>
<div class="table-wrap chart-data" id="table-${escapeHtml(chart.id)}">${chartTable(chart)}</div>
${extra}
</figure>`;
}

function headline(label: string, value: string, detail: string, id: string): string {
  return `<div class="card stat" id="stat-${id}"><div class="stat-label">${escapeHtml(label)}</div><div class="stat-value">${escapeHtml(value)}</div><div class="stat-detail">${escapeHtml(detail)}</div></div>`;
}

function headlines(data: ReportData): string {
  const cards: string[] = [];
  const rate = findAnswer(data, 'match-rate')?.rows[0];
  if (rate)
    cards.push(headline('Plays', formatCell('plays', rate['plays']), 'songplays in the period', 'plays'));
  const peak = findAnswer(data, 'peak-hour')?.rows[0];
  if (peak) {
    cards.push(
      headline(
        'Peak hour (UTC)',
        `${textOf(peak['hour'])}:00`,
        `${formatCell('plays', peak['plays'])} plays, ${formatCell('share_of_plays', peak['share_of_plays'])} of all`,
        'peak-hour',
      ),
    );
  }
  const song = findAnswer(data, 'most-played-songs')?.rows[0];
  if (song) {
    cards.push(
      headline(
        'Most played song, as played',
        textOf(song['title']),
        `${textOf(song['artist'])}: ${formatCell('plays', song['plays'])} plays`,
        'top-song',
      ),
    );
  }
  if (rate) {
    cards.push(
      headline(
        'Catalogue match rate',
        formatCell('match_rate', rate['match_rate']),
        `${formatCell('matched_plays', rate['matched_plays'])} of ${formatCell('plays', rate['plays'])} plays matched a catalogue song`,
        'match-rate',
      ),
    );
  }
  const sessions = findAnswer(data, 'sessions')?.rows[0];
  if (sessions) {
    cards.push(
      headline(
        'Sessions',
        formatCell('sessions', sessions['sessions']),
        `${formatCell('average_plays', sessions['average_plays'])} plays and ${formatCell('average_minutes', sessions['average_minutes'])} minutes on average`,
        'sessions',
      ),
    );
  }
  const fresh = findAnswer(data, 'freshness')?.rows[0];
  if (fresh) {
    cards.push(
      headline(
        'Freshness',
        textOf(fresh['newest_play']) || 'no plays',
        `newest play (UTC); last successful load finished ${textOf(fresh['last_load_finished']) || 'never'}`,
        'freshness',
      ),
    );
  }
  return `<section class="stats" aria-label="Headlines">${cards.join('')}</section>`;
}

function answerSection(answer: Answer | undefined): string {
  if (!answer) return '';
  return `<section class="card" id="answer-${escapeHtml(answer.name)}"><h3>${escapeHtml(answer.title)}</h3><p class="caption">${escapeHtml(answer.answers)}</p><div class="table-wrap">${htmlTable(answer.title, answer.columns, answer.rows)}</div></section>`;
}

function catalogueNote(answer: Answer | undefined): string {
  if (!answer?.catalogue) return '';
  const catalogue = answer.catalogue;
  if (catalogue.sameAsPlayed)
    return `<p class="note">Matched to the catalogue, the answer is the same (${escapeHtml(catalogue.name)}).</p>`;
  return `<div class="note catalogue"><p><strong>Matched to the catalogue</strong> (${escapeHtml(catalogue.name)}): counts only plays whose title, artist and duration match a catalogue song, so it differs from the answer as played.</p><div class="table-wrap">${htmlTable(catalogue.title, catalogue.columns, catalogue.rows)}</div></div>`;
}

function latestChecks(data: ReportData): string {
  const latest = data.checks.runs.at(-1);
  if (!latest)
    return '<section class="card" id="latest-checks"><h3>Latest check results</h3><p>No check has run yet: <code>sparkify check</code>.</p></section>';
  const rows = data.checks.results
    .filter((result) => result.checkRunId === latest.checkRunId)
    .sort(
      (a, b) =>
        checkStatuses.indexOf(b.status) - checkStatuses.indexOf(a.status) || (a.name < b.name ? -1 : 1),
    )
    .map((result) => ({
      check: result.name,
      table: result.table,
      severity: result.severity,
      status: result.status,
      failing_rows: result.failingRows,
    }));
  return `<section class="card" id="latest-checks"><h3>Latest check results</h3><p class="caption">Check run #${latest.checkRunId} at ${escapeHtml(latest.startedAt)} UTC: ${escapeHtml(latest.status)}, ${latest.passed} passed, ${latest.warned} warned, ${latest.failed} failed.</p><div class="table-wrap">${htmlTable('Latest check results', ['check', 'table', 'severity', 'status', 'failing_rows'], rows)}</div></section>`;
}

const styles = `
:root { color-scheme: light dark; --bg: #f6f7f9; --card: #ffffff; --text: #1b1f24; --muted: #57606a; --border: #d0d7de; --accent: #0969da; }
@media (prefers-color-scheme: dark) { :root { --bg: #0d1117; --card: #161b22; --text: #e6edf3; --muted: #9da7b3; --border: #30363d; --accent: #4493f8; } }
* { box-sizing: border-box; }
body { margin: 0; font: 15px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; background: var(--bg); color: var(--text); }
header, main, footer { max-width: 1280px; margin: 0 auto; padding: 16px 24px; }
h1 { margin: 8px 0 4px; font-size: 1.6rem; } h2 { margin: 28px 0 12px; font-size: 1.25rem; } h3 { margin: 0 0 4px; font-size: 1.05rem; }
.meta, .caption, .stat-detail, footer { color: var(--muted); } .caption { margin: 0 0 8px; }
.card { background: var(--card); border: 1px solid var(--border); border-radius: 8px; padding: 14px 16px; margin: 0; min-width: 0; }
.stats { display: grid; grid-template-columns: repeat(auto-fit, minmax(180px, 1fr)); gap: 12px; }
.stat-label { font-size: .85rem; color: var(--muted); } .stat-value { font-size: 1.35rem; font-weight: 600; overflow-wrap: anywhere; }
#stat-top-song .stat-value { font-size: 1.1rem; }
.grid { display: grid; grid-template-columns: repeat(auto-fit, minmax(520px, 1fr)); gap: 16px; }
@media (max-width: 1100px) { .grid { grid-template-columns: 1fr; } }
.chart { width: 100%; }
.table-wrap { overflow-x: auto; }
table.data { border-collapse: collapse; width: 100%; font-size: .9rem; }
table.data caption { text-align: left; font-weight: 600; padding: 4px 0; }
table.data th, table.data td { border-bottom: 1px solid var(--border); padding: 3px 8px; text-align: left; overflow-wrap: break-word; }
table.data td.num { text-align: right; font-variant-numeric: tabular-nums; }
/* The table behind each chart: read by screen readers, shown to everyone with the checkbox at the top. */
.chart-data { position: absolute; width: 1px; height: 1px; overflow: hidden; clip-path: inset(50%); white-space: nowrap; }
body:has(#show-tables:checked) .chart-data { position: static; width: auto; height: auto; overflow-x: auto; clip-path: none; white-space: normal; margin-top: 8px; }
.chart-card { position: relative; }
.note { margin-top: 10px; color: var(--muted); } .note strong { color: var(--text); }
.toggle { margin: 12px 0 0; } a { color: var(--accent); } code { font-size: .9em; }
`;

/** Draws every chart from the embedded data; re-draws on a change of colour scheme and on resize. */
const clientScript = `
(function () {
  var data = JSON.parse(document.getElementById('report-data').textContent);
  var dark = window.matchMedia && window.matchMedia('(prefers-color-scheme: dark)');
  var charts = [];
  function axisFor(spec) { return { type: 'category', data: spec.categories, axisLabel: { hideOverlap: true } }; }
  function optionFor(spec) {
    var base = { backgroundColor: 'transparent', aria: { enabled: true }, animation: false,
      title: { show: false, text: spec.title }, tooltip: { trigger: 'axis', renderMode: 'richText' },
      grid: { left: 8, right: 16, top: 36, bottom: 8, containLabel: true } };
    if (spec.kind === 'heatmap') {
      base.tooltip = { renderMode: 'richText', formatter: function (p) { return spec.rows[p.value[1]] + ' ' + spec.categories[p.value[0]] + ': ' + spec.legend[p.value[2]]; } };
      base.xAxis = { type: 'category', data: spec.categories, splitArea: { show: true } };
      base.yAxis = { type: 'category', data: spec.rows, axisLabel: { fontSize: 10 } };
      base.grid.top = 40;
      base.visualMap = { type: 'piecewise', orient: 'horizontal', top: 0, left: 'center', dimension: 2,
        pieces: spec.legend.map(function (label, code) { return { value: code, label: label }; }),
        inRange: { color: ['#2da44e', '#d4a72c', '#cf222e', '#8250df'] } };
      base.series = [{ name: spec.title, type: 'heatmap', data: spec.cells, itemStyle: { borderColor: 'rgba(128,128,128,.35)', borderWidth: 1 } }];
      return base;
    }
    base.legend = { top: 0, data: spec.series.map(function (s) { return s.name; }) };
    if (spec.kind === 'hbar') {
      base.yAxis = { type: 'category', data: spec.categories.slice().reverse(), axisLabel: { width: 260, overflow: 'truncate' } };
      base.xAxis = { type: 'value' };
      base.series = spec.series.map(function (s) { return { name: s.name, type: 'bar', data: s.data.slice().reverse() }; });
      return base;
    }
    base.xAxis = axisFor(spec);
    if (spec.kind === 'combo') {
      base.yAxis = [{ type: 'value' }, { type: 'value', splitLine: { show: false } }];
      base.series = spec.series.map(function (s) { return { name: s.name, type: s.type || 'line', yAxisIndex: s.axis === 'right' ? 1 : 0, data: s.data, showSymbol: spec.categories.length < 40 }; });
      return base;
    }
    base.yAxis = { type: 'value' };
    base.series = spec.series.map(function (s) {
      return { name: s.name, type: spec.kind === 'line' ? 'line' : 'bar', stack: spec.kind === 'stacked' ? 'plays' : undefined, data: s.data };
    });
    return base;
  }
  function draw() {
    charts.forEach(function (chart) { chart.dispose(); });
    charts = data.charts.map(function (spec) {
      var element = document.getElementById('chart-' + spec.id);
      var chart = echarts.init(element, dark && dark.matches ? 'dark' : null, { renderer: 'svg' });
      chart.setOption(optionFor(spec));
      return chart;
    });
  }
  draw();
  if (dark && dark.addEventListener) dark.addEventListener('change', draw);
  window.addEventListener('resize', function () { charts.forEach(function (chart) { chart.resize(); }); });
})();
`;

/**
 * The report as one self-contained HTML document: the answers, charts (ECharts, inlined), the load and check
 * history and the warehouse's freshness. Every piece of data is escaped for where it goes (HTML text, attribute,
 * or JSON inside a script), so a song titled `</script><img onerror=…>` stays text.
 */
export function renderReport(data: ReportData, echartsSource: string): string {
  const charts = planCharts(data);
  const chart = (id: string, extra = '') => {
    const spec = charts.find((candidate) => candidate.id === id);
    return spec ? chartFigure(spec, extra) : '';
  };
  const period =
    data.analytics.parameters.since || data.analytics.parameters.until
      ? `plays from ${data.analytics.parameters.since ?? 'the first'} to ${data.analytics.parameters.until ?? 'the last'}`
      : 'every play';
  const embedded = {
    generatedAt: data.generatedAt,
    analytics: data.analytics,
    runs: data.runs,
    checks: data.checks,
    charts,
  };
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="color-scheme" content="light dark">
<title>Sparkify listening report</title>
<style>${styles}</style>
</head>
<body>
<header>
<h1>Sparkify listening report</h1>
<p class="meta">Generated ${escapeHtml(data.generatedAt)} UTC from ${escapeHtml(data.warehouse)}; ${escapeHtml(period)}. The numbers are the answers of <code>sparkify analytics --format json</code>.</p>
<p class="toggle"><label><input type="checkbox" id="show-tables"> Show the table behind each chart</label></p>
</header>
<main>
${headlines(data)}
<h2>Listening</h2>
<div class="grid">
${chart('plays-by-hour')}
${chart('plays-by-weekday')}
${chart('plays-by-day')}
${chart('paid-vs-free-by-day')}
${chart('most-played-songs', catalogueNote(findAnswer(data, 'most-played-songs')))}
${chart('most-played-artists', catalogueNote(findAnswer(data, 'most-played-artists')))}
</div>
<h2>Listeners</h2>
<div class="grid">
${answerSection(findAnswer(data, 'paid-vs-free'))}
${answerSection(findAnswer(data, 'sessions'))}
${answerSection(findAnswer(data, 'most-active-users'))}
${answerSection(findAnswer(data, 'top-locations'))}
</div>
<h2>The warehouse</h2>
<div class="grid">
${answerSection(findAnswer(data, 'freshness'))}
${answerSection(findAnswer(data, 'match-rate'))}
${chart('load-history')}
${latestChecks(data)}
</div>
<div class="grid">
${chart('check-history')}
</div>
</main>
<footer>Charts drawn with Apache ECharts, inlined: this file needs no network.</footer>
<script id="report-data" type="application/json">${scriptJson(embedded)}</script>
<script>${echartsSource.replace(/<\/(script)/gi, '<\\/$1')}</script>
<script>${clientScript}</script>
</body>
</html>
`;
}
