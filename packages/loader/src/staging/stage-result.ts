import type { FileOutcome, Reject } from '../ledger/ledger.js';

/** Progress while staging: objects and records so far, bytes of source JSON read. */
export interface StageProgress {
  stage: 'stage';
  objectsDone: number;
  objectsTotal: number;
  records: number;
  bytes: number;
}

/** What staging produced: per-file outcomes (records read = staged + rejected) and the rejects. */
export interface StageResult {
  files: FileOutcome[];
  rejects: Reject[];
  recordsRead: number;
  recordsStaged: number;
  recordsRejected: number;
  bytesRead: number;
}

/** A StageResult with nothing read yet. */
export function emptyStageResult(): StageResult {
  return { files: [], rejects: [], recordsRead: 0, recordsStaged: 0, recordsRejected: 0, bytesRead: 0 };
}
