import { describe, expect, it } from 'vitest';
import { planDays } from './plan-days.js';

describe('planDays', () => {
  it('spreads exactly the requested events over consecutive UTC days with one key per day', () => {
    const days = planDays({ seed: 1, events: 10_007, days: 31, startDate: '2018-11-15', gzip: false });
    expect(days).toHaveLength(31);
    expect(days.reduce((sum, day) => sum + day.events, 0)).toBe(10_007);
    expect(days[0]).toMatchObject({
      date: '2018-11-15',
      key: 'log_data/2018/11/2018-11-15-events.json',
      startMs: Date.UTC(2018, 10, 15),
    });
    expect(days[30]).toMatchObject({ date: '2018-12-15', key: 'log_data/2018/12/2018-12-15-events.json' });
    expect(new Set(days.map((day) => day.events)).size).toBeGreaterThan(1);
  });

  it('names gzip files .json.gz and allows fewer events than days', () => {
    const days = planDays({ seed: 1, events: 2, days: 5, startDate: '2018-11-01', gzip: true });
    expect(days.reduce((sum, day) => sum + day.events, 0)).toBe(2);
    expect(days[0]?.key).toBe('log_data/2018/11/2018-11-01-events.json.gz');
  });
});
