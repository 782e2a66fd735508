import type { RecordRules } from '../records/ambiguous-json.js';
import type { ObjectCounts, RecordProblem } from '../records/object-reader.js';
import type { UnknownKeyCount } from '../records/unknown-keys.js';

/** A chunk of one object for a worker; `end` closes the object (complete, or cut short by a read failure). */
export interface WorkerRequest {
  id: number;
  dataset: string;
  keepProblems: number;
  rules: RecordRules;
  /** The provenance id written on every row. */
  objectId?: number;
  chunk?: Uint8Array;
  end?: 'complete' | 'aborted';
}

/** The rows a request produced (whole COPY rows per buffer); with the final reply, the object's counts and problems. */
export interface WorkerReply {
  id: number;
  rows: Uint8Array[];
  counts?: ObjectCounts;
  problems?: RecordProblem[];
  unknownKeys?: UnknownKeyCount[];
}
