import type { LoadResult } from '@sparkify/loader';

/** What the loader process reports: the load's result (file outcomes counted, not listed) and its resources. */
export interface LoadOutcome {
  result: Omit<LoadResult, 'files'> & { files: number };
  /** The load() call, from lock to committed ledger. */
  loadSeconds: number;
  /** Peak resident set of the loader process. */
  maxRssBytes: number;
  /** User + system CPU of the loader process: above the wall time means more than one core was busy. */
  cpuSeconds: number;
}
