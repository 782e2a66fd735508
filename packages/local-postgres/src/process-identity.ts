import { readFileSync, readlinkSync } from 'node:fs';
import { hostname } from 'node:os';

/**
 * Who a process is, by more than its pid: a pid alone is reused after a restart, is 1 for every container's main
 * process, and means another process (or nothing) in another pid namespace.
 */
export interface ProcessIdentity {
  host: string;
  pid: number;
  /** /proc/sys/kernel/random/boot_id: changes when the machine restarts. */
  bootId: string | null;
  /** The pid namespace (`pid:[4026531836]`): pids are only comparable within one. */
  pidNamespace: string | null;
  /** Field 22 of /proc/<pid>/stat: clock ticks after boot at which the process started; a reused pid differs. */
  startTicks: number | null;
}

/** What can be said about a lock's holder from here, and why. */
export interface HolderLiveness {
  state: 'alive' | 'dead' | 'unknown';
  reason: string;
}

function readText(path: string): string | null {
  try {
    return readFileSync(path, 'utf8').trim();
  } catch {
    return null;
  }
}

/** The boot id of this machine's running kernel, or null where /proc does not tell. */
export function bootId(): string | null {
  return readText('/proc/sys/kernel/random/boot_id');
}

/** The pid namespace this process lives in, or null where /proc does not tell. */
export function pidNamespace(): string | null {
  try {
    return readlinkSync('/proc/self/ns/pid');
  } catch {
    return null;
  }
}

/** When a process started, in clock ticks after boot (from /proc/<pid>/stat), or null when unknown or gone. */
export function processStartTicks(pid: number): number | null {
  const stat = readText(`/proc/${pid}/stat`);
  if (!stat) return null;
  // The command name (field 2) is in parentheses and may hold spaces or ')': fields are counted after the last ')'.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const ticks = Number(fields[19]);
  return Number.isSafeInteger(ticks) ? ticks : null;
}

/** Whether a pid names a live process in this pid namespace (EPERM: alive, owned by another user). */
export function isProcessAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** This process's identity, to be written into a lock it takes. */
export function currentProcessIdentity(): ProcessIdentity {
  return {
    host: hostname(),
    pid: process.pid,
    bootId: bootId(),
    pidNamespace: pidNamespace(),
    startTicks: processStartTicks(process.pid),
  };
}

/**
 * Decides from this process whether a lock's holder still runs. Another host, or another pid namespace on this
 * one, cannot be seen from here: "unknown" (a heartbeat or the user must decide). On this host and namespace the
 * holder is dead when the machine restarted since (boot id), when its pid is gone, or when the pid now belongs
 * to a process that started at another time (reused: after a container restart every main process is pid 1).
 */
export function holderLiveness(
  holder: Pick<ProcessIdentity, 'host' | 'pid'> & Partial<ProcessIdentity>,
  self: ProcessIdentity = currentProcessIdentity(),
): HolderLiveness {
  if (holder.host !== self.host)
    return { state: 'unknown', reason: `it runs on another host (${holder.host})` };
  if (holder.bootId && self.bootId && holder.bootId !== self.bootId) {
    return { state: 'dead', reason: 'this machine restarted since it took the lock' };
  }
  if (holder.pidNamespace && self.pidNamespace && holder.pidNamespace !== self.pidNamespace) {
    return {
      state: 'unknown',
      reason: `it runs in another pid namespace (${holder.pidNamespace}: another container)`,
    };
  }
  if (!isProcessAlive(holder.pid)) return { state: 'dead', reason: `process ${holder.pid} is not running` };
  const ticks = holder.startTicks ?? null;
  const now = processStartTicks(holder.pid);
  if (ticks !== null && now !== null && ticks !== now) {
    return {
      state: 'dead',
      reason: `pid ${holder.pid} now belongs to another process (started at another time)`,
    };
  }
  return { state: 'alive', reason: `process ${holder.pid} on this host is running` };
}
