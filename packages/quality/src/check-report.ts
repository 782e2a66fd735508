import type { Severity } from './check.js';
import type { CheckType } from './check-registry.js';

/** pass: no failing rows above a threshold; warn/fail: over the warn/error threshold; error: could not run. */
export type CheckStatus = 'pass' | 'warn' | 'fail' | 'error';

/** The outcome of one check. */
export interface CheckResult {
  name: string;
  type: CheckType;
  table: string | null;
  description: string;
  severity: Severity;
  status: CheckStatus;
  failingRows: number;
  /** The first failing rows (capped), ordered by the check's key columns. */
  sample: Record<string, unknown>[];
  measure?: { label: string; value: number | null };
  /** A judged check's verdict in words: what was expected and what was observed. */
  message?: string;
  /** Why the check could not run (status `error`). */
  error?: string;
  durationMs: number;
}

/** The outcome of a check run: the worst status wins. */
export interface CheckReport {
  status: CheckStatus;
  startedAt: Date;
  finishedAt: Date;
  durationMs: number;
  counts: { passed: number; warned: number; failed: number; errored: number };
  results: CheckResult[];
}
