import { readFileSync, unlinkSync } from 'node:fs';
import { connect } from 'node:net';
import { isProcessAlive } from './process-identity.js';

/** What PostgreSQL writes to `postmaster.pid` in its data folder while it runs. */
export interface PostmasterPid {
  pid: number;
  port: number | undefined;
  /** "starting", "ready", "stopping" (PostgreSQL 10+), or undefined on older files. */
  status: string | undefined;
}

/** What a data folder's postmaster.pid says about its server, checked beyond the pid. */
export type PostmasterState =
  | { state: 'none' }
  | { state: 'running'; pid: number; port: number | undefined; ready: boolean; seenBy: 'pid' | 'port' }
  | { state: 'stale'; pid: number };

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
 * Whether a pid belongs to a live PostgreSQL server as this process sees it. After a crash the pid may have been
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

const SSL_REQUEST = Buffer.from([0, 0, 0, 8, 0x04, 0xd2, 0x16, 0x2f]);

/**
 * Whether a PostgreSQL answers on 127.0.0.1:`port`: it replies to an SSLRequest with one byte, S or N. A server
 * in another pid namespace (a container, a `unshare`d shell) has a pid this process cannot see, but still answers.
 */
export function answersAsPostgres(port: number, timeoutMs = 2000): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    const done = (answer: boolean) => {
      socket.destroy();
      resolve(answer);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('error', () => done(false));
    socket.once('connect', () => socket.write(SSL_REQUEST));
    socket.once('data', (data: Buffer) => done(data[0] === 0x53 || data[0] === 0x4e));
  });
}

/**
 * Reads a data folder's postmaster.pid and decides whether its server runs: by its pid where this process can see
 * it, else by whether PostgreSQL answers on the port it names. Stale only when neither.
 */
export async function postmasterState(dataDir: string): Promise<PostmasterState> {
  const file = readPostmasterPid(dataDir);
  if (!file) return { state: 'none' };
  const ready = file.status === undefined || file.status === 'ready';
  if (isLivePostgres(file.pid))
    return { state: 'running', pid: file.pid, port: file.port, ready, seenBy: 'pid' };
  if (file.port !== undefined && (await answersAsPostgres(file.port))) {
    return { state: 'running', pid: file.pid, port: file.port, ready, seenBy: 'port' };
  }
  return { state: 'stale', pid: file.pid };
}

/**
 * Removes a postmaster.pid left by a server that is gone, checking again right before: never the pid file of a
 * server that still answers (PostgreSQL shuts down when its pid file disappears). Returns whether it removed one.
 */
export async function removeStalePostmasterPid(dataDir: string): Promise<PostmasterState> {
  const state = await postmasterState(dataDir);
  if (state.state !== 'stale') return state;
  try {
    unlinkSync(`${dataDir}/postmaster.pid`);
  } catch {
    // Removed meanwhile.
  }
  return state;
}
