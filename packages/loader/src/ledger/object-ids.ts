import type { Knex } from 'knex';
import type { SourceObject } from '../sources/source.js';

const KEY_BATCH = 500;

/**
 * The etl_objects id of every object about to be staged, registering keys seen for the first time. Ids are
 * handed out here (max + 1, under the load lock) rather than by an IDENTITY column, so no RETURNING is needed.
 * A key keeps its id for ever: every version of the object shares it, which is how a corrected version finds
 * what the earlier one contributed. Registering outside the transform's transaction is harmless: an id that no
 * row uses yet means nothing.
 */
export async function registerObjects(
  knex: Knex,
  objects: readonly SourceObject[],
): Promise<Map<string, number>> {
  const ids = new Map<string, number>();
  const keys = [...new Set(objects.map((object) => object.key))];
  for (let start = 0; start < keys.length; start += KEY_BATCH) {
    const rows: { object_id: number; object_key: string }[] = await knex('etl_objects')
      .whereIn('object_key', keys.slice(start, start + KEY_BATCH))
      .select('object_id', 'object_key');
    for (const row of rows) ids.set(row.object_key, Number(row.object_id));
  }
  const unknown = objects.filter((object) => !ids.has(object.key));
  if (unknown.length === 0) return ids;
  const top = await knex('etl_objects').max({ id: 'object_id' }).first();
  let next = Number(top?.id ?? 0) + 1;
  const rows = [];
  for (const object of unknown) {
    if (ids.has(object.key)) continue;
    ids.set(object.key, next);
    rows.push({ object_id: next, dataset: object.dataset, object_key: object.key });
    next += 1;
  }
  for (let start = 0; start < rows.length; start += KEY_BATCH)
    await knex('etl_objects').insert(rows.slice(start, start + KEY_BATCH));
  return ids;
}
