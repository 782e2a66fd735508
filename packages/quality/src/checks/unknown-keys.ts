import { z } from 'zod';
import { quoteLiteral } from '../sql-quote.js';
import { commonFields, defineCheck } from './check-definition.js';

/** The newest successful load that read objects: a "nothing new" run reads no JSON and so sees no key. */
export const latestReadingLoadSql =
  "SELECT MAX(run_id) FROM etl_runs WHERE status = 'succeeded' AND files_planned > 0";

/**
 * `unknown_keys`: the newest successful load met JSON keys the format does not know (etl_unknown_keys): the app
 * sends a new field, or renamed one, and the loader drops it. One failing row per key, naming it, where it was
 * first seen and in how many records; warns by default, for as long as loads keep bringing the key.
 */
export const unknownKeys = defineCheck({
  schema: z.strictObject({
    type: z.literal('unknown_keys'),
    dataset: z.enum(['events', 'songs']).optional(),
    /** Keys you know about and accept (they are still recorded in etl_unknown_keys). */
    ignore: z.array(z.string().min(1).max(512)).max(1000).optional(),
    ...commonFields,
  }),
  defaultName: (spec) => (spec.dataset ? `unknown_keys_${spec.dataset}` : 'unknown_keys'),
  shape(spec) {
    const filters = [
      `run_id = (${latestReadingLoadSql})`,
      ...(spec.dataset ? [`dataset = ${quoteLiteral(spec.dataset)}`] : []),
      ...(spec.ignore && spec.ignore.length > 0
        ? [`json_key NOT IN (${spec.ignore.map((key) => quoteLiteral(key)).join(', ')})`]
        : []),
    ];
    return {
      table: 'etl_unknown_keys',
      description: `the newest load met no JSON key the format does not know${spec.dataset ? ` in ${spec.dataset}` : ''}`,
      sql:
        'SELECT dataset, json_key, records, first_object_key, first_line, run_id FROM etl_unknown_keys ' +
        `WHERE ${filters.join(' AND ')}`,
      keyColumns: ['dataset', 'json_key'],
      defaultSeverity: 'warn',
    };
  },
});
