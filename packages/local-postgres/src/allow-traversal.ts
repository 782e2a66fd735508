import { chmodSync, statSync } from 'node:fs';
import { dirname } from 'node:path';

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
