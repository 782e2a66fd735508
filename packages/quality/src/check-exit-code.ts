import type { CheckReport } from './check-report.js';

/**
 * The exit code a check run means: 2 when a check could not run, 1 when an error-severity check failed (or,
 * with failOn 'warn', anything warned), else 0.
 */
export function checkExitCode(report: CheckReport, options: { failOn?: 'error' | 'warn' } = {}): 0 | 1 | 2 {
  if (report.counts.errored > 0) return 2;
  if (report.counts.failed > 0) return 1;
  if (options.failOn === 'warn' && report.counts.warned > 0) return 1;
  return 0;
}
