import { GeneratorOptionsError } from './errors.js';
import { maxSongs } from './song-catalog.js';

/** What to generate; every field has a default. */
export interface GenerateOptions {
  /** Song files (default 1000). */
  songs?: number;
  /** Log lines over all days (default 20000). */
  events?: number;
  /** Consecutive days, one log file each (default 30). */
  days?: number;
  /** Same seed, same bytes (default 42). */
  seed?: string | number;
  /** First day, `yyyy-mm-dd`, UTC (default 2018-11-01). */
  startDate?: string;
  /** Share of NextSong events that exactly match a catalog song (default 0.05; the public data matches fewer). */
  matchRate?: number;
  /** Distinct users (default grows with the square root of events, at least 100). */
  users?: number;
  /** Share of song files written pretty-printed (default 0.3). */
  prettyShare?: number;
  /** Write log files gzip-compressed as `.json.gz` (default false). */
  gzip?: boolean;
  /** Share of log lines replaced by bad records (default 0). */
  defectRate?: number;
}

/** Options with every default applied. */
export type ResolvedGenerateOptions = Required<GenerateOptions>;

/** About 100 users for 20k events, 700 for 1M, 2200 for 10M. */
export function defaultUserCount(events: number): number {
  return Math.max(100, Math.round(Math.sqrt(events) * 0.7));
}

/** Applies defaults and checks ranges; throws GeneratorOptionsError naming the first bad option. */
export function resolveGenerateOptions(options: GenerateOptions = {}): ResolvedGenerateOptions {
  const events = options.events ?? 20_000;
  const resolved: ResolvedGenerateOptions = {
    songs: options.songs ?? 1_000,
    events,
    days: options.days ?? 30,
    seed: options.seed ?? 42,
    startDate: options.startDate ?? '2018-11-01',
    matchRate: options.matchRate ?? 0.05,
    users: options.users ?? defaultUserCount(events),
    prettyShare: options.prettyShare ?? 0.3,
    gzip: options.gzip ?? false,
    defectRate: options.defectRate ?? 0,
  };
  wholeNumber('songs', resolved.songs, 0, maxSongs);
  wholeNumber('events', resolved.events, 0, Number.MAX_SAFE_INTEGER);
  wholeNumber('days', resolved.days, 1, 100_000);
  wholeNumber('users', resolved.users, 1, 10_000_000);
  share('matchRate', resolved.matchRate);
  share('prettyShare', resolved.prettyShare);
  share('defectRate', resolved.defectRate);
  // Date.parse rolls 2018-02-31 over into March; a real date reads back unchanged.
  const startMs = Date.parse(`${resolved.startDate}T00:00:00Z`);
  if (Number.isNaN(startMs) || new Date(startMs).toISOString().slice(0, 10) !== resolved.startDate) {
    throw new GeneratorOptionsError(`startDate must be a date like 2018-11-01, got "${resolved.startDate}"`);
  }
  return resolved;
}

function wholeNumber(name: string, value: number, min: number, max: number): void {
  if (!Number.isSafeInteger(value) || value < min || value > max) {
    throw new GeneratorOptionsError(`${name} must be a whole number from ${min} to ${max}, got ${value}`);
  }
}

function share(name: string, value: number): void {
  if (!(value >= 0 && value <= 1))
    throw new GeneratorOptionsError(`${name} must be a share from 0 to 1, got ${value}`);
}
