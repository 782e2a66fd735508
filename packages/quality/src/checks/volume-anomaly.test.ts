import { describe, expect, it } from 'vitest';
import { parseCheckConfig } from '../parse-check-config.js';
import { judgeVolume } from './volume-anomaly.js';

/** etl_runs rows as the check's query returns them: newest first, one load a day from 2018-11-01 at 02:00. */
function loads(values: readonly number[], fullRefresh: readonly number[] = []): Record<string, unknown>[] {
  return values
    .map((value, index) => ({
      run_id: String(index + 1),
      started_at: new Date(Date.UTC(2018, 10, 1 + index, 2)).toISOString().replace('T', ' ').replace('Z', ''),
      full_refresh: fullRefresh.includes(index + 1),
      value: String(value),
    }))
    .reverse();
}

const steady = [
  9800, 10_400, 11_300, 10_100, 10_600, 9900, 10_200, 10_900, 10_000, 10_300, 10_700, 9950, 10_500, 10_450,
];
const nextsong = { metric: 'nextsong_events', onDrop: 'error', onSpike: 'warn' } as const;

describe('judgeVolume', () => {
  it('a tenth of the usual NextSong events fails, naming the range of the earlier loads and the median', () => {
    const judged = judgeVolume(loads([...steady, 1204]), nextsong);
    expect(judged.status).toBe('fail');
    expect(judged.failingRows).toBe(1);
    expect(judged.message).toMatch(
      /^run 15: too few: 1,204 NextSong events; the last 14 loads had 9,800–11,300 \(median 10,350; expected [\d,]+–[\d,]+\)$/,
    );
    expect(judged.measure).toEqual({ label: 'NextSong events', value: 1204 });
    expect(judged.sample?.[0]).toMatchObject({
      run_id: 15,
      value: 1204,
      verdict: 'low',
      compared: 14,
      median: 10_350,
    });
  });

  it('a normal day passes; a spike warns (a replay or growth), and each direction can be set', () => {
    expect(judgeVolume(loads([...steady, 10_800]), nextsong)).toMatchObject({
      status: 'pass',
      failingRows: 0,
    });
    expect(judgeVolume(loads([...steady, 60_000]), nextsong)).toMatchObject({
      status: 'warn',
      failingRows: 1,
    });
    expect(judgeVolume(loads([...steady, 60_000]), { ...nextsong, onSpike: 'error' }).status).toBe('fail');
    expect(judgeVolume(loads([...steady, 1204]), { ...nextsong, onDrop: 'ignore' }).status).toBe('pass');
  });

  it('too little history is a pass with a note, never an alarm', () => {
    const judged = judgeVolume(loads([10_000, 10_000, 10_000, 10]), nextsong);
    expect(judged).toMatchObject({ status: 'pass', failingRows: 0 });
    expect(judged.message).toBe(
      'run 4: 10 NextSong events; not judged: 3 earlier loads to compare with, 7 needed',
    );
    expect(judgeVolume([], nextsong).message).toBe(
      'no successful load has read anything yet: NextSong events not judged',
    );
  });

  it('full refreshes are neither judged nor history: they re-read everything', () => {
    const refresh = judgeVolume(loads([...steady, 500_000], [15]), nextsong);
    expect(refresh.status).toBe('pass');
    expect(refresh.message).toContain('run 15 was a full refresh');
    // The 500,000 of run 8 is left out of the history, so run 16's normal day is judged against the others.
    const values = [...steady];
    values[7] = 500_000;
    expect(judgeVolume(loads([...values, 10_000], [8]), nextsong).sample?.[0]).toMatchObject({
      compared: 13,
    });
  });

  it('rejects: appearing where there were none warns; fewer is ignored', () => {
    const rejects = { metric: 'rejects', onDrop: 'ignore', onSpike: 'warn' } as const;
    expect(judgeVolume(loads([...Array<number>(10).fill(0), 40]), rejects)).toMatchObject({ status: 'warn' });
    expect(judgeVolume(loads([...Array<number>(10).fill(30), 0]), rejects)).toMatchObject({ status: 'pass' });
  });

  it('by weekday: compared only with loads started on the same UTC weekday', () => {
    // 58 days from Thursday 2018-11-01: weekdays at 10,000, Saturdays and Sundays at 3,000; run 59 is a Saturday.
    const days = Array.from({ length: 58 }, (_, index) => ([2, 3].includes(index % 7) ? 3000 : 10_000));
    const byWeekday = { ...nextsong, byWeekday: true };
    expect(judgeVolume(loads([...days, 3100]), nextsong).status).toBe('fail');
    const quietSaturday = judgeVolume(loads([...days, 3100]), byWeekday);
    expect(quietSaturday).toMatchObject({
      status: 'pass',
      sample: [expect.objectContaining({ compared: 8 })],
    });
    expect(quietSaturday.message).toContain('(same UTC weekday as run 59)');
    expect(judgeVolume(loads([...days, 10_000]), byWeekday).status).toBe('warn');
  });
});

describe('volume_anomaly in a checks file', () => {
  const parse = (check: unknown) => () =>
    parseCheckConfig(JSON.stringify({ checks: [check] }), 'checks.json');
  it('validates metric and reactions', () => {
    expect(
      parse({ type: 'volume_anomaly', metric: 'objects', onDrop: 'warn', byWeekday: true }),
    ).not.toThrow();
    expect(parse({ type: 'volume_anomaly', metric: 'plays' })).toThrow('checks[0].metric');
    expect(parse({ type: 'volume_anomaly', metric: 'rejects', onDrop: 'ignore', onSpike: 'ignore' })).toThrow(
      'could never flag anything',
    );
    expect(parse({ type: 'volume_anomaly', metric: 'rejects', minHistory: 10, window: 5 })).toThrow(
      'minHistory (10) is above window (5)',
    );
  });
});
