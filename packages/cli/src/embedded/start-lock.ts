import { closeSync, openSync, readFileSync, unlinkSync, writeSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { CliError, ExitCode } from '../errors.js';
import { isProcessAlive } from '@sparkify/loader';

const WAIT_MS = 120_000;
const POLL_MS = 150;

function tryAcquire(lockFile: string): boolean {
  try {
    const fd = openSync(lockFile, 'wx', 0o600);
    writeSync(fd, `${process.pid} ${new Date().toISOString()}\n`);
    closeSync(fd);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  }
}

function holderOf(lockFile: string): { pid: number; since: string } | undefined {
  try {
    const [pid, since] = readFileSync(lockFile, 'utf8').trim().split(' ');
    return { pid: Number(pid), since: since ?? '?' };
  } catch {
    return undefined;
  }
}

/**
 * Runs `work` while holding an exclusive lock file (created with O_EXCL), so that two commands started at once
 * do not both initialise or start the embedded server. A lock left by a dead process is taken over.
 */
export async function withStartLock<T>(lockFile: string, work: () => Promise<T>): Promise<T> {
  const deadline = Date.now() + WAIT_MS;
  while (!tryAcquire(lockFile)) {
    const holder = holderOf(lockFile);
    if (holder && Number.isInteger(holder.pid) && !isProcessAlive(holder.pid)) {
      unlinkSync(lockFile);
      continue;
    }
    if (Date.now() > deadline) {
      throw new CliError(
        `another sparkify process (pid ${holder?.pid ?? '?'}) has been starting the embedded PostgreSQL since ` +
          `${holder?.since ?? '?'}; if it is stuck, stop it or remove ${lockFile}`,
        ExitCode.cannotRun,
        'EMBEDDED_LOCKED',
      );
    }
    await sleep(POLL_MS);
  }
  try {
    return await work();
  } finally {
    try {
      unlinkSync(lockFile);
    } catch {
      // Already gone: `db reset` removes the whole folder.
    }
  }
}
