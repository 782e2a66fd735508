import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { acquirePidFileLock } from '@sparkify/local-postgres';

/**
 * Waits until no other benchmark runs on this machine, then holds the lock file until `release`. Two benchmarks
 * at once share the cores and the disk, and both would report figures worth nothing. A dead holder's lock is taken
 * (dead by pid, boot id and process start time: see @sparkify/local-postgres).
 */
export async function acquireBenchLock(
  path: string,
  onWait: (holderPid: number) => void,
): Promise<() => void> {
  mkdirSync(dirname(path), { recursive: true });
  return acquirePidFileLock(path, {
    pollMs: 1000,
    onWait: (holder) => onWait(holder.pid),
    purpose: 'benchmarking',
  });
}
