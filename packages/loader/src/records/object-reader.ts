import type { Dataset } from '../dataset.js';
import { encodeRecord } from './encode-record.js';
import {
  jsonValuesSplitter,
  ndjsonSplitter,
  type RawRecord,
  type RecordSplitter,
} from './record-splitter.js';

/** A record that could not be staged: where it is, which field, why, and its raw text. */
export interface RecordProblem {
  line: number;
  field: string | null;
  reason: string;
  raw: string;
}

/** What reading one object gave: every record read is either staged or a problem. */
export interface ObjectCounts {
  read: number;
  staged: number;
  rejected: number;
}

const RAW_TEXT_LIMIT = 16 * 1024;

/**
 * Reads one source object chunk by chunk: splits it into records, validates and encodes them, and hands COPY
 * rows to `onRows` in batches. Problems are collected (all of them counted, the first `keepProblems` kept).
 */
export class ObjectReader {
  readonly counts: ObjectCounts = { read: 0, staged: 0, rejected: 0 };
  readonly problems: RecordProblem[] = [];
  private readonly splitter: RecordSplitter;
  private batch = '';
  private readonly sink = (record: RawRecord) => this.accept(record);

  constructor(
    private readonly dataset: Dataset,
    private readonly onRows: (rows: string) => void,
    private readonly keepProblems = 1000,
    private readonly batchChars = 256 * 1024,
  ) {
    this.splitter = dataset === 'events' ? ndjsonSplitter() : jsonValuesSplitter();
  }

  push(chunk: Buffer): void {
    this.splitter.push(chunk, this.sink);
    this.flushIfFull();
  }

  /** Finishes the object; returns its counts. */
  end(): ObjectCounts {
    this.splitter.end(this.sink);
    this.flushRows();
    return this.counts;
  }

  /** Hands over the rows encoded so far (for an object that cannot be read to its end). */
  flushRows(): void {
    if (this.batch.length > 0) {
      this.onRows(this.batch);
      this.batch = '';
    }
  }

  private flushIfFull(): void {
    if (this.batch.length >= this.batchChars) {
      this.onRows(this.batch);
      this.batch = '';
    }
  }

  private accept(record: RawRecord): void {
    this.counts.read += 1;
    if (record.problem) {
      this.reject(record.line, { field: null, reason: record.problem }, record.text);
      return;
    }
    const encoded = encodeRecord(this.dataset, record.text);
    if (encoded.problem) {
      this.reject(record.line, encoded.problem, record.text);
      return;
    }
    this.counts.staged += 1;
    this.batch += encoded.row;
    this.flushIfFull();
  }

  private reject(line: number, problem: { field: string | null; reason: string }, raw: string): void {
    this.counts.rejected += 1;
    if (this.problems.length < this.keepProblems) {
      this.problems.push({
        line,
        field: problem.field,
        reason: problem.reason,
        raw: raw.slice(0, RAW_TEXT_LIMIT),
      });
    }
  }
}
