import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { waitFor } from '@sparkify/testkit';
import { afterEach, describe, expect, it } from 'vitest';
import { acquireBenchLock } from './bench-lock.js';

describe('acquireBenchLock', () => {
  const folder = mkdtempSync(join(tmpdir(), 'bench-lock-'));
  const path = join(folder, 'bench.lock');
  afterEach(() => rmSync(path, { force: true }));

  it('makes a second benchmark wait, naming the holder, until the first releases', async () => {
    const release = await acquireBenchLock(path, () => undefined);
    let waitedFor: number | null = null;
    let acquired = false;
    const second = acquireBenchLock(path, (pid) => {
      waitedFor = pid;
    }).then((releaseSecond) => {
      acquired = true;
      return releaseSecond;
    });
    await waitFor('the second benchmark to find the lock held', () => waitedFor !== null);
    expect(waitedFor).toBe(process.pid);
    expect(acquired).toBe(false);
    release();
    (await second)();
    expect(acquired).toBe(true);
    expect(existsSync(path)).toBe(false);
  });

  it('takes the lock of a process that is gone', async () => {
    writeFileSync(path, '999999999\n');
    let waited = false;
    const release = await acquireBenchLock(path, () => {
      waited = true;
    });
    expect(waited).toBe(false);
    release();
  });
});
