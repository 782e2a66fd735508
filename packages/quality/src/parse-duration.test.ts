import { describe, expect, it } from 'vitest';
import { formatDuration, parseDuration } from './parse-duration.js';

const hour = 3_600_000;

describe('parseDuration', () => {
  it('reads simple and ISO 8601 durations', () => {
    expect(parseDuration('36h')).toBe(36 * hour);
    expect(parseDuration('2d')).toBe(48 * hour);
    expect(parseDuration('1d12h')).toBe(36 * hour);
    expect(parseDuration('90m')).toBe(90 * 60_000);
    expect(parseDuration('45s')).toBe(45_000);
    expect(parseDuration('1w')).toBe(168 * hour);
    expect(parseDuration('PT36H')).toBe(36 * hour);
    expect(parseDuration('P2D')).toBe(48 * hour);
    expect(parseDuration('P1DT12H')).toBe(36 * hour);
    expect(parseDuration('pt90m')).toBe(90 * 60_000);
  });

  it('refuses what is not a positive duration', () => {
    for (const text of [
      '',
      '36',
      'h',
      '0h',
      '1.5h',
      '-2d',
      '2 days',
      'P',
      'PT',
      'P1M',
      'P1Y',
      '12h1d',
      'soon',
    ])
      expect({ text, parsed: parseDuration(text) }).toEqual({ text, parsed: undefined });
  });
});

describe('formatDuration', () => {
  it('names the two largest units', () => {
    expect(formatDuration(36 * hour)).toBe('1 d 12 h');
    expect(formatDuration(90 * 60_000)).toBe('1 h 30 m');
    expect(formatDuration(3 * 24 * hour + 5 * hour + 7 * 60_000)).toBe('3 d 5 h');
    expect(formatDuration(72 * hour)).toBe('3 d');
    expect(formatDuration(5 * 24 * hour + 60_000)).toBe('5 d');
    expect(formatDuration(-(2 * hour + 5000))).toBe('2 h');
    expect(formatDuration(400)).toBe('400 ms');
  });
});
