import { describe, expect, it } from 'vitest';
import { BenchUsageError, parseBenchArgs } from './parse-bench-args.js';

describe('parseBenchArgs', () => {
  it('defaults to size M, seed 42, nothing kept', () => {
    expect(parseBenchArgs([])).toEqual({
      size: 'M',
      seed: 42,
      keep: false,
      profile: false,
      loader: null,
      workers: null,
      help: false,
    });
  });

  it('reads every option, in both spellings, and ignores the -- pnpm passes on', () => {
    expect(
      parseBenchArgs([
        '--',
        '--size',
        's',
        '--seed=7',
        '--keep',
        '--profile',
        '--loader',
        '/tmp/loader',
        '--workers',
        '0',
      ]),
    ).toEqual({
      size: 'S',
      seed: 7,
      keep: true,
      profile: true,
      loader: '/tmp/loader',
      workers: 0,
      help: false,
    });
    expect(parseBenchArgs(['--size=L']).size).toBe('L');
    expect(parseBenchArgs(['--size', 'Growth']).size).toBe('growth');
    expect(parseBenchArgs(['--size', 'verbs']).size).toBe('verbs');
  });

  it('refuses unknown sizes, bad seeds, missing values and unknown flags with a message', () => {
    expect(() => parseBenchArgs(['--size', 'XL'])).toThrow(
      /--size: expected S, M, L, growth or verbs, got "XL"/,
    );
    expect(() => parseBenchArgs(['--seed', '-1'])).toThrow(BenchUsageError);
    expect(() => parseBenchArgs(['--seed'])).toThrow(/--seed needs a value/);
    expect(() => parseBenchArgs(['--workers', 'two'])).toThrow(/--workers: expected a whole number/);
    expect(() => parseBenchArgs(['--fast'])).toThrow(/unknown argument "--fast"/);
  });
});
