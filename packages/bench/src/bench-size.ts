/** The dataset sizes the benchmark knows; M is the one the targets and the README speak of. */
export type BenchSizeName = 'S' | 'M' | 'L';

/** What one size generates. */
export interface BenchSize {
  name: BenchSizeName;
  events: number;
  songs: number;
  /** One log file per day, as in the public data. */
  days: number;
}

export const benchSizes: Record<BenchSizeName, BenchSize> = {
  S: { name: 'S', events: 100_000, songs: 2_000, days: 30 },
  M: { name: 'M', events: 1_000_000, songs: 10_000, days: 30 },
  L: { name: 'L', events: 10_000_000, songs: 50_000, days: 30 },
};

/** Whether a text names a size (case-insensitive). */
export function isBenchSizeName(text: string): text is BenchSizeName {
  return text === 'S' || text === 'M' || text === 'L';
}
