import { describe, expect, it } from 'vitest';
import { evaluateStatus, worstStatus } from './evaluate-status.js';

describe('evaluateStatus', () => {
  it('fails an error check on any failing row by default', () => {
    expect(evaluateStatus(0, 'error', {})).toBe('pass');
    expect(evaluateStatus(1, 'error', {})).toBe('fail');
  });

  it('never fails a warn check', () => {
    expect(evaluateStatus(0, 'warn', {})).toBe('pass');
    expect(evaluateStatus(1_000_000, 'warn', { errorAbove: 0 })).toBe('warn');
  });

  it('warns between the thresholds and fails above errorAbove', () => {
    const thresholds = { warnAbove: 2, errorAbove: 10 };
    expect(evaluateStatus(2, 'error', thresholds)).toBe('pass');
    expect(evaluateStatus(3, 'error', thresholds)).toBe('warn');
    expect(evaluateStatus(10, 'error', thresholds)).toBe('warn');
    expect(evaluateStatus(11, 'error', thresholds)).toBe('fail');
  });

  it('warns on tolerated failing rows when only errorAbove is set', () => {
    expect(evaluateStatus(5, 'error', { errorAbove: 5 })).toBe('warn');
  });
});

describe('worstStatus', () => {
  it('ranks error over fail over warn over pass', () => {
    expect(worstStatus([])).toBe('pass');
    expect(worstStatus(['pass', 'warn'])).toBe('warn');
    expect(worstStatus(['warn', 'fail', 'pass'])).toBe('fail');
    expect(worstStatus(['fail', 'error'])).toBe('error');
  });
});
