export { AnalyticsError, type AnalyticsErrorCode } from './errors.js';
export { parseQuestion, type Question } from './question.js';
export { builtInQuestionFolder, builtInQuestions, loadQuestions } from './load-questions.js';
export {
  defaultLimit,
  resolveParameters,
  type QuestionOptions,
  type QuestionParameters,
} from './question-parameters.js';
export {
  askQuestion,
  plannedQuestions,
  runQuestions,
  selectQuestions,
  sqlToSend,
  type AnalyticsResult,
  type Answer,
  type CatalogueAnswer,
  type MatchRate,
  type Row,
  type Value,
} from './run-questions.js';
export {
  describeMatchRate,
  formatAnswersCsv,
  formatAnswersJson,
  formatAnswersTable,
  formatQuestionList,
  formatQuestionsDryRun,
} from './format-answers.js';
export {
  listRuns,
  showRun,
  type RunDetail,
  type RunFile,
  type RunReject,
  type RunSummary,
} from './load-history.js';
export { formatRunDetail, formatRunsTable } from './format-runs.js';
export { checkHistory, type CheckHistory, type CheckOutcome, type CheckRunSummary } from './check-history.js';
export { escapeHtml, planCharts, renderReport, scriptJson, type ChartSpec } from './render-report.js';
export { buildReport, collectReportData, readEchartsSource, type ReportData } from './build-report.js';
