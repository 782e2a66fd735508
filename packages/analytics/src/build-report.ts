import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import type { Knex } from 'knex';
import { checkHistory, type CheckHistory } from './check-history.js';
import { listRuns, type RunSummary } from './load-history.js';
import type { Question } from './question.js';
import type { QuestionOptions } from './question-parameters.js';
import { renderReport } from './render-report.js';
import { runQuestions, type AnalyticsResult } from './run-questions.js';

/** Everything the report shows. */
export interface ReportData {
  /** UTC, `yyyy-mm-dd hh:mm:ss`. */
  generatedAt: string;
  /** Which warehouse, safe to print (no password). */
  warehouse: string;
  /** The same answers `sparkify analytics --format json` prints for the same options. */
  analytics: AnalyticsResult;
  /** The last loads, newest first. */
  runs: RunSummary[];
  checks: CheckHistory;
}

/** Collects the report's data: every default question (as `sparkify analytics` runs them), loads and checks. */
export async function collectReportData(
  knex: Knex,
  questions: Question[],
  options: QuestionOptions & { warehouse: string; now: Date; runs?: number },
): Promise<ReportData> {
  const { warehouse, now, runs: runCount, ...questionOptions } = options;
  const analytics = await runQuestions(knex, questions, questionOptions);
  const runs = await listRuns(knex, { limit: runCount ?? 30 });
  const checks = await checkHistory(knex, { runs: runCount ?? 30 });
  return {
    generatedAt: now.toISOString().replace('T', ' ').slice(0, 19),
    warehouse,
    analytics,
    runs,
    checks,
  };
}

/** The ECharts build the report inlines (one file, every chart type and both renderers). */
export function readEchartsSource(): Promise<string> {
  const require = createRequire(import.meta.url);
  return readFile(require.resolve('echarts/dist/echarts.min.js'), 'utf8');
}

/** Collects the data and renders the self-contained HTML report. */
export async function buildReport(
  knex: Knex,
  questions: Question[],
  options: QuestionOptions & { warehouse: string; now: Date; runs?: number },
): Promise<{ html: string; data: ReportData }> {
  const data = await collectReportData(knex, questions, options);
  return { html: renderReport(data, await readEchartsSource()), data };
}
