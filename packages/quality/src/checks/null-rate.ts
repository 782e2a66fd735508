import { z } from 'zod';
import { median, medianAbsoluteDeviation } from '../judge-against-history.js';
import { numberLiteral, quoteLiteral } from '../sql-quote.js';
import { checkNameSchema, commonFields, defineCheck, type Judgement } from './check-definition.js';

/** How a null-rate check judges; every field has a default. */
export interface NullRateOptions {
  /** Earlier loads that recorded the field, needed before a verdict (default 7). */
  minHistory?: number;
  /** A load with fewer records than this is not judged (default 20): 1 null in 1 record says little. */
  minRecords?: number;
  /**
   * The null share may exceed the history's median by this much before it is flagged (default 0.25, i.e. 25
   * percentage points), or by 5 robust standard deviations (1.4826 × MAD) of a field whose share varies more.
   */
  maxIncrease?: number;
}

const percent = (share: number) => `${Math.round(share * 1000) / 10}%`;

/**
 * The null-rate verdict for the newest load's fields against the earlier loads in the rows (etl_field_nulls,
 * newest run first; a run with no row for a field did not stage its dataset). Flags each field whose null share
 * rose beyond the allowance; too little history or too few records is a pass with a note.
 */
export function judgeNullRates(
  rows: readonly Record<string, unknown>[],
  options: NullRateOptions = {},
): Judgement {
  const minHistory = options.minHistory ?? 7;
  const minRecords = options.minRecords ?? 20;
  const maxIncrease = options.maxIncrease ?? 0.25;
  const latestRun = rows.length === 0 ? undefined : Number(rows[0]?.['run_id']);
  if (latestRun === undefined) {
    return {
      status: 'pass',
      failingRows: 0,
      message: 'no successful load has read anything yet: null rates not judged',
    };
  }
  const byField = new Map<string, { run: number; records: number; nulls: number }[]>();
  for (const row of rows) {
    if (row['field'] === null || row['field'] === undefined) continue;
    const key = `${String(row['dataset'])}.${String(row['field'])}`;
    const list = byField.get(key) ?? [];
    list.push({ run: Number(row['run_id']), records: Number(row['records']), nulls: Number(row['nulls']) });
    byField.set(key, list);
  }
  const flagged: { text: string; row: Record<string, unknown> }[] = [];
  let judged = 0;
  let shortHistory = 0;
  let compared = 0;
  for (const [field, observations] of byField) {
    const latest = observations.find((observation) => observation.run === latestRun);
    if (!latest || latest.records < minRecords) continue;
    const history = observations.filter(
      (observation) => observation.run !== latestRun && observation.records > 0,
    );
    if (history.length < minHistory) {
      shortHistory += 1;
      compared = Math.max(compared, history.length);
      continue;
    }
    judged += 1;
    const shares = history.map((observation) => observation.nulls / observation.records);
    const center = median(shares);
    const allowed = Math.min(1, center + Math.max(maxIncrease, 5 * 1.4826 * medianAbsoluteDeviation(shares)));
    const share = latest.nulls / latest.records;
    if (share > allowed) {
      flagged.push({
        text:
          `${field} null in ${percent(share)} of ${latest.records.toLocaleString('en-US')} records; the last ` +
          `${history.length} loads had ${percent(Math.min(...shares))}–${percent(Math.max(...shares))} ` +
          `(median ${percent(center)}; expected at most ${percent(allowed)})`,
        row: {
          field,
          run_id: latestRun,
          records: latest.records,
          nulls: latest.nulls,
          null_share: Math.round(share * 1000) / 1000,
          median_share: Math.round(center * 1000) / 1000,
          allowed_share: Math.round(allowed * 1000) / 1000,
        },
      });
    }
  }
  const notJudged =
    shortHistory > 0
      ? `${shortHistory} field${shortHistory === 1 ? '' : 's'} not judged: at most ${compared} earlier loads to compare with, ${minHistory} needed`
      : '';
  if (flagged.length > 0) {
    return {
      status: 'fail',
      failingRows: flagged.length,
      message: `run ${latestRun}: ${flagged.map((entry) => entry.text).join('; ')}`,
      measure: { label: 'fields judged', value: judged },
      sample: flagged.map((entry) => entry.row),
    };
  }
  const judgedText =
    judged > 0 ? `${judged} field${judged === 1 ? '' : 's'} null no more often than usual` : '';
  return {
    status: 'pass',
    failingRows: 0,
    message: `run ${latestRun}: ${[judgedText, notJudged].filter(Boolean).join('; ') || 'no field with enough records to judge'}`,
    measure: { label: 'fields judged', value: judged },
  };
}

/**
 * `null_rate`: an optional field that stops arriving (every `location` null in the newest load, rarely before)
 * is flagged against the earlier loads' null shares in etl_field_nulls. Warns by default.
 */
export const nullRate = defineCheck({
  schema: z.strictObject({
    type: z.literal('null_rate'),
    dataset: z.enum(['events', 'songs']).optional(),
    /** The JSON key, e.g. `location`; omitted: every optional field of the format. */
    field: z
      .string()
      .regex(/^[A-Za-z_][A-Za-z0-9_]{0,127}$/, 'a JSON key of the format, e.g. location')
      .optional(),
    minHistory: z.number().int().min(3).max(365).optional(),
    minRecords: z.number().int().min(1).optional(),
    maxIncrease: z.number().min(0).max(1).optional(),
    window: z.number().int().min(3).max(365).optional(),
    name: checkNameSchema.optional(),
    description: commonFields.description,
    severity: commonFields.severity,
  }),
  defaultName: (spec) => ['null_rate', spec.dataset, spec.field].filter(Boolean).join('_'),
  shape(spec) {
    const window = spec.window ?? 28;
    const fieldFilter = [
      ...(spec.dataset ? [`f.dataset = ${quoteLiteral(spec.dataset)}`] : []),
      ...(spec.field ? [`f.field = ${quoteLiteral(spec.field)}`] : []),
    ];
    const options: NullRateOptions = {};
    if (spec.minHistory !== undefined) options.minHistory = spec.minHistory;
    if (spec.minRecords !== undefined) options.minRecords = spec.minRecords;
    if (spec.maxIncrease !== undefined) options.maxIncrease = spec.maxIncrease;
    return {
      table: 'etl_field_nulls',
      description: `the newest load's ${spec.field ?? 'optional fields'} are null no more often than in earlier loads`,
      // Every recent loading run appears (LEFT JOIN), so the newest is known even when it staged no such field.
      sql:
        'SELECT recent.run_id, f.dataset, f.field, f.records, f.nulls FROM (SELECT run_id FROM etl_runs ' +
        `WHERE status = 'succeeded' AND files_planned > 0 ORDER BY run_id DESC LIMIT ${numberLiteral(window + 1)}) AS recent ` +
        `LEFT JOIN etl_field_nulls AS f ON f.run_id = recent.run_id${fieldFilter.map((filter) => ` AND ${filter}`).join('')} ` +
        'ORDER BY recent.run_id DESC, f.dataset, f.field',
      keyColumns: [],
      defaultSeverity: 'warn',
      judge: (rows) => judgeNullRates(rows, options),
    };
  },
  problems: (spec) =>
    spec.minHistory !== undefined && spec.window !== undefined && spec.minHistory > spec.window
      ? [`minHistory (${spec.minHistory}) is above window (${spec.window}): the check could never judge`]
      : [],
});
