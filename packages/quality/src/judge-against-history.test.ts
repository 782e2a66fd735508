import { describe, expect, it } from 'vitest';
import {
  describeVerdict,
  type HistoryPoint,
  judgeAgainstHistory,
  median,
  medianAbsoluteDeviation,
} from './judge-against-history.js';

const day = 86_400_000;
const start = Date.UTC(2026, 10, 2); // a Monday

/** A deterministic generator (mulberry32), so the histories are the same on every run. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Daily loads around `level` with ±`jitter` uniform noise and weekends at `weekend` × level. */
function history(days: number, level: number, jitter: number, seed: number, weekend = 1): HistoryPoint[] {
  const next = random(seed);
  return Array.from({ length: days }, (_, index) => {
    const at = new Date(start + index * day);
    const weekday = at.getUTCDay();
    const base = weekday === 0 || weekday === 6 ? level * weekend : level;
    return { at, value: Math.round(base * (1 + jitter * (2 * next() - 1))) };
  });
}

const after = (points: HistoryPoint[]) => new Date(points[points.length - 1]!.at.getTime() + day);

describe('judgeAgainstHistory', () => {
  it('median and MAD are the textbook ones', () => {
    expect(median([5, 1, 3])).toBe(3);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(medianAbsoluteDeviation([1, 1, 2, 2, 4, 6, 9])).toBe(1);
  });

  it('flags a planted drop to a tenth of the usual volume, and says what was expected', () => {
    // ±25% is the generator's own day-to-day spread.
    const past = history(14, 10_000, 0.25, 1);
    const verdict = judgeAgainstHistory(1_000, after(past), past);
    expect(verdict.status).toBe('low');
    expect(verdict.compared).toBe(14);
    expect(verdict.expected!.low).toBeGreaterThan(1_000);
    expect(verdict.observed!.min).toBeGreaterThan(7_500);
    expect(describeVerdict(verdict, 'NextSong events')).toMatch(
      /^too few: 1,000 NextSong events; the last 14 loads had \d,\d{3}–\d{2},\d{3} \(median [\d,]+; expected [\d,]+–[\d,]+\)$/,
    );
    for (let seed = 1; seed <= 200; seed += 1) {
      const noisy = history(14, 10_000, 0.25, seed);
      expect(judgeAgainstHistory(1_000, after(noisy), noisy).status, `seed ${seed}`).toBe('low');
    }
  });

  it('flags a planted spike', () => {
    const past = history(20, 10_000, 0.15, 2);
    expect(judgeAgainstHistory(30_000, after(past), past).status).toBe('high');
  });

  it('does not alarm on any day of a normal week (±25% day to day, as in the generator), over many seeds', () => {
    for (let seed = 1; seed <= 500; seed += 1) {
      const all = history(21, 10_000, 0.25, seed);
      for (let index = 14; index < 21; index += 1) {
        const verdict = judgeAgainstHistory(all[index]!.value, all[index]!.at, all.slice(0, index));
        expect(verdict.status, `seed ${seed} day ${index}`).toBe('normal');
      }
    }
  });

  it('is not pulled off by one bad day in the history (mean ± stddev would be)', () => {
    const past = history(14, 10_000, 0.1, 3);
    past[5]!.value = 0;
    const verdict = judgeAgainstHistory(5_000, after(past), past);
    expect(verdict.status).toBe('low');
    expect(judgeAgainstHistory(10_400, after(past), past).status).toBe('normal');
  });

  it('does not judge with less history than asked for', () => {
    const past = history(6, 10_000, 0.1, 4);
    const verdict = judgeAgainstHistory(10, after(past), past);
    expect(verdict).toEqual({ status: 'insufficient-history', value: 10, compared: 6, minHistory: 7 });
    expect(describeVerdict(verdict, 'plays')).toBe(
      '10 plays; not judged: 6 earlier loads to compare with, 7 needed',
    );
    expect(judgeAgainstHistory(10, after(past), past, { minHistory: 5 }).status).toBe('low');
  });

  it('a steady history still tolerates small changes (the relative floor)', () => {
    const past = Array.from({ length: 10 }, (_, index) => ({
      at: new Date(start + index * day),
      value: 100,
    }));
    expect(judgeAgainstHistory(110, after(past), past).status).toBe('normal');
    expect(judgeAgainstHistory(70, after(past), past).status).toBe('low');
  });

  it('by weekday, a quiet Sunday is compared with Sundays (no false alarm) and a Monday with Mondays', () => {
    // A business product: weekends see a tenth of the weekday traffic.
    const past = history(8 * 7, 10_000, 0.1, 5, 0.1);
    const monday = new Date(start + 8 * 7 * day);
    const sunday = new Date(monday.getTime() + 6 * day);
    expect([monday.getUTCDay(), sunday.getUTCDay()]).toEqual([1, 0]);
    // Against the mixed history, a usual Sunday looks like a drop.
    expect(judgeAgainstHistory(1_000, sunday, past).status).toBe('low');
    expect(judgeAgainstHistory(1_000, sunday, past, { byWeekday: true })).toMatchObject({
      status: 'normal',
      compared: 8,
    });
    expect(judgeAgainstHistory(1_000, monday, past, { byWeekday: true }).status).toBe('low');
    expect(judgeAgainstHistory(10_000, sunday, past, { byWeekday: true }).status).toBe('high');
  });
});
