import { setTimeout as sleep } from 'node:timers/promises';

/**
 * Whether a database error is a serialization failure: another transaction's concurrent write won, and this one
 * was rolled back and may simply be retried. PostgreSQL reports SQLSTATE 40001; Redshift reports
 * "ERROR: 1023 DETAIL: Serializable isolation violation on table …" under SERIALIZABLE and SNAPSHOT isolation
 * alike, and SNAPSHOT is the default for new clusters and workgroups, where concurrent writers get this error
 * instead of waiting (https://docs.aws.amazon.com/redshift/latest/dg/c_serial_isolation.html,
 * https://docs.aws.amazon.com/redshift/latest/dg/c_serial_isolation-serializable-isolation-troubleshooting.html).
 */
export function isSerializationFailure(error: unknown): boolean {
  if (error === null || typeof error !== 'object') return false;
  const { code, message, detail } = error as { code?: unknown; message?: unknown; detail?: unknown };
  if (code === '40001') return true;
  const text = `${typeof message === 'string' ? message : ''} ${typeof detail === 'string' ? detail : ''}`;
  return /\b1023\b/.test(text) || /serializable isolation violation/i.test(text);
}

/** How long to keep retrying a serialization failure, and what to call the work in the final error. */
export interface SerializationRetry {
  /** Give up after this long (the command's --wait); 0 retries never. */
  waitMs: number;
  /** First pause; doubles each time up to maxDelayMs, with jitter so that two retriers drift apart. */
  baseDelayMs?: number;
  maxDelayMs?: number;
  onRetry?: (attempt: number, error: unknown) => void;
}

/**
 * Runs `work` (one whole transaction) and runs it again after a serialization failure, with exponential backoff,
 * until `waitMs` has passed; then rethrows the last failure for the caller to report as busy. Any other error is
 * rethrown at once. `work` must be safe to repeat: a failed transaction has been rolled back in full.
 */
export async function retrySerializationFailures<T>(
  work: () => Promise<T>,
  options: SerializationRetry,
): Promise<T> {
  const deadline = Date.now() + options.waitMs;
  let delay = options.baseDelayMs ?? 100;
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await work();
    } catch (error) {
      if (!isSerializationFailure(error) || Date.now() >= deadline) throw error;
      options.onRetry?.(attempt, error);
      const pause = Math.min(delay, options.maxDelayMs ?? 5_000) * (0.5 + Math.random() / 2);
      await sleep(Math.max(1, Math.min(pause, deadline - Date.now())));
      delay *= 2;
    }
  }
}
