import { readFileSync } from 'node:fs';
import { isProcessAlive } from '@sparkify/loader';

/** What PostgreSQL writes to `postmaster.pid` in its data folder while it runs. */
export interface PostmasterPid {
  pid: number;
  port: number | undefined;
  /** "starting", "ready", "stopping" (PostgreSQL 10+), or undefined on older files. */
  status: string | undefined;
}

/** Parses the text of a postmaster.pid file; undefined when it is not one. */
export function parsePostmasterPid(text: string): PostmasterPid | undefined {
  const lines = text.split('\n').map((line) => line.trim());
  const pid = Number(lines[0]);
  if (!Number.isInteger(pid) || pid <= 0) return undefined;
  const port = Number(lines[3]);
  return { pid, port: Number.isInteger(port) && port > 0 ? port : undefined, status: lines[7] || undefined };
}

/** Reads `<dataDir>/postmaster.pid`, or undefined when there is none. */
export function readPostmasterPid(dataDir: string): PostmasterPid | undefined {
  try {
    return parsePostmasterPid(readFileSync(`${dataDir}/postmaster.pid`, 'utf8'));
  } catch {
    return undefined;
  }
}

/**
 * Whether a pid belongs to a live PostgreSQL server. After a crash the pid in postmaster.pid may have been
 * reused by an unrelated process, so where /proc tells the program name, it must be postgres.
 */
export function isLivePostgres(pid: number): boolean {
  if (!isProcessAlive(pid)) return false;
  try {
    return readFileSync(`/proc/${pid}/comm`, 'utf8').trim() === 'postgres';
  } catch {
    return true;
  }
}
