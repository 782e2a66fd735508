import { closeSync, openSync, readFileSync, statSync, unlinkSync, writeSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { LocalPostgresError } from './errors.js';
import {
  currentProcessIdentity,
  type HolderLiveness,
  holderLiveness,
  type ProcessIdentity,
} from './process-identity.js';

/** Who holds a lock file, as it says, and since when. */
export interface PidFileHolder extends Partial<ProcessIdentity> {
  pid: number;
  host: string;
  since: string;
}

export interface PidFileLockOptions {
  /** Give up after this long (default: wait as long as it takes). */
  waitMs?: number;
  pollMs?: number;
  /** Told once when the lock is busy, with its holder and what is known of it. */
  onWait?: (holder: PidFileHolder, liveness: HolderLiveness) => void;
  /**
   * A holder this process cannot see (another pid namespace) is taken over once its lock file is older than this
   * (default 10 minutes): the work these locks guard takes seconds.
   */
  unknownAfterMs?: number;
  /** What the lock is for, in the error when waiting runs out ("starting the embedded PostgreSQL"). */
  purpose?: string;
}

/** Parses a lock file: this package's JSON, or the older `pid since` / `pid` lines (taken as this host). */
export function parsePidFile(text: string, host: string): PidFileHolder | undefined {
  try {
    const parsed = JSON.parse(text) as Partial<PidFileHolder>;
    if (
      typeof parsed === 'object' &&
      parsed &&
      Number.isInteger(parsed.pid) &&
      typeof parsed.host === 'string'
    ) {
      return { since: '?', ...parsed } as PidFileHolder;
    }
  } catch {
    // Not JSON: an older lock file.
  }
  const [pid, since] = text.trim().split(/\s+/);
  return Number.isInteger(Number(pid)) && Number(pid) > 0
    ? { pid: Number(pid), host, since: since ?? '?' }
    : undefined;
}

function tryCreate(path: string, me: PidFileHolder): boolean {
  try {
    const fd = openSync(path, 'wx', 0o600);
    try {
      writeSync(fd, `${JSON.stringify(me)}\n`);
    } finally {
      closeSync(fd);
    }
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  }
}

function readHolder(
  path: string,
  host: string,
): { holder?: PidFileHolder; text: string; ageMs: number } | null {
  try {
    const text = readFileSync(path, 'utf8');
    return { holder: parsePidFile(text, host), text, ageMs: Date.now() - statSync(path).mtimeMs };
  } catch {
    return null;
  }
}

/** Removes the lock file only if it still holds `text` (another waiter may have replaced it meanwhile). */
function removeIfUnchanged(path: string, text: string): void {
  try {
    if (readFileSync(path, 'utf8') === text) unlinkSync(path);
  } catch {
    // Gone already.
  }
}

/**
 * Takes an exclusive lock file (created with O_EXCL) naming this process by host, boot id, pid namespace, pid and
 * start time. A lock whose holder is dead (see holderLiveness) is taken over; one whose holder cannot be seen
 * from here is taken over once older than `unknownAfterMs`. Returns the release function.
 */
export async function acquirePidFileLock(
  path: string,
  options: PidFileLockOptions = {},
): Promise<() => void> {
  const self = currentProcessIdentity();
  const me: PidFileHolder = { ...self, since: new Date().toISOString() };
  const deadline = options.waitMs === undefined ? Number.POSITIVE_INFINITY : Date.now() + options.waitMs;
  let told = false;
  while (!tryCreate(path, me)) {
    const found = readHolder(path, self.host);
    if (!found) continue;
    const liveness: HolderLiveness = found.holder
      ? holderLiveness(found.holder, self)
      : { state: 'dead', reason: 'the lock file names no process' };
    const unseenTooLong =
      liveness.state === 'unknown' &&
      found.holder?.host === self.host &&
      found.ageMs > (options.unknownAfterMs ?? 600_000);
    if (liveness.state === 'dead' || unseenTooLong) {
      removeIfUnchanged(path, found.text);
      continue;
    }
    if (!told && found.holder) options.onWait?.(found.holder, liveness);
    told = true;
    if (Date.now() > deadline) {
      const holder = found.holder;
      throw new LocalPostgresError(
        'LOCKED',
        `another process (pid ${holder?.pid ?? '?'} on ${holder?.host ?? '?'}) has been ${options.purpose ?? 'holding'} ` +
          `${path} since ${holder?.since ?? '?'} (${liveness.reason}); if it is stuck, stop it or remove ${path}`,
      );
    }
    await sleep(options.pollMs ?? 150);
  }
  const mine = readFileSync(path, 'utf8');
  return () => removeIfUnchanged(path, mine);
}

/** Runs `work` while holding the lock file (see acquirePidFileLock), releasing it however `work` ends. */
export async function withPidFileLock<T>(
  path: string,
  work: () => Promise<T>,
  options: PidFileLockOptions = {},
): Promise<T> {
  const release = await acquirePidFileLock(path, options);
  try {
    return await work();
  } finally {
    release();
  }
}
