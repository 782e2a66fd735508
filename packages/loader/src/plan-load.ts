import type { SourceObject } from './sources/source.js';

/** What a load will read and what it skips because the same version was already loaded. */
export interface LoadPlan {
  toLoad: SourceObject[];
  skipped: SourceObject[];
}

/** The ledger's identity of an object version. */
export function versionKey(key: string, etag: string): string {
  return `${key}\u0000${etag}`;
}

/**
 * Decides which listed objects to read: those whose key + ETag is not in the ledger yet, or all of them on a
 * full refresh. Pure: listing and the ledger are read by the caller.
 */
export function planLoad(
  listed: readonly SourceObject[],
  loaded: ReadonlySet<string>,
  fullRefresh: boolean,
): LoadPlan {
  if (fullRefresh) return { toLoad: [...listed], skipped: [] };
  const plan: LoadPlan = { toLoad: [], skipped: [] };
  for (const object of listed) {
    (loaded.has(versionKey(object.key, object.etag)) ? plan.skipped : plan.toLoad).push(object);
  }
  return plan;
}
