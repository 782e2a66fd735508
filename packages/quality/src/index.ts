export type { Check, Severity, Thresholds } from './check.js';
export {
  checkDefinition,
  checkRegistry,
  type CheckSpec,
  type CheckType,
  checkTypes,
  isCheckType,
} from './check-registry.js';
export {
  type CheckDefinition,
  type CheckJudge,
  type CheckShape,
  type JudgeContext,
  type Judgement,
  checkNameSchema,
  commonFields,
  defineCheck,
  identifier,
} from './checks/check-definition.js';
export type { CheckReport, CheckResult, CheckStatus } from './check-report.js';
export { buildCheck, defaultCheckName } from './build-check.js';
export { defaultCheckSpecs, defaultSuite, defaultWatchSpecs } from './default-suite.js';
export { durationHint, formatDuration, parseDuration } from './parse-duration.js';
export { parseReferenceTime } from './parse-reference-time.js';
export { judgeFreshness } from './checks/freshness.js';
export { judgeVolume, volumeMetrics } from './checks/volume-anomaly.js';
export { judgeNullRates, type NullRateOptions } from './checks/null-rate.js';
export { type CheckConfig, parseCheckConfig } from './parse-check-config.js';
export { buildSuite } from './build-suite.js';
export { evaluateStatus, worstStatus } from './evaluate-status.js';
export {
  type CheckQueryPlan,
  countSql,
  planCheckQueries,
  sampleSql,
  type TableScan,
} from './plan-check-queries.js';
export { postgresCheckSettings, type RunChecksOptions, runChecks } from './run-checks.js';
export { readCheckRun, sampleText, type StoredCheckRun, storeCheckRun } from './store-check-run.js';
export { describeResult, formatSampleRow } from './describe-result.js';
export { formatSummary, formatTable } from './format-table.js';
export { formatJson } from './format-json.js';
export { escapeXml, formatJunit } from './format-junit.js';
export { formatGithubAnnotations } from './format-github-annotations.js';
export { formatDryRun } from './format-dry-run.js';
export { checkExitCode } from './check-exit-code.js';
export { QualityError } from './errors.js';
export { numberLiteral, quoteIdentifier, quoteLiteral } from './sql-quote.js';
export {
  describeVerdict,
  type HistoryJudgement,
  type HistoryPoint,
  type HistoryVerdict,
  judgeAgainstHistory,
  median,
  medianAbsoluteDeviation,
} from './judge-against-history.js';
export {
  alertMessage,
  type PostWebhookOptions,
  postWebhook,
  type WebhookBlock,
  type WebhookDelivery,
  type WebhookMessage,
  webhookHost,
} from './post-webhook.js';
export { checkAlert } from './check-alert.js';
