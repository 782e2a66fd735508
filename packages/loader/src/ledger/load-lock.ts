import { setTimeout as sleep } from 'node:timers/promises';
import type { Knex } from 'knex';
import { isSerializationFailure } from '@sparkify/schema';
import { LoaderError } from '../errors.js';
import { readSqlTimestamp, sqlTimestamp } from './sql-timestamp.js';

/** Who wants (or holds) the load lock. */
export interface LockHolder {
  /** Unique per load: host, pid and a random part. */
  holder: string;
  host: string;
  pid: number;
}

export interface LockState extends Partial<LockHolder> {
  acquiredAt: Date | null;
}

export interface AcquireOptions {
  /** Wait up to this long for a busy lock (0: fail at once with who holds it). */
  waitMs: number;
  pollMs?: number;
  /** Whether a pid on this host is alive; a dead holder's lock is recovered. */
  isProcessAlive: (pid: number) => boolean;
  now?: () => Date;
}

/** Reads the lock row. */
export async function readLoadLock(knex: Knex): Promise<LockState> {
  const row = await knex('etl_lock').where({ lock_id: 1 }).first();
  return {
    holder: row?.holder ?? undefined,
    host: row?.host ?? undefined,
    pid: row?.pid ?? undefined,
    acquiredAt: row?.acquired_at ? readSqlTimestamp(row.acquired_at as Date | string) : null,
  };
}

async function compareAndSet(
  knex: Knex,
  me: LockHolder,
  expectedHolder: string | null,
  now: Date,
): Promise<boolean> {
  const query = knex('etl_lock').where({ lock_id: 1 });
  if (expectedHolder === null) query.whereNull('holder');
  else query.where({ holder: expectedHolder });
  const updated = await query.update({
    holder: me.holder,
    host: me.host,
    pid: me.pid,
    acquired_at: sqlTimestamp(now),
    run_id: null,
  });
  return updated === 1;
}

/**
 * The compare-and-set, where losing a serialization conflict (Redshift 1023: under SNAPSHOT isolation two
 * concurrent UPDATEs of the lock row do not wait for each other, the second is aborted) means another load got
 * there first: 'conflict', to be treated as busy, never as a crash.
 */
async function compareAndSetOrConflict(
  knex: Knex,
  me: LockHolder,
  expectedHolder: string | null,
  now: Date,
): Promise<boolean | 'conflict'> {
  try {
    return await compareAndSet(knex, me, expectedHolder, now);
  } catch (error) {
    if (isSerializationFailure(error)) return 'conflict';
    throw error;
  }
}

/**
 * Takes the single load lock with a compare-and-set UPDATE (portable: Redshift has no advisory locks). A lock
 * whose holder is a dead process on this host is recovered; otherwise waits up to `waitMs`, then fails naming the
 * holder and since when. Returns the holder it replaced when it recovered a dead one.
 */
export async function acquireLoadLock(
  knex: Knex,
  me: LockHolder,
  options: AcquireOptions,
): Promise<{ recoveredFrom?: string }> {
  const now = options.now ?? (() => new Date());
  const deadline = Date.now() + options.waitMs;
  for (;;) {
    const taken = await compareAndSetOrConflict(knex, me, null, now());
    if (taken === true) return {};
    const current = await readLoadLock(knex);
    if (!current.holder && taken !== 'conflict') continue;
    if (
      current.holder &&
      current.host === me.host &&
      current.pid !== undefined &&
      !options.isProcessAlive(current.pid)
    ) {
      const recovered = await compareAndSetOrConflict(knex, me, current.holder, now());
      if (recovered === true) return { recoveredFrom: current.holder };
      if (recovered === false) continue;
    }
    if (Date.now() >= deadline) {
      if (!current.holder) {
        throw new LoaderError(
          'LOCKED',
          'Another load was taking the lock at the same moment (serialization conflict on etl_lock). ' +
            'Run again, or wait for it (--wait <seconds>).',
        );
      }
      const since = current.acquiredAt ? current.acquiredAt.toISOString() : 'an unknown time';
      throw new LoaderError(
        'LOCKED',
        `Another load holds the lock: process ${current.pid ?? '?'} on ${current.host ?? '?'} since ${since}. ` +
          'Wait for it (--wait <seconds>), or if that process is gone, run `sparkify load --break-lock`.',
      );
    }
    await sleep(Math.min(options.pollMs ?? 500, Math.max(1, deadline - Date.now())));
  }
}

/** Releases the lock if this holder still has it. */
export async function releaseLoadLock(knex: Knex, me: LockHolder): Promise<void> {
  await knex('etl_lock')
    .where({ lock_id: 1, holder: me.holder })
    .update({ holder: null, host: null, pid: null, acquired_at: null, run_id: null });
}

/** Frees the lock whoever holds it: for a holder on another machine that is known to be gone. */
export async function breakLoadLock(knex: Knex): Promise<LockState> {
  const before = await readLoadLock(knex);
  await knex('etl_lock')
    .where({ lock_id: 1 })
    .update({ holder: null, host: null, pid: null, acquired_at: null, run_id: null });
  return before;
}
