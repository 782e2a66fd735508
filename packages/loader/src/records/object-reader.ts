import type { Dataset } from '../dataset.js';
import { defaultRecordRules, type RecordRules } from './ambiguous-json.js';
import { encodeRecord } from './encode-record.js';
import { type FastEncoder, fastEncoderFor } from './fast-encode.js';
import { tallyUnknownKeys, type UnknownKeyCount } from './unknown-keys.js';
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
const FIRST_BATCH_BYTES = 8 * 1024;

/**
 * Reads one source object chunk by chunk: splits it into records, validates and encodes them, and hands COPY
 * rows to `onRows` as UTF-8 buffers of whole rows. Each buffer is the receiver's to keep (or to transfer to
 * another thread): rows are written straight into it, never concatenated as strings first.
 * Problems are collected (all of them counted, the first `keepProblems` kept).
 */
export class ObjectReader {
  readonly counts: ObjectCounts = { read: 0, staged: 0, rejected: 0 };
  readonly problems: RecordProblem[] = [];
  /** Keys the format does not know, by name (see unknown-keys.ts). */
  readonly unknownKeys = new Map<string, UnknownKeyCount>();
  private readonly splitter: RecordSplitter;
  private batch: Buffer;
  private used = 0;
  private readonly sink = (record: RawRecord) => this.accept(record);
  private readonly tail: string;
  private readonly tailBytes: Buffer;
  private readonly fast: FastEncoder | null;

  constructor(
    private readonly dataset: Dataset,
    private readonly onRows: (rows: Buffer) => void,
    private readonly keepProblems = 1000,
    private readonly batchBytes = 512 * 1024,
    private readonly rules: RecordRules = defaultRecordRules,
    /** The etl_objects id written on every row (provenance), or none. */
    objectId?: number,
  ) {
    this.tail = objectId === undefined ? '' : `\t${objectId}`;
    this.tailBytes = Buffer.from(this.tail);
    // Lines of the known shape are encoded from their bytes; the rest (and every problem) take encodeRecord.
    this.fast = dataset === 'events' ? fastEncoderFor(dataset, rules) : null;
    this.splitter =
      dataset === 'events' ? ndjsonSplitter(this.fast ? this.fastLine : undefined) : jsonValuesSplitter();
    // Start small (most song objects hold one row) and grow to batchBytes once an object proves large.
    this.batch = Buffer.allocUnsafeSlow(Math.min(FIRST_BATCH_BYTES, batchBytes));
  }

  push(chunk: Buffer): void {
    this.splitter.push(chunk, this.sink);
  }

  /** Finishes the object; returns its counts. */
  end(): ObjectCounts {
    this.splitter.end(this.sink);
    this.flushRows();
    return this.counts;
  }

  /** Hands over the rows encoded so far (for an object that cannot be read to its end). */
  flushRows(): void {
    if (this.used === 0) return;
    const rows = this.batch.subarray(0, this.used);
    this.batch = Buffer.allocUnsafeSlow(Math.min(this.batch.length * 4, this.batchBytes));
    this.used = 0;
    this.onRows(rows);
  }

  private append(row: string): void {
    // A UTF-16 unit takes at most 3 UTF-8 bytes: check the worst case before writing.
    if (this.used + row.length * 3 > this.batch.length) {
      this.flushRows();
      if (row.length * 3 > this.batch.length) this.batch = Buffer.allocUnsafeSlow(row.length * 3);
    }
    this.used += this.batch.write(row, this.used, 'utf8');
  }

  private readonly fastLine = (bytes: Buffer, start: number, end: number): boolean => {
    const room = this.fast!.maxRowBytes(end - start, this.tailBytes.length);
    if (this.used + room > this.batch.length) {
      this.flushRows();
      if (room > this.batch.length) this.batch = Buffer.allocUnsafeSlow(room);
    }
    const written = this.fast!.encode(bytes, start, end, this.batch, this.used, this.tailBytes);
    if (written < 0) return false;
    this.used = written;
    this.counts.read += 1;
    this.counts.staged += 1;
    return true;
  };

  private accept(record: RawRecord): void {
    this.counts.read += 1;
    if (record.problem) {
      this.reject(record.line, { field: null, reason: record.problem }, record.text);
      return;
    }
    const encoded = encodeRecord(this.dataset, record.text, this.rules, this.tail);
    if (encoded.problem) {
      this.reject(record.line, encoded.problem, record.text);
      return;
    }
    if (encoded.unknownKeys.length > 0) tallyUnknownKeys(this.unknownKeys, encoded.unknownKeys, record.line);
    this.counts.staged += 1;
    this.append(encoded.row);
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
