export { load, type LoadOptions, type LoadProgress, type LoadResult, type StageTimings } from './load.js';
export { LoaderError, type LoaderErrorCode, type S3FailureOrigin } from './errors.js';
export { type Dataset, datasets } from './dataset.js';
export { planLoad, type LoadPlan } from './plan-load.js';
export { openSource, datasetLocations, type SourceSpec } from './sources/open-source.js';
export { isS3Url, parseS3Url } from './sources/s3-location.js';
export type { Source, SourceObject } from './sources/source.js';
export { abandonRuns, type FileOutcome, type Reject } from './ledger/ledger.js';
export {
  acquireLoadLock,
  breakLoadLock,
  type HolderVerdict,
  judgeLockHolder,
  readLoadLock,
  releaseLoadLock,
  type LockHolder,
  type LockState,
} from './ledger/load-lock.js';
export {
  fieldNullsSql,
  type OptionalField,
  optionalFields,
  type ReportedUnknownKey,
} from './ledger/load-observations.js';
export { type UnknownKey, unknownKeysOf } from './records/unknown-keys.js';
export { copyTextField } from './records/copy-text.js';
export { encodeRecord, copyColumns } from './records/encode-record.js';
export {
  DEFAULT_MIN_EVENT_TIME_MS,
  defaultRecordRules,
  findDuplicateKey,
  scanDuplicateKey,
  type RecordRules,
} from './records/ambiguous-json.js';
export { validateRecord, schemaDocuments, schemaFiles } from './records/validate-record.js';
export { buildCopyStatement, buildManifest, redactCopyMessage, sqlLiteral } from './staging/redshift-sql.js';
export { bucketRegion, resolveCopyRegion } from './staging/copy-region.js';
export { deleteProbeObject, firstJsonObject, putProbeObject } from './staging/s3-probe.js';
export {
  planRedshiftStage,
  type RedshiftStageConfig,
  type RedshiftStagePlan,
} from './staging/stage-redshift.js';
export {
  planTransform,
  starTables,
  type StarTable,
  type TableChange,
  type TransformShape,
  type TransformStatement,
  type TransformStep,
} from './transforms/run-transforms.js';
