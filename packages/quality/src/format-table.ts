import type { CheckReport, CheckStatus } from './check-report.js';
import { describeResult } from './describe-result.js';

const labels: Record<CheckStatus, string> = { pass: 'PASS', warn: 'WARN', fail: 'FAIL', error: 'ERROR' };
const colours: Record<CheckStatus, string> = { pass: '32', warn: '33', fail: '31', error: '35' };

/** The run's one-line summary, e.g. `31 checks: 30 passed, 1 warned, 0 failed, 0 could not run in 0.4 s`. */
export function formatSummary(report: CheckReport): string {
  const { passed, warned, failed, errored } = report.counts;
  return (
    `${report.results.length} checks: ${passed} passed, ${warned} warned, ${failed} failed, ${errored} could not run` +
    ` in ${(report.durationMs / 1000).toFixed(1)} s`
  );
}

/** A terminal table of the results, one line per check; ANSI colour only when asked (a TTY). */
export function formatTable(report: CheckReport, options: { color?: boolean } = {}): string {
  const paint = (status: CheckStatus, text: string) =>
    options.color ? `\u001b[${colours[status]}m${text}\u001b[0m` : text;
  const header = ['STATUS', 'CHECK', 'FAILING', 'DETAIL'];
  const body = report.results.map((result) => [
    labels[result.status],
    result.name,
    result.status === 'error' ? '-' : String(result.failingRows),
    describeResult(result),
  ]);
  const widths = [0, 1, 2].map((column) =>
    Math.max(...[header, ...body].map((row) => (row[column] ?? '').length)),
  );
  const line = (cells: string[], status?: CheckStatus) =>
    cells
      .map((cell, column) => {
        const padded = column < 3 ? cell.padEnd(widths[column] ?? 0) : cell;
        return column === 0 && status ? paint(status, padded) : padded;
      })
      .join('  ')
      .trimEnd();
  const lines = [
    line(header),
    ...report.results.map((result, index) => line(body[index] ?? [], result.status)),
  ];
  lines.push('', paint(report.status, `${labels[report.status]}  ${formatSummary(report)}`));
  return `${lines.join('\n')}\n`;
}
