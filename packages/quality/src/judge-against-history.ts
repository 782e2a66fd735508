/** One earlier observation of a figure (a load's NextSong events, objects, rejects) and when it was made. */
export interface HistoryPoint {
  value: number;
  at: Date;
}

/** How a figure is judged against its history; every field has a default. */
export interface HistoryJudgement {
  /** Earlier observations needed before any verdict (default 7): a few loads say nothing about normal. */
  minHistory?: number;
  /** The most recent observations used (default 28). */
  window?: number;
  /**
   * How many robust standard deviations (1.4826 × MAD, of the log counts) from the median are still normal
   * (default 5: a day-to-day spread of ±25% then still tolerates about half or twice the median).
   */
  deviations?: number;
  /**
   * The band is never narrower than this ratio on each side (default 0.2: from median / 1.2 to median × 1.2): a
   * perfectly steady history has a MAD of 0, and 10,001 plays after ten days of 10,000 is no anomaly.
   */
  minRelativeBand?: number;
  /**
   * A value within the range the (non-outlying) history itself showed, widened by this share (default 0.1), is
   * normal too: with a dozen loads the MAD can come out small by chance, and a figure the history has already
   * seen is no anomaly.
   */
  rangeMargin?: number;
  /** Compare only with observations made on the same UTC weekday (weekend traffic differs). */
  byWeekday?: boolean;
}

/** The verdict on one figure: normal, too low, too high, or not judged for lack of history. */
export interface HistoryVerdict {
  status: 'normal' | 'low' | 'high' | 'insufficient-history';
  value: number;
  /** The observations compared with (after the window and weekday filters). */
  compared: number;
  /** Needed before a verdict. */
  minHistory: number;
  /** Absent when there is not enough history. */
  expected?: { median: number; low: number; high: number };
  /** What the compared observations actually were. */
  observed?: { min: number; max: number };
}

/** The median of a non-empty list. */
export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

/** The median absolute deviation from the median: a spread that one outlier in the history cannot inflate. */
export function medianAbsoluteDeviation(values: readonly number[]): number {
  const center = median(values);
  return median(values.map((value) => Math.abs(value - center)));
}

const toLog = (value: number) => Math.log1p(Math.max(0, value));
const fromLog = (log: number) => Math.max(0, Math.expm1(log));

/** MAD × 1.4826 estimates the standard deviation of normally distributed data. */
const MAD_TO_SIGMA = 1.4826;

/**
 * Judges a count against earlier observations with the median and the MAD (not mean ± stddev, which one bad
 * day in the history would drag along), on a log scale: normal within median ± max(deviations × 1.4826 × MAD,
 * ln(1 + minRelativeBand)), or within the range of the history's own inliers widened by rangeMargin. Pure; the
 * order of the history does not matter.
 * @example judgeAgainstHistory(1204, at, history) // { status: 'low', expected: { low: 8650, … }, … }
 */
export function judgeAgainstHistory(
  value: number,
  at: Date,
  history: readonly HistoryPoint[],
  options: HistoryJudgement = {},
): HistoryVerdict {
  const minHistory = options.minHistory ?? 7;
  const window = options.window ?? 28;
  const weekday = at.getUTCDay();
  const compared = [...history]
    .filter((point) => !options.byWeekday || point.at.getUTCDay() === weekday)
    .sort((a, b) => b.at.getTime() - a.at.getTime())
    .slice(0, window)
    .map((point) => point.value);
  if (compared.length < minHistory || compared.length === 0) {
    return { status: 'insufficient-history', value, compared: compared.length, minHistory };
  }
  // Counts vary by ratios (a busy day is 20% more, a broken one 90% less), so the judging is on a log scale:
  // a tenth of the usual is then as far out as ten times the usual.
  const logs = compared.map(toLog);
  const center = median(logs);
  const spread = Math.max(
    (options.deviations ?? 5) * MAD_TO_SIGMA * medianAbsoluteDeviation(logs),
    Math.log(1 + (options.minRelativeBand ?? 0.2)),
  );
  // Inliers for the range: generous (twice the band), still leaving out a day of zeros or a tenfold spike.
  const inliers = logs.filter((log) => Math.abs(log - center) <= 2 * spread);
  const margin = Math.log(1 + (options.rangeMargin ?? 0.1));
  const expected = {
    median: median(compared),
    low: fromLog(Math.min(center - spread, Math.min(...inliers) - margin)),
    high: fromLog(Math.max(center + spread, Math.max(...inliers) + margin)),
  };
  const observed = { min: Math.min(...compared), max: Math.max(...compared) };
  const status = value < expected.low ? 'low' : value > expected.high ? 'high' : 'normal';
  return { status, value, compared: compared.length, minHistory, expected, observed };
}

const whole = (value: number) => Math.round(value).toLocaleString('en-US');

/**
 * The verdict in words, e.g. "1,204 NextSong events; the last 14 loads had 9,800–11,300 (median 10,400;
 * expected 8,400–12,600)".
 */
export function describeVerdict(verdict: HistoryVerdict, label: string): string {
  const figure = `${whole(verdict.value)} ${label}`;
  if (!verdict.expected || !verdict.observed) {
    return `${figure}; not judged: ${verdict.compared} earlier load${verdict.compared === 1 ? '' : 's'} to compare with, ${verdict.minHistory} needed`;
  }
  const loads = `the last ${verdict.compared} load${verdict.compared === 1 ? '' : 's'}`;
  const range = `${whole(verdict.observed.min)}–${whole(verdict.observed.max)}`;
  const expected = `expected ${whole(verdict.expected.low)}–${whole(verdict.expected.high)}`;
  const judged = verdict.status === 'low' ? 'too few: ' : verdict.status === 'high' ? 'too many: ' : '';
  return `${judged}${figure}; ${loads} had ${range} (median ${whole(verdict.expected.median)}; ${expected})`;
}
