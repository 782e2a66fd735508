import type { Severity, Thresholds } from './check.js';
import type { CheckStatus } from './check-report.js';

/**
 * Judges a failing-row count: over `errorAbove` fails an error-severity check, over `warnAbove` warns; both
 * default to 0, so any failing row counts. A warn-severity check can at worst warn.
 */
export function evaluateStatus(
  failingRows: number,
  severity: Severity,
  thresholds: Thresholds,
): Exclude<CheckStatus, 'error'> {
  if (severity === 'error' && failingRows > (thresholds.errorAbove ?? 0)) return 'fail';
  if (failingRows > (thresholds.warnAbove ?? 0)) return 'warn';
  return 'pass';
}

const rank: Record<CheckStatus, number> = { pass: 0, warn: 1, fail: 2, error: 3 };

/** The status of a whole run: the worst of its checks (could-not-run outranks a failure). */
export function worstStatus(statuses: readonly CheckStatus[]): CheckStatus {
  return statuses.reduce<CheckStatus>(
    (worst, status) => (rank[status] > rank[worst] ? status : worst),
    'pass',
  );
}
