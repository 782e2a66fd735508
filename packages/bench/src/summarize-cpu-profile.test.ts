import { describe, expect, it } from 'vitest';
import { summarizeCpuProfile } from './summarize-cpu-profile.js';

describe('summarizeCpuProfile', () => {
  it('adds up self time per function and orders the hottest first', () => {
    const frame = (functionName: string, url: string, lineNumber: number) => ({
      functionName,
      url,
      lineNumber,
    });
    const hot = summarizeCpuProfile({
      nodes: [
        { id: 1, callFrame: frame('(root)', '', -1) },
        { id: 2, callFrame: frame('parse', '', -1) },
        {
          id: 3,
          callFrame: frame('encodeRecord', 'file:///w/packages/loader/dist/records/encode-record.js', 40),
        },
        { id: 4, callFrame: frame('', 'file:///w/node_modules/.pnpm/ajv@8/node_modules/ajv/dist/x.js', 9) },
      ],
      samples: [2, 3, 2, 4, 3, 2],
      timeDeltas: [1000, 500, 1000, 250, 500, 1000],
    });
    expect(hot).toEqual([
      { name: 'parse', where: '', selfMs: 3, share: 3000 / 4250 },
      {
        name: 'encodeRecord',
        where: 'packages/loader/dist/records/encode-record.js:41',
        selfMs: 1,
        share: 1000 / 4250,
      },
      { name: '(anonymous)', where: 'ajv/dist/x.js:10', selfMs: 0.25, share: 250 / 4250 },
    ]);
  });
});
