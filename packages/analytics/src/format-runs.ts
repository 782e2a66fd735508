import type { RunDetail, RunSummary } from './load-history.js';

// Control characters (a hostile title's escape sequences) must not reach a terminal.
// eslint-disable-next-line no-control-regex
const controls = /[\u0000-\u001f\u007f]/g;
const clean = (value: string) => value.replace(controls, '\uFFFD');

function table(header: string[], rows: string[][], rightAligned: boolean[]): string {
  const widths = header.map((title, index) =>
    Math.max(title.length, ...rows.map((row) => (row[index] ?? '').length)),
  );
  const line = (cells: string[]) =>
    cells
      .map((cell, index) =>
        rightAligned[index] ? cell.padStart(widths[index] ?? 0) : cell.padEnd(widths[index] ?? 0),
      )
      .join('  ')
      .trimEnd();
  return [line(header), ...rows.map(line)].join('\n');
}

const number = (value: number | null) => (value === null ? '-' : String(value));
const seconds = (value: number | null) => (value === null ? '-' : value.toFixed(1));

/** `sparkify runs`: one line per load, newest first. */
export function formatRunsTable(runs: RunSummary[]): string {
  if (runs.length === 0) return 'no loads yet (etl_runs is empty): sparkify load --source <folder|s3://…>\n';
  const header = ['RUN', 'STARTED (UTC)', 'STATUS', 'OBJECTS', 'RECORDS', 'REJECTS', 'SECONDS', 'NOTE'];
  const rows = runs.map((run) => [
    String(run.runId),
    run.startedAt,
    run.status,
    number(run.objects),
    number(run.records),
    number(run.rejects),
    seconds(run.seconds),
    clean(run.errorCode ?? (run.fullRefresh ? 'full refresh' : '')),
  ]);
  return `${table(header, rows, [true, false, false, true, true, true, true, false])}\n`;
}

/** `sparkify runs show <id>`: the run, its files and its rejects. */
export function formatRunDetail(detail: RunDetail): string {
  const { run } = detail;
  const lines = [
    `run ${run.runId}: ${run.status}, started ${run.startedAt} UTC${run.finishedAt ? `, finished ${run.finishedAt}` : ''}${run.seconds === null ? '' : ` (${run.seconds.toFixed(1)} s)`}`,
    `source ${clean(run.source)} → ${run.target}${run.fullRefresh ? ' (full refresh)' : ''}`,
    `objects ${number(run.objects)} read, ${number(run.objectsSkipped)} skipped as already loaded; records ${number(run.records)}, rejects ${number(run.rejects)}, songplays added ${number(run.songplaysAdded)}`,
  ];
  if (run.errorCode || run.errorMessage)
    lines.push(`error ${clean(run.errorCode ?? '')}: ${clean(run.errorMessage ?? '')}`);
  lines.push('');
  if (detail.files.length === 0)
    lines.push('files: none recorded (only a successful load records its files)');
  else {
    lines.push(`files (${detail.files.length}):`);
    lines.push(
      table(
        ['DATASET', 'OBJECT', 'BYTES', 'READ', 'STAGED', 'REJECTED'],
        detail.files.map((file) => [
          file.dataset,
          clean(file.objectKey),
          String(file.sizeBytes),
          String(file.recordsRead),
          String(file.recordsStaged),
          String(file.recordsRejected),
        ]),
        [false, false, true, true, true, true],
      ),
    );
  }
  lines.push('');
  if (detail.rejectCount === 0) lines.push('rejects: none');
  else {
    lines.push(
      `rejects (${detail.rejectCount}${detail.rejects.length < detail.rejectCount ? `, the first ${detail.rejects.length} shown` : ''}):`,
    );
    for (const reject of detail.rejects) {
      lines.push(
        `  ${clean(reject.objectKey)}:${reject.lineNumber}${reject.field ? ` ${clean(reject.field)}` : ''}: ${clean(reject.reason)}`,
      );
    }
  }
  return `${lines.join('\n')}\n`;
}
