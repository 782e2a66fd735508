import { describe, expect, it } from 'vitest';
import { Prng } from './prng.js';

describe('Prng', () => {
  it('repeats its sequence for the same seed and parts', () => {
    const first = Prng.derive(42, 'song', 7);
    const second = Prng.derive(42, 'song', 7);
    const drawn = Array.from({ length: 50 }, () => first.nextUint32());
    expect(Array.from({ length: 50 }, () => second.nextUint32())).toEqual(drawn);
  });

  it('gives different sequences for different seeds or parts', () => {
    const base = Array.from(
      { length: 8 },
      (
        (random) => () =>
          random.nextUint32()
      )(Prng.derive(42, 'song', 7)),
    );
    const otherSeed = Prng.derive(43, 'song', 7);
    const otherPart = Prng.derive(42, 'song', 8);
    expect(Array.from({ length: 8 }, () => otherSeed.nextUint32())).not.toEqual(base);
    expect(Array.from({ length: 8 }, () => otherPart.nextUint32())).not.toEqual(base);
  });

  it('keeps int() inside its bound and reaches both ends', () => {
    const random = new Prng('bounds');
    const seen = new Set<number>();
    for (let draw = 0; draw < 10_000; draw += 1) {
      const value = random.int(5);
      expect(value).toBeGreaterThanOrEqual(0);
      expect(value).toBeLessThan(5);
      seen.add(value);
    }
    expect([...seen].sort()).toEqual([0, 1, 2, 3, 4]);
  });
});
