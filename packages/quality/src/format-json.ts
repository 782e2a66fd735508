import type { CheckReport } from './check-report.js';

/** The report as JSON for machines; the SQL is left out, `--dry-run` prints it. */
export function formatJson(report: CheckReport): string {
  return `${JSON.stringify(report, null, 2)}\n`;
}
