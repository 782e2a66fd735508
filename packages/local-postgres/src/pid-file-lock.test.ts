import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, mkdtempSync, readFileSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { acquirePidFileLock } from './pid-file-lock.js';
import { currentProcessIdentity, processStartTicks } from './process-identity.js';

const folder = mkdtempSync(join(tmpdir(), 'pid-file-lock-'));
let count = 0;
const lockPath = () => join(folder, `lock-${(count += 1)}`);

describe('acquirePidFileLock', () => {
  it('makes a second holder wait, naming the first, until it releases', async () => {
    const path = lockPath();
    const release = await acquirePidFileLock(path);
    let waitedFor: number | undefined;
    const told = new Promise<void>((resolve) => {
      void acquirePidFileLock(path, {
        pollMs: 20,
        onWait: (holder) => {
          waitedFor = holder.pid;
          resolve();
        },
      }).then((releaseSecond) => releaseSecond());
    });
    await told;
    expect(waitedFor).toBe(process.pid);
    expect(JSON.parse(readFileSync(path, 'utf8'))).toMatchObject({
      pid: process.pid,
      bootId: expect.any(String) as unknown,
    });
    release();
    const third = await acquirePidFileLock(path, { waitMs: 5000, pollMs: 20 });
    third();
    expect(existsSync(path)).toBe(false);
  });

  it('takes over the lock of a process that died, and of a reused pid (a restarted container: pid 1 again)', async () => {
    const child = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60_000)'], { stdio: 'ignore' });
    const dead = { ...currentProcessIdentity(), pid: child.pid!, startTicks: processStartTicks(child.pid!) };
    child.kill('SIGKILL');
    await once(child, 'exit');
    const path = lockPath();
    writeFileSync(path, JSON.stringify({ ...dead, since: '2026-01-01T00:00:00.000Z' }));
    (await acquirePidFileLock(path, { waitMs: 0 }))();

    const me = currentProcessIdentity();
    writeFileSync(path, JSON.stringify({ ...me, startTicks: me.startTicks! - 1, since: 'earlier' }));
    (await acquirePidFileLock(path, { waitMs: 0 }))();

    writeFileSync(path, '999999999 2026-01-01T00:00:00.000Z\n');
    (await acquirePidFileLock(path, { waitMs: 0 }))();
  });

  it('refuses, naming the holder, while a live holder has it; waits out one it cannot see only once it is old', async () => {
    const path = lockPath();
    const release = await acquirePidFileLock(path);
    await expect(acquirePidFileLock(path, { waitMs: 0, purpose: 'starting' })).rejects.toMatchObject({
      code: 'LOCKED',
      message: expect.stringContaining(`pid ${process.pid}`) as unknown,
    });
    release();

    const unseen = { ...currentProcessIdentity(), pid: 1, pidNamespace: 'pid:[1]', since: 'then' };
    writeFileSync(path, JSON.stringify(unseen));
    await expect(acquirePidFileLock(path, { waitMs: 0 })).rejects.toMatchObject({
      message: expect.stringContaining('another pid namespace') as unknown,
    });
    const hourAgo = new Date(Date.now() - 3_600_000);
    utimesSync(path, hourAgo, hourAgo);
    (await acquirePidFileLock(path, { waitMs: 0 }))();
  });
});
