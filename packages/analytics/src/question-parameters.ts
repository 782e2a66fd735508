import { AnalyticsError } from './errors.js';

/** What a user asks for: an inclusive date range (`yyyy-mm-dd`, UTC) and how many rows a top list shows. */
export interface QuestionOptions {
  since?: string;
  until?: string;
  limit?: number;
}

/** The values bound to a question's `:since`, `:until` and `:limit`. */
export interface QuestionParameters {
  /** Plays at or after this timestamp (`yyyy-mm-dd 00:00:00`). */
  since: string;
  /** Plays before this timestamp: the day after `--until`, so that `--until` includes its whole day. */
  until: string;
  limit: number;
}

/** Before any Sparkify play, and after any: an absent bound includes everything. */
const earliest = '1900-01-01 00:00:00';
const latest = '9999-12-31 00:00:00';
export const defaultLimit = 10;
const maxLimit = 100_000;

function parseDate(option: string, value: string): number {
  const ms = /^\d{4}-\d{2}-\d{2}$/.test(value) ? Date.parse(`${value}T00:00:00Z`) : Number.NaN;
  // Date.parse rolls 2018-02-31 over into March; a real date reads back unchanged.
  if (Number.isNaN(ms) || new Date(ms).toISOString().slice(0, 10) !== value) {
    throw new AnalyticsError(
      'PARAMETER_INVALID',
      `${option}: expected a date like 2018-11-01, got "${value}"`,
    );
  }
  return ms;
}

const timestamp = (ms: number) => `${new Date(ms).toISOString().slice(0, 10)} 00:00:00`;

/** Checks the options and turns them into bound values; throws PARAMETER_INVALID naming the option. */
export function resolveParameters(options: QuestionOptions = {}): QuestionParameters {
  const limit = options.limit ?? defaultLimit;
  if (!Number.isSafeInteger(limit) || limit < 1 || limit > maxLimit) {
    throw new AnalyticsError(
      'PARAMETER_INVALID',
      `--limit: expected a whole number from 1 to ${maxLimit}, got "${options.limit}"`,
    );
  }
  const since = options.since === undefined ? undefined : parseDate('--since', options.since);
  const until = options.until === undefined ? undefined : parseDate('--until', options.until);
  if (since !== undefined && until !== undefined && until < since) {
    throw new AnalyticsError(
      'PARAMETER_INVALID',
      `--until ${options.until} is before --since ${options.since}: no day could match`,
    );
  }
  return {
    since: since === undefined ? earliest : timestamp(since),
    until: until === undefined ? latest : timestamp(until + 86_400_000),
    limit,
  };
}
