import { describe, expect, it } from 'vitest';
import { parseCheckConfig } from '../parse-check-config.js';
import { judgeFreshness } from './freshness.js';

const now = new Date('2018-12-01T00:00:00Z');
const limits = { warnAfter: '36h', errorAfter: '3d' };

describe('judgeFreshness, with a fixed clock', () => {
  it('passes within warnAfter, warns past it, fails past errorAfter, saying how old against what', () => {
    const fresh = judgeFreshness('2018-11-30 12:00:00', now, { of: 'plays', ...limits });
    expect(fresh).toMatchObject({
      status: 'pass',
      failingRows: 0,
      measure: { label: 'hours old', value: 12 },
    });
    expect(fresh.message).toBe(
      'the newest songplay is from 2018-11-30 12:00:00 UTC, 12 h before the reference time 2018-12-01 00:00:00 UTC ' +
        '(warn after 1 d 12 h, error after 3 d)',
    );
    const stale = judgeFreshness('2018-11-29 06:00:00.000', now, { of: 'plays', ...limits });
    expect(stale).toMatchObject({ status: 'warn', failingRows: 1 });
    expect(stale.message).toMatch(
      /^getting stale: the newest songplay is from 2018-11-29 06:00:00 UTC, 1 d 18 h before .*; expected within 1 d 12 h/,
    );
    const dead = judgeFreshness('2018-11-20 00:00:00', now, { of: 'loads', ...limits });
    expect(dead).toMatchObject({ status: 'fail', failingRows: 1, measure: { value: 264 } });
    expect(dead.message).toMatch(
      /^stale: the last successful load is from 2018-11-20 00:00:00 UTC, 11 d before the reference time 2018-12-01 00:00:00 UTC; expected within 3 d/,
    );
    expect(dead.sample).toEqual([
      { newest: '2018-11-20 00:00:00', reference: '2018-12-01 00:00:00', age_hours: 264 },
    ]);
  });

  it('the boundaries belong to the fresher side: exactly warnAfter old is still a pass', () => {
    expect(judgeFreshness('2018-11-29 12:00:00', now, { of: 'plays', ...limits }).status).toBe('pass');
    expect(judgeFreshness('2018-11-29 11:59:59', now, { of: 'plays', ...limits }).status).toBe('warn');
    expect(judgeFreshness('2018-11-28 00:00:00', now, { of: 'plays', ...limits }).status).toBe('warn');
    expect(judgeFreshness('2018-11-27 23:59:59', now, { of: 'plays', ...limits }).status).toBe('fail');
  });

  it('a newest time after the reference time (a load run today, checked --as-of 2018) is fresh', () => {
    const loadedToday = judgeFreshness('2026-12-01 14:00:00', now, { of: 'loads', ...limits });
    expect(loadedToday.status).toBe('pass');
    expect(loadedToday.message).toBe(
      'the last successful load is from 2026-12-01 14:00:00 UTC, 2922 d 14 h after the reference time ' +
        '2018-12-01 00:00:00 UTC (warn after 1 d 12 h, error after 3 d)',
    );
  });

  it('nothing at all fails (or only warns without errorAfter)', () => {
    expect(judgeFreshness(null, now, { of: 'plays', ...limits })).toMatchObject({
      status: 'fail',
      message: 'songplays is empty: no play has ever been loaded (warn after 1 d 12 h, error after 3 d)',
    });
    expect(judgeFreshness(null, now, { of: 'loads', warnAfter: '1d' }).status).toBe('warn');
  });
});

describe('freshness in a checks file', () => {
  const parse = (check: unknown) => () =>
    parseCheckConfig(JSON.stringify({ checks: [check] }), 'checks.json');

  it('accepts durations and rejects bad ones, naming the field', () => {
    expect(parse({ type: 'freshness', of: 'plays', warnAfter: 'PT12H', errorAfter: '2d' })).not.toThrow();
    expect(parse({ type: 'freshness', of: 'plays', warnAfter: '12 hours' })).toThrow(
      'checks.json: checks[0].warnAfter: expected a duration like 36h, 2d, 1d12h, 90m or ISO 8601 PT36H / P2D',
    );
    expect(parse({ type: 'freshness', of: 'plays' })).toThrow(
      'checks.json: checks[0]: give warnAfter, errorAfter or both',
    );
    expect(parse({ type: 'freshness', of: 'loads', warnAfter: '3d', errorAfter: '36h' })).toThrow(
      'warnAfter (3d) must be shorter than errorAfter (36h)',
    );
    expect(parse({ type: 'freshness', of: 'songs', warnAfter: '1d' })).toThrow('checks[0].of');
    expect(parse({ type: 'freshness', of: 'plays', warnAfter: '1d', warnAbove: 3 })).toThrow('warnAbove');
  });
});
