import type { Knex } from 'knex';
import { storableText } from './storable-text.js';
import { type Dataset, datasets, stagingTable } from '../dataset.js';
import type { UnknownKey } from '../records/unknown-keys.js';
import { schemaDocuments } from '../records/validate-record.js';

/** A load's unknown key, with whether an earlier load had already met it. */
export interface ReportedUnknownKey extends UnknownKey {
  /** No earlier load recorded this key for this dataset. */
  new: boolean;
}

/** An optional field of the format and the staging column it lands in. */
export interface OptionalField {
  dataset: Dataset;
  field: string;
  column: string;
}

/** Which staged rows count for each dataset's null rates: the events that become songplays, and every song. */
const countedRows: Record<Dataset, string> = {
  events: "WHERE page = 'NextSong'",
  songs: '',
};

/** The fields the JSON Schemas allow to be null, with their staging columns: the ones worth watching for nulls. */
export function optionalFields(): OptionalField[] {
  return datasets.flatMap((dataset) => {
    const schema = schemaDocuments[dataset] as {
      properties: Record<string, { type?: string | string[] }>;
    };
    return stagingTable[dataset].columns.flatMap((column) => {
      const type = column.jsonKey ? schema.properties[column.jsonKey]?.type : undefined;
      return Array.isArray(type) && type.includes('null')
        ? [{ dataset, field: column.jsonKey!, column: column.name }]
        : [];
    });
  });
}

/** One aggregate per dataset over its staging table: rows counted and, per optional field, how many are null. */
export function fieldNullsSql(dataset: Dataset): string {
  const fields = optionalFields().filter((field) => field.dataset === dataset);
  const nulls = fields.map(
    (field, index) => `SUM(CASE WHEN ${field.column} IS NULL THEN 1 ELSE 0 END) AS nulls_${index}`,
  );
  const where = countedRows[dataset];
  return `SELECT COUNT(*) AS records, ${nulls.join(', ')} FROM ${stagingTable[dataset].name}${where ? ` ${where}` : ''}`;
}

/** Counts the nulls of every optional field in what this load staged and records them (nothing for an empty dataset). */
export async function recordFieldNulls(knex: Knex, runId: number): Promise<void> {
  for (const dataset of datasets) {
    const fields = optionalFields().filter((field) => field.dataset === dataset);
    const result = await knex.raw<{ rows: Record<string, unknown>[] }>(fieldNullsSql(dataset));
    const row = result.rows[0] ?? {};
    const records = Number(row['records'] ?? 0);
    if (records === 0) continue;
    await knex('etl_field_nulls').insert(
      fields.map((field, index) => ({
        run_id: runId,
        dataset,
        field: field.field,
        records,
        nulls: Number(row[`nulls_${index}`] ?? 0),
      })),
    );
  }
}

/** Keys are stored within their columns (VARCHAR counts bytes on Redshift). */
function clip(text: string, bytes: number): string {
  return storableText(text, bytes);
}

/**
 * Marks which of a load's unknown keys no earlier load had recorded, then records them for this run. Keys are
 * compared as stored (clipped to the column), so a very long key is "new" once, not on every load.
 */
export async function recordUnknownKeys(
  knex: Knex,
  runId: number,
  keys: readonly UnknownKey[],
): Promise<ReportedUnknownKey[]> {
  if (keys.length === 0) return [];
  const byStoredName = new Map<string, UnknownKey>();
  for (const key of keys) {
    const name = clip(key.name, 512);
    // Two long keys that differ only past the column's end are one row.
    if (!byStoredName.has(`${key.dataset}\u0000${name}`))
      byStoredName.set(`${key.dataset}\u0000${name}`, { ...key, name });
  }
  const stored = [...byStoredName.values()];
  const earlier = (await knex('etl_unknown_keys')
    .distinct('dataset', 'json_key')
    .where('run_id', '<', runId)
    .whereIn(
      'json_key',
      stored.map((key) => key.name),
    )) as { dataset: string; json_key: string }[];
  const seen = new Set(earlier.map((row) => `${row.dataset}\u0000${row.json_key}`));
  await knex('etl_unknown_keys').insert(
    stored.map((key) => ({
      run_id: runId,
      dataset: key.dataset,
      json_key: key.name,
      first_object_key: clip(key.objectKey, 2048),
      first_line: key.line,
      records: key.records,
    })),
  );
  return keys.map((key) => ({ ...key, new: !seen.has(`${key.dataset}\u0000${clip(key.name, 512)}`) }));
}
