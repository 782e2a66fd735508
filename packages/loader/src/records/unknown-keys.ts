import type { Dataset } from '../dataset.js';
import { schemaDocuments } from './validate-record.js';

/** A JSON key the format does not know, within one object: the first line that carried it and how many records did. */
export interface UnknownKeyCount {
  name: string;
  line: number;
  records: number;
}

/** A JSON key the format does not know, within one load: the first object (by key) and line, and how many records. */
export interface UnknownKey {
  dataset: Dataset;
  name: string;
  objectKey: string;
  line: number;
  records: number;
}

/** Distinct unknown names kept per object and per load: a file of random keys must not grow memory without bound. */
export const MAX_UNKNOWN_KEYS = 100;

const NONE: readonly string[] = Object.freeze([]);

function knownKeys(dataset: Dataset): { names: Set<string>; required: number } {
  const schema = schemaDocuments[dataset] as {
    properties: Record<string, unknown>;
    required: string[];
  };
  return { names: new Set(Object.keys(schema.properties)), required: schema.required.length };
}

const known: Record<Dataset, { names: Set<string>; required: number }> = {
  events: knownKeys('events'),
  songs: knownKeys('songs'),
};

/**
 * The keys of a valid record that its JSON Schema does not name. A valid record carries every required key, so
 * a record with no more keys than that has none unknown: the common case costs one count of the keys, and only a record with extra keys is looked at name by name.
 */
export function unknownKeysOf(dataset: Dataset, record: Record<string, unknown>): readonly string[] {
  const { names, required } = known[dataset];
  // Measured beside JSON.parse of a log line (about 2.7 µs): within the noise of 200k-line runs.
  const keys = Object.keys(record);
  if (keys.length <= required) return NONE;
  return keys.filter((key) => !names.has(key));
}

/** Counts a record's unknown keys into one object's tally (first line kept; at most MAX_UNKNOWN_KEYS names). */
export function tallyUnknownKeys(
  tally: Map<string, UnknownKeyCount>,
  names: readonly string[],
  line: number,
): void {
  for (const name of names) {
    const entry = tally.get(name);
    if (entry) entry.records += 1;
    else if (tally.size < MAX_UNKNOWN_KEYS) tally.set(name, { name, line, records: 1 });
  }
}

/**
 * Adds one object's unknown keys to a load's. The first object is the one with the smallest key, not the first
 * one read: objects are read concurrently, and the ledger should say the same whatever the order.
 */
export function mergeUnknownKeys(
  into: UnknownKey[],
  dataset: Dataset,
  objectKey: string,
  counts: readonly UnknownKeyCount[],
): void {
  for (const count of counts) {
    const entry = into.find((key) => key.dataset === dataset && key.name === count.name);
    if (!entry) {
      if (into.length < MAX_UNKNOWN_KEYS) into.push({ dataset, objectKey, ...count });
      continue;
    }
    entry.records += count.records;
    if (objectKey < entry.objectKey) {
      entry.objectKey = objectKey;
      entry.line = count.line;
    }
  }
}
