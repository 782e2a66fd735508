import { z } from 'zod';
import { durationHint, formatDuration, parseDuration } from '../parse-duration.js';
import { utcFromWallClock, utcText } from '../parse-reference-time.js';
import { checkNameSchema, commonFields, defineCheck, type Judgement } from './check-definition.js';

const duration = z.string().refine((text) => parseDuration(text) !== undefined, `expected ${durationHint}`);

/** What a freshness check watches: the newest play (is data arriving?) or the last successful load (is the job running?). */
const subjects = {
  plays: {
    table: 'songplays',
    what: 'the newest songplay',
    none: 'songplays is empty: no play has ever been loaded',
    // start_time is the play's own time (UTC), the sort key: MAX is cheap.
    sql: 'SELECT MAX(start_time) AS newest, COUNT(*) AS total FROM songplays',
  },
  loads: {
    table: 'etl_runs',
    what: 'the last successful load',
    none: 'no load has succeeded yet (etl_runs)',
    // Any succeeded run, "nothing new" ones included: this asks whether the job runs; plays ask whether data comes.
    sql: "SELECT MAX(finished_at) AS newest, COUNT(*) AS total FROM etl_runs WHERE status = 'succeeded'",
  },
} as const;

/**
 * The freshness verdict: age = reference time − newest; over errorAfter fails, over warnAfter warns. A newest
 * time after the reference time (a historical `--as-of`, a load run today) is fresh.
 */
export function judgeFreshness(
  newestText: unknown,
  now: Date,
  options: { of: keyof typeof subjects; warnAfter?: string; errorAfter?: string },
): Judgement {
  const subject = subjects[options.of];
  const warnMs = options.warnAfter === undefined ? undefined : parseDuration(options.warnAfter);
  const errorMs = options.errorAfter === undefined ? undefined : parseDuration(options.errorAfter);
  const limits = [
    warnMs === undefined ? '' : `warn after ${formatDuration(warnMs)}`,
    errorMs === undefined ? '' : `error after ${formatDuration(errorMs)}`,
  ]
    .filter(Boolean)
    .join(', ');
  const reference = `the reference time ${utcText(now)} UTC`;
  if (newestText === null || newestText === undefined) {
    return {
      status: errorMs === undefined ? 'warn' : 'fail',
      failingRows: 1,
      message: `${subject.none} (${limits})`,
      measure: { label: 'hours old', value: null },
      sample: [{ newest: null, reference: utcText(now) }],
    };
  }
  const newest = utcFromWallClock(String(newestText));
  const ageMs = now.getTime() - newest.getTime();
  const figure = `${subject.what} is from ${utcText(newest)} UTC`;
  const sample = [{ newest: utcText(newest), reference: utcText(now), age_hours: round(ageMs / 3_600_000) }];
  const measure = { label: 'hours old', value: round(ageMs / 3_600_000) };
  if (ageMs <= 0) {
    return {
      status: 'pass',
      failingRows: 0,
      message: `${figure}, ${ageMs === 0 ? 'at' : `${formatDuration(-ageMs)} after`} ${reference} (${limits})`,
      measure,
      sample,
    };
  }
  const age = `${figure}, ${formatDuration(ageMs)} before ${reference}`;
  if (errorMs !== undefined && ageMs > errorMs) {
    return {
      status: 'fail',
      failingRows: 1,
      message: `stale: ${age}; expected within ${formatDuration(errorMs)} (${limits})`,
      measure,
      sample,
    };
  }
  if (warnMs !== undefined && ageMs > warnMs) {
    return {
      status: 'warn',
      failingRows: 1,
      message: `getting stale: ${age}; expected within ${formatDuration(warnMs)} (${limits})`,
      measure,
      sample,
    };
  }
  return { status: 'pass', failingRows: 0, message: `${age} (${limits})`, measure, sample };
}

const round = (value: number) => Math.round(value * 10) / 10;

/**
 * `freshness`: how old the newest play (`of: "plays"`) or the last successful load (`of: "loads"`) is at the
 * reference time (now, or `sparkify check --as-of`), against `warnAfter` / `errorAfter` (like dbt's
 * warn_after / error_after).
 */
export const freshness = defineCheck({
  schema: z.strictObject({
    type: z.literal('freshness'),
    of: z.enum(['plays', 'loads']),
    warnAfter: duration.optional(),
    errorAfter: duration.optional(),
    name: checkNameSchema.optional(),
    description: commonFields.description,
    severity: commonFields.severity,
  }),
  defaultName: (spec) => `freshness_${spec.of}`,
  shape(spec) {
    const subject = subjects[spec.of];
    const limits = [
      spec.warnAfter === undefined ? '' : `warns after ${spec.warnAfter}`,
      spec.errorAfter === undefined ? '' : `fails after ${spec.errorAfter}`,
    ]
      .filter(Boolean)
      .join(', ');
    return {
      table: subject.table,
      description: `${subject.what} is recent at the reference time (${limits})`,
      sql: subject.sql,
      keyColumns: [],
      judge: (rows, context) => judgeFreshness(rows[0]?.['newest'], context.now, spec),
    };
  },
  problems(spec) {
    if (spec.warnAfter === undefined && spec.errorAfter === undefined)
      return ['give warnAfter, errorAfter or both (e.g. "warnAfter": "36h", "errorAfter": "3d")'];
    const warnMs = spec.warnAfter === undefined ? undefined : parseDuration(spec.warnAfter);
    const errorMs = spec.errorAfter === undefined ? undefined : parseDuration(spec.errorAfter);
    if (warnMs !== undefined && errorMs !== undefined && warnMs >= errorMs)
      return [`warnAfter (${spec.warnAfter}) must be shorter than errorAfter (${spec.errorAfter})`];
    if (spec.severity === 'warn' && spec.errorAfter !== undefined)
      return ['errorAfter has no effect with severity "warn"; drop it or use warnAfter'];
    return [];
  },
});
