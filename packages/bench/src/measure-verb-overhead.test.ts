import { describe, expect, it } from 'vitest';
import { formatVerbOverhead, summarizeVerbOverhead } from './measure-verb-overhead.js';

describe('summarizeVerbOverhead', () => {
  it('takes medians (an odd and an even number of runs) and their difference', () => {
    const [odd, even] = summarizeVerbOverhead([
      {
        verb: 'pnpm migrate status --json',
        viaPnpm: [0.9, 0.7, 5],
        direct: [0.5, 0.4, 0.45],
        sameStdout: true,
      },
      { verb: 'pnpm check --dry-run', viaPnpm: [1, 2, 3, 4], direct: [1, 1, 2, 2], sameStdout: false },
    ]);
    expect(odd).toEqual({
      verb: 'pnpm migrate status --json',
      medianViaPnpm: 0.9,
      medianDirect: 0.45,
      overhead: 0.9 - 0.45,
      sameStdout: true,
    });
    expect(even).toMatchObject({ medianViaPnpm: 2.5, medianDirect: 1.5, overhead: 1 });
  });
});

describe('formatVerbOverhead', () => {
  it('prints a table with a header on every column, the target met or not, and a differing stdout', () => {
    expect(
      formatVerbOverhead([
        {
          verb: 'pnpm migrate status --json',
          medianViaPnpm: 0.61,
          medianDirect: 0.4,
          overhead: 0.21,
          sameStdout: true,
        },
        {
          verb: 'pnpm check --dry-run',
          medianViaPnpm: 1.2,
          medianDirect: 0.5,
          overhead: 0.7,
          sameStdout: false,
        },
      ]),
    ).toBe(
      [
        '| verb                       | via pnpm s | binary s | overhead s | ≤ 0.3 s |  stdout |',
        '| -------------------------- | ---------: | -------: | ---------: | ------: | ------: |',
        '| pnpm migrate status --json |      0.610 |    0.400 |      0.210 |     met |    same |',
        '| pnpm check --dry-run       |      1.200 |    0.500 |      0.700 | not met | DIFFERS |',
      ].join('\n'),
    );
  });
});
