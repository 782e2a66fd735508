import type { FileOutcome, Reject } from '../ledger/ledger.js';
import type { UnknownKey } from '../records/unknown-keys.js';

/** Progress while staging: objects and records so far, bytes of source JSON read. */
export interface StageProgress {
  stage: 'stage';
  objectsDone: number;
  objectsTotal: number;
  records: number;
  bytes: number;
  /** The planned objects' size in bytes (what `bytes` grows to, a little more after a retried body). */
  bytesTotal: number;
}

/** What staging produced: per-file outcomes (records read = staged + rejected) and the rejects. */
export interface StageResult {
  files: FileOutcome[];
  rejects: Reject[];
  /** JSON keys the format does not know (postgres target: every record; redshift: none are counted). */
  unknownKeys: UnknownKey[];
  recordsRead: number;
  recordsStaged: number;
  recordsRejected: number;
  bytesRead: number;
}

/** A StageResult with nothing read yet. */
export function emptyStageResult(): StageResult {
  return {
    files: [],
    rejects: [],
    unknownKeys: [],
    recordsRead: 0,
    recordsStaged: 0,
    recordsRejected: 0,
    bytesRead: 0,
  };
}
