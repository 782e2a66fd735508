import { z } from 'zod';
import { describeVerdict, type HistoryPoint, judgeAgainstHistory } from '../judge-against-history.js';
import { numberLiteral } from '../sql-quote.js';
import { utcFromWallClock } from '../parse-reference-time.js';
import { checkNameSchema, commonFields, defineCheck, type Judgement } from './check-definition.js';

/** The figures of a load that can be judged, with the etl_runs column holding each and how a message names it. */
export const volumeMetrics = {
  nextsong_events: { column: 'nextsong_staged', label: 'NextSong events' },
  objects: { column: 'files_planned', label: 'objects read' },
  rejects: { column: 'records_rejected', label: 'rejected records' },
} as const;

/** What a direction of anomaly does: fail the run, warn, or nothing. */
const reaction = z.enum(['error', 'warn', 'ignore']);

type Reaction = z.infer<typeof reaction>;

/** One successful load that read objects, as the query returns it (newest first). */
interface LoadRow {
  run_id: unknown;
  started_at: unknown;
  full_refresh: unknown;
  value: unknown;
}

const asStatus = (react: Reaction): Judgement['status'] =>
  react === 'error' ? 'fail' : react === 'warn' ? 'warn' : 'pass';

/**
 * The volume verdict on the newest load's figure against the earlier loads' (judgeAgainstHistory: median and
 * MAD on a log scale). Too little history, or a full refresh (which re-reads everything), is a pass with a note.
 */
export function judgeVolume(
  rows: readonly Record<string, unknown>[],
  options: {
    metric: keyof typeof volumeMetrics;
    onDrop: Reaction;
    onSpike: Reaction;
    minHistory?: number;
    window?: number;
    byWeekday?: boolean;
  },
): Judgement {
  const { label } = volumeMetrics[options.metric];
  const [latest, ...earlier] = rows as unknown as LoadRow[];
  if (!latest) {
    return {
      status: 'pass',
      failingRows: 0,
      message: `no successful load has read anything yet: ${label} not judged`,
      sample: [],
    };
  }
  const value = Number(latest.value ?? 0);
  const runId = Number(latest.run_id);
  const at = utcFromWallClock(String(latest.started_at));
  const measure = { label, value };
  if (latest.full_refresh === true) {
    return {
      status: 'pass',
      failingRows: 0,
      message: `run ${runId} was a full refresh (it re-reads every object): its ${value.toLocaleString('en-US')} ${label} are not compared with incremental loads`,
      measure,
      sample: [{ run_id: runId, value }],
    };
  }
  const history: HistoryPoint[] = earlier
    .filter((row) => row.full_refresh !== true)
    .map((row) => ({ value: Number(row.value ?? 0), at: utcFromWallClock(String(row.started_at)) }));
  const verdict = judgeAgainstHistory(value, at, history, {
    ...(options.minHistory === undefined ? {} : { minHistory: options.minHistory }),
    ...(options.window === undefined ? {} : { window: options.window }),
    ...(options.byWeekday === undefined ? {} : { byWeekday: options.byWeekday }),
  });
  const weekday = options.byWeekday ? ` (same UTC weekday as run ${runId})` : '';
  const message = `run ${runId}: ${describeVerdict(verdict, label)}${weekday}`;
  const status =
    verdict.status === 'low'
      ? asStatus(options.onDrop)
      : verdict.status === 'high'
        ? asStatus(options.onSpike)
        : 'pass';
  const sample = [
    {
      run_id: runId,
      value,
      verdict: verdict.status,
      compared: verdict.compared,
      ...(verdict.expected
        ? {
            median: verdict.expected.median,
            expected_low: Math.round(verdict.expected.low),
            expected_high: Math.round(verdict.expected.high),
          }
        : {}),
    },
  ];
  return { status, failingRows: status === 'pass' ? 0 : 1, message, measure, sample };
}

/**
 * `volume_anomaly`: the newest successful load's NextSong events, objects or rejects (`metric`) against the
 * earlier successful loads in etl_runs: judged with at least `minHistory` (7) of them, robustly (median and MAD),
 * optionally against the same weekday only. A drop and a spike each fail, warn or are ignored.
 */
export const volumeAnomaly = defineCheck({
  schema: z.strictObject({
    type: z.literal('volume_anomaly'),
    metric: z.enum(['nextsong_events', 'objects', 'rejects']),
    /** What a figure below the expected range does (default error). */
    onDrop: reaction.optional(),
    /** What a figure above the expected range does (default warn: a replay or growth is worth a look). */
    onSpike: reaction.optional(),
    minHistory: z.number().int().min(3).max(365).optional(),
    window: z.number().int().min(3).max(365).optional(),
    byWeekday: z.boolean().optional(),
    name: checkNameSchema.optional(),
    description: commonFields.description,
    severity: commonFields.severity,
  }),
  defaultName: (spec) => `volume_${spec.metric}`,
  shape(spec) {
    const { column, label } = volumeMetrics[spec.metric];
    const onDrop = spec.onDrop ?? 'error';
    const onSpike = spec.onSpike ?? 'warn';
    // By weekday, a window of N same-weekday loads needs about 7N loads to look through.
    const window = spec.window ?? 28;
    const rowsNeeded = (spec.byWeekday ? window * 7 : window) + 1;
    return {
      table: 'etl_runs',
      description: `the newest load's ${label} are within the range of earlier loads (drop: ${onDrop}, spike: ${onSpike})`,
      // Loads that read something: a "nothing new" run (files_planned = 0) has no volume; freshness catches a
      // feed that stops. The column name comes from the fixed table above, never from the checks file.
      sql:
        `SELECT run_id, started_at, full_refresh, ${column} AS value FROM etl_runs ` +
        "WHERE status = 'succeeded' AND files_planned > 0 " +
        `ORDER BY run_id DESC LIMIT ${numberLiteral(rowsNeeded)}`,
      keyColumns: [],
      defaultSeverity: onDrop === 'error' || onSpike === 'error' ? 'error' : 'warn',
      judge: (rows) =>
        judgeVolume(rows, {
          metric: spec.metric,
          onDrop,
          onSpike,
          window,
          ...(spec.minHistory === undefined ? {} : { minHistory: spec.minHistory }),
          ...(spec.byWeekday === undefined ? {} : { byWeekday: spec.byWeekday }),
        }),
    };
  },
  problems(spec) {
    if (spec.onDrop === 'ignore' && spec.onSpike === 'ignore')
      return ['onDrop and onSpike are both "ignore": the check could never flag anything'];
    if (spec.minHistory !== undefined && spec.window !== undefined && spec.minHistory > spec.window)
      return [
        `minHistory (${spec.minHistory}) is above window (${spec.window}): the check could never judge`,
      ];
    return [];
  },
});
