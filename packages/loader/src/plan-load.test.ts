import { describe, expect, it } from 'vitest';
import { planLoad, versionKey } from './plan-load.js';
import type { SourceObject } from './sources/source.js';

const object = (key: string, etag: string): SourceObject => ({ dataset: 'events', key, etag, size: 1 });

describe('planLoad', () => {
  const listed = [object('a', '1'), object('b', '1'), object('c', '2')];

  it('skips versions already in the ledger and loads the rest', () => {
    const plan = planLoad(listed, new Set([versionKey('a', '1'), versionKey('c', '1')]), false);
    expect(plan.toLoad.map((o) => o.key)).toEqual(['b', 'c']);
    expect(plan.skipped.map((o) => o.key)).toEqual(['a']);
  });

  it('loads everything on a full refresh', () => {
    const plan = planLoad(listed, new Set([versionKey('a', '1')]), true);
    expect(plan.toLoad).toHaveLength(3);
    expect(plan.skipped).toHaveLength(0);
  });
});
