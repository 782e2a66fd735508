import type { CheckResult } from './check-report.js';

/** One failing row as `key=value` pairs, e.g. `user_id=7, referencing_rows=12`. */
export function formatSampleRow(row: Record<string, unknown>): string {
  return Object.entries(row)
    .map(
      ([key, value]) =>
        `${key}=${value === null ? 'NULL' : typeof value === 'object' ? JSON.stringify(value) : String(value)}`,
    )
    .join(', ');
}

function formatMeasure(measure: NonNullable<CheckResult['measure']>): string {
  if (measure.value === null) return `${measure.label} n/a`;
  if (measure.label === 'match rate') return `${measure.label} ${(measure.value * 100).toFixed(1)}%`;
  return `${measure.label} ${measure.value}`;
}

/**
 * A one-line account of a result for humans: the error, or how many rows failed and which, or the measure.
 * @example describeResult(result) // "1 failing row: user_id=7, referencing_rows=3"
 */
export function describeResult(result: CheckResult, maxSampleRows = 3): string {
  if (result.status === 'error') return `could not run: ${(result.error ?? 'unknown error').split('\n')[0]}`;
  // A judged check says in its own words what it expected and saw; its figures are the sample.
  if (result.message !== undefined) return result.message;
  const measure = result.measure ? formatMeasure(result.measure) : undefined;
  if (result.failingRows === 0) return measure ?? '';
  const shown = result.sample.slice(0, maxSampleRows).map((row) => `(${formatSampleRow(row)})`);
  const more = result.failingRows > shown.length ? ` and ${result.failingRows - shown.length} more` : '';
  const rows = `${result.failingRows} failing row${result.failingRows === 1 ? '' : 's'}: ${shown.join(' ')}${more}`;
  return measure ? `${measure}; ${rows}` : rows;
}
