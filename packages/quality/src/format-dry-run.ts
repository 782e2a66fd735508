import type { Check } from './check.js';
import { planCheckQueries, sampleSql } from './plan-check-queries.js';

/**
 * The SQL a run would send, as a script with comments: shared table scans first, then each check's own query
 * (the judged checks' figures), then the sampling queries.
 */
export function formatDryRun(checks: readonly Check[], options: { sampleSize?: number } = {}): string {
  const plan = planCheckQueries(checks);
  const parts: string[] = [];
  for (const scan of plan.scans) {
    parts.push(
      `-- one scan of ${scan.table} counts: ${scan.checks.map(({ check }) => check.name).join(', ')}\n${scan.sql};`,
    );
  }
  for (const { check, sql } of plan.counts) parts.push(`-- ${check.name}: ${check.description}\n${sql};`);
  for (const { check, sql } of plan.judged)
    parts.push(
      `-- ${check.name} (${check.type}, ${check.severity}; judged from these rows): ${check.description}\n${sql};`,
    );
  parts.push('-- failing rows of each check (run only to sample a check that has failing rows):');
  for (const check of checks.filter((candidate) => !candidate.judge)) {
    parts.push(
      `-- ${check.name} (${check.type}, ${check.severity})\n${sampleSql(check, options.sampleSize ?? 10)};`,
    );
  }
  return `${parts.join('\n\n')}\n`;
}
