import { describe, expect, it } from 'vitest';
import { judgeNullRates } from './null-rate.js';

/** etl_field_nulls rows as the check's query returns them, newest run first: per run, per field, nulls of 300. */
function history(runs: readonly Record<string, number>[]): Record<string, unknown>[] {
  return runs
    .flatMap((fields, index) =>
      Object.entries(fields).map(([field, nulls]) => ({
        run_id: String(index + 1),
        dataset: 'events',
        field,
        records: '300',
        nulls: String(nulls),
      })),
    )
    .reverse();
}

const usual = (run: number) => ({ location: run % 3, userAgent: 0, artist: 10 + (run % 5) });

describe('judgeNullRates', () => {
  it('a field that stops arriving (location always null today, rarely before) is flagged by name', () => {
    const runs = [
      ...Array.from({ length: 14 }, (_, run) => usual(run)),
      { location: 300, userAgent: 0, artist: 12 },
    ];
    const judged = judgeNullRates(history(runs));
    expect(judged.status).toBe('fail');
    expect(judged.failingRows).toBe(1);
    expect(judged.message).toBe(
      'run 15: events.location null in 100% of 300 records; the last 14 loads had 0%–0.7% (median 0.3%; expected at most 25.3%)',
    );
    expect(judged.sample).toEqual([
      expect.objectContaining({ field: 'events.location', run_id: 15, nulls: 300, null_share: 1 }),
    ]);
  });

  it('usual null rates pass; a field that varies a lot is given its own spread', () => {
    const runs = Array.from({ length: 15 }, (_, run) => usual(run));
    expect(judgeNullRates(history(runs))).toMatchObject({
      status: 'pass',
      message: 'run 15: 3 fields null no more often than usual',
    });
    const noisy = Array.from({ length: 14 }, (_, run) => ({ location: run % 2 === 0 ? 30 : 150 }));
    expect(judgeNullRates(history([...noisy, { location: 200 }])).status).toBe('pass');
  });

  it('too little history, or too few records in the newest load, is a pass with a note', () => {
    const short = judgeNullRates(history([usual(1), usual(2), { location: 300, userAgent: 0, artist: 0 }]));
    expect(short).toMatchObject({ status: 'pass', failingRows: 0 });
    expect(short.message).toBe(
      'run 3: 3 fields not judged: at most 2 earlier loads to compare with, 7 needed',
    );
    const rows = history([...Array.from({ length: 10 }, (_, run) => usual(run)), { location: 300 }]);
    rows[0] = { ...rows[0], records: '5', nulls: '5' };
    expect(judgeNullRates(rows).status).toBe('pass');
    expect(judgeNullRates([]).message).toBe(
      'no successful load has read anything yet: null rates not judged',
    );
  });

  it('a newest load that staged no such records judges nothing (it is not mistaken for the one before)', () => {
    const runs = [...Array.from({ length: 10 }, (_, run) => usual(run)), { location: 300 }];
    const rows = [{ run_id: '12', dataset: null, field: null, records: null, nulls: null }, ...history(runs)];
    expect(judgeNullRates(rows)).toMatchObject({
      status: 'pass',
      message: 'run 12: no field with enough records to judge',
    });
  });
});
