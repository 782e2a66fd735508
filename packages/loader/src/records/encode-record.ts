import type { Column } from '@sparkify/schema';
import { type Dataset, stagingTable } from '../dataset.js';
import { copyTextField } from './copy-text.js';
import { unknownKeysOf } from './unknown-keys.js';
import {
  checkEventTime,
  defaultRecordRules,
  findDuplicateKey,
  findLoneSurrogate,
  type RecordRules,
} from './ambiguous-json.js';
import { type FieldProblem, validateRecord } from './validate-record.js';

/** A COPY row (with the keys the format does not know, usually none), or why the record cannot be staged. */
export type EncodedRecord =
  | { row: string; unknownKeys: readonly string[]; problem?: undefined }
  | { row?: undefined; problem: FieldProblem };

interface SourceColumn {
  key: string;
  maxBytes: number | null;
}

const sourceColumns: Record<Dataset, SourceColumn[]> = {
  events: columnsOf('events'),
  songs: columnsOf('songs'),
};

function columnsOf(dataset: Dataset): SourceColumn[] {
  return stagingTable[dataset].columns
    .filter((column): column is Column & { jsonKey: string } => column.jsonKey !== undefined)
    .map((column) => ({
      key: column.jsonKey,
      maxBytes: column.type.kind === 'varchar' ? column.type.bytes : null,
    }));
}

/** The staging columns a COPY fills, in order: every catalog column with a JSON key. */
export function copyColumns(dataset: Dataset): string[] {
  return stagingTable[dataset].columns
    .filter((column) => column.jsonKey !== undefined)
    .map((column) => column.name);
}

/**
 * Parses, validates and encodes one raw record as a COPY text row (with its newline). Strings longer than their
 * column in UTF-8 bytes are refused here, as Redshift would refuse them, so both targets accept the same data.
 * Keys the format does not know are returned (schema drift); with `rules.strictKeys` they make the record bad.
 * Ambiguous JSON is refused too: a key named twice, a lone surrogate, an event time that looks like seconds.
 * `tail` is appended as is before the newline (the stager's own columns, already encoded: `\t<object_id>`).
 */
export function encodeRecord(
  dataset: Dataset,
  text: string,
  rules: RecordRules = defaultRecordRules,
  tail = '',
): EncodedRecord {
  let record: unknown;
  try {
    record = JSON.parse(text);
  } catch (error) {
    return { problem: { field: null, reason: `invalid JSON: ${(error as Error).message}` } };
  }
  const duplicate = findDuplicateKey(text, record);
  if (duplicate) {
    return {
      problem: {
        field: duplicate,
        reason: 'is named twice in one object; which value is meant is ambiguous, so the record is refused',
      },
    };
  }
  const lone = findLoneSurrogate(text, record);
  if (lone) return { problem: lone };
  const invalid = validateRecord(dataset, record);
  if (invalid) return { problem: invalid };
  const values = record as Record<string, unknown>;
  if (dataset === 'events') {
    const early = checkEventTime(values.ts as number, rules);
    if (early) return { problem: early };
  }
  const unknownKeys = unknownKeysOf(dataset, values);
  if (rules.strictKeys && unknownKeys.length > 0) {
    return {
      problem: {
        field: `/${unknownKeys[0]!}`,
        reason: `is not a key of the format (--strict-keys refuses unknown keys)`,
      },
    };
  }
  const columns = sourceColumns[dataset];
  let row = '';
  for (let index = 0; index < columns.length; index += 1) {
    const column = columns[index]!;
    const value = values[column.key];
    // A UTF-8 byte is at most 3 per UTF-16 unit, so short strings need no byte count.
    if (column.maxBytes !== null && typeof value === 'string' && value.length * 3 > column.maxBytes) {
      const bytes = Buffer.byteLength(value);
      if (bytes > column.maxBytes) {
        return {
          problem: {
            field: `/${column.key}`,
            reason: `is ${bytes} bytes; the column holds ${column.maxBytes} bytes`,
          },
        };
      }
    }
    row += index === 0 ? copyTextField(value) : `\t${copyTextField(value)}`;
  }
  return { row: `${row}${tail}\n`, unknownKeys };
}
