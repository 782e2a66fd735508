import { setTimeout as sleep } from 'node:timers/promises';
import type { Knex } from 'knex';
import { isSerializationFailure } from '@sparkify/schema';
import { LoaderError } from '../errors.js';
import { readSqlTimestamp, sqlTimestamp } from './sql-timestamp.js';

/** Who wants (or holds) the load lock: host and pid, and where known what tells a reused pid apart. */
export interface LockHolder {
  /** Unique per load: host, pid and a random part. */
  holder: string;
  host: string;
  pid: number;
  /** The machine's boot id (a lock from before a reboot is dead). */
  bootId?: string | null;
  /** The pid namespace: pids of another one (another container) mean nothing here. */
  pidNamespace?: string | null;
  /** The process start time in clock ticks after boot: a reused pid (pid 1 of a restarted container) differs. */
  startTicks?: number | null;
}

export interface LockState extends Partial<LockHolder> {
  acquiredAt: Date | null;
  /** Refreshed by a running holder; a holder nobody can see is recovered once this is old. */
  heartbeatAt: Date | null;
}

/** What the caller can tell about a lock's holder from where it runs (see @sparkify/local-postgres). */
export interface HolderVerdict {
  state: 'alive' | 'dead' | 'unknown';
  reason: string;
}

export interface AcquireOptions {
  /** Wait up to this long for a busy lock (0: fail at once with who holds it). */
  waitMs: number;
  pollMs?: number;
  /** Judges a holder (by host, boot id, pid namespace, pid and start time); a dead holder's lock is recovered. */
  judgeHolder?: (holder: LockState & { host: string; pid: number }) => HolderVerdict;
  /** Older form of judgeHolder: whether a pid on this host is alive. */
  isProcessAlive?: (pid: number) => boolean;
  /**
   * A holder on this host that cannot be seen (another pid namespace) is recovered once its heartbeat is older
   * than this. Default: 2 minutes (holders beat every 15 s).
   */
  staleAfterMs?: number;
  now?: () => Date;
}

/** How often a holder refreshes etl_lock.heartbeat_at. */
export const HEARTBEAT_MS = 15_000;
const STALE_AFTER_MS = 120_000;

/** The etl_lock row as node-postgres reads it: BIGINT arrives as text, TIMESTAMP as a Date. */
interface LockRow {
  lock_id: number;
  holder: string | null;
  host: string | null;
  pid: number | null;
  run_id: string | null;
  acquired_at: Date | string | null;
  boot_id: string | null;
  pid_namespace: string | null;
  start_ticks: string | number | null;
  heartbeat_at: Date | string | null;
}

/** Reads the lock row. */
export async function readLoadLock(knex: Knex): Promise<LockState> {
  const row = await knex<LockRow>('etl_lock').where({ lock_id: 1 }).first();
  const time = (value: unknown) => (value ? readSqlTimestamp(value as Date | string) : null);
  return {
    holder: row?.holder ?? undefined,
    host: row?.host ?? undefined,
    pid: row?.pid ?? undefined,
    bootId: row?.boot_id ?? null,
    pidNamespace: row?.pid_namespace ?? null,
    startTicks: row?.start_ticks === null || row?.start_ticks === undefined ? null : Number(row.start_ticks),
    acquiredAt: time(row?.acquired_at),
    heartbeatAt: time(row?.heartbeat_at),
  };
}

const freeColumns = {
  holder: null,
  host: null,
  pid: null,
  acquired_at: null,
  run_id: null,
  boot_id: null,
  pid_namespace: null,
  start_ticks: null,
  heartbeat_at: null,
};

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
    boot_id: me.bootId ?? null,
    pid_namespace: me.pidNamespace ?? null,
    start_ticks: me.startTicks ?? null,
    heartbeat_at: sqlTimestamp(now),
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

/** The verdict on a holder: the caller's judge, else pid liveness on this host; another host is unknown. */
export function judgeLockHolder(
  current: LockState,
  me: Pick<LockHolder, 'host'>,
  options: Pick<AcquireOptions, 'judgeHolder' | 'isProcessAlive'>,
): HolderVerdict {
  if (current.host === undefined || current.pid === undefined) {
    return { state: 'unknown', reason: 'the lock names no process' };
  }
  if (options.judgeHolder) return options.judgeHolder({ ...current, host: current.host, pid: current.pid });
  if (current.host !== me.host)
    return { state: 'unknown', reason: `it runs on another host (${current.host})` };
  if (options.isProcessAlive && !options.isProcessAlive(current.pid)) {
    return { state: 'dead', reason: `process ${current.pid} is not running` };
  }
  return { state: 'alive', reason: `process ${current.pid} on this host is running` };
}

/** Whether a lock's holder is gone: dead, or unseen from this host with a heartbeat older than the bound. */
function holderIsGone(
  current: LockState,
  verdict: HolderVerdict,
  me: LockHolder,
  now: Date,
  staleAfterMs: number,
): boolean {
  if (verdict.state === 'dead') return true;
  if (verdict.state !== 'unknown' || current.host !== me.host) return false;
  const beat = current.heartbeatAt ?? current.acquiredAt;
  return beat !== null && now.getTime() - beat.getTime() > staleAfterMs;
}

/**
 * Takes the single load lock with a compare-and-set UPDATE (portable: Redshift has no advisory locks). A lock
 * whose holder is gone (dead on this host; or on this host but unseen, another pid namespace, with a stale
 * heartbeat) is recovered; otherwise waits up to `waitMs`, then fails naming the holder, since when and what is
 * known of it. Returns the holder it replaced when it recovered one.
 */
export async function acquireLoadLock(
  knex: Knex,
  me: LockHolder,
  options: AcquireOptions,
): Promise<{ recoveredFrom?: string; reason?: string }> {
  const now = options.now ?? (() => new Date());
  const deadline = Date.now() + options.waitMs;
  for (;;) {
    const taken = await compareAndSetOrConflict(knex, me, null, now());
    if (taken === true) return {};
    const current = await readLoadLock(knex);
    if (!current.holder && taken !== 'conflict') continue;
    const verdict = !current.holder
      ? { state: 'alive' as const, reason: 'it was taking the lock at the same moment' }
      : current.holder === me.holder
        ? { state: 'alive' as const, reason: 'it is this load' }
        : judgeLockHolder(current, me, options);
    if (current.holder && holderIsGone(current, verdict, me, now(), options.staleAfterMs ?? STALE_AFTER_MS)) {
      const recovered = await compareAndSetOrConflict(knex, me, current.holder, now());
      if (recovered === true) return { recoveredFrom: current.holder, reason: verdict.reason };
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
        `Another load holds the lock: process ${current.pid ?? '?'} on ${current.host ?? '?'} since ${since} ` +
          `(${verdict.reason}). Wait for it (--wait <seconds>), or if that process is gone, run \`sparkify load --break-lock\`.`,
      );
    }
    await sleep(Math.min(options.pollMs ?? 500, Math.max(1, deadline - Date.now())));
  }
}

/**
 * Refreshes the holder's heartbeat every `intervalMs` until stopped, so that a holder nobody can see (another
 * pid namespace) is known to be running. A failed beat is retried at the next one: the load itself reports a
 * lost connection.
 */
export function startLockHeartbeat(
  knex: Knex,
  me: LockHolder,
  options: { intervalMs?: number; now?: () => Date } = {},
): () => Promise<void> {
  const now = options.now ?? (() => new Date());
  let beating: Promise<unknown> = Promise.resolve();
  const timer = setInterval(() => {
    beating = knex('etl_lock')
      .where({ lock_id: 1, holder: me.holder })
      .update({ heartbeat_at: sqlTimestamp(now()) })
      .catch(() => undefined);
  }, options.intervalMs ?? HEARTBEAT_MS);
  timer.unref();
  return async () => {
    clearInterval(timer);
    await beating;
  };
}

/** Releases the lock if this holder still has it. */
export async function releaseLoadLock(knex: Knex, me: LockHolder): Promise<void> {
  await knex('etl_lock').where({ lock_id: 1, holder: me.holder }).update(freeColumns);
}

/**
 * Frees the lock whoever holds it: for a holder on another machine (or one this host cannot see) that is known
 * to be gone. Refuses, naming it, when `judgeHolder` says the holder is alive on this host.
 */
export async function breakLoadLock(
  knex: Knex,
  options: Pick<AcquireOptions, 'judgeHolder' | 'isProcessAlive'> & { host?: string } = {},
): Promise<LockState> {
  const before = await readLoadLock(knex);
  if (before.holder && (options.judgeHolder || options.host)) {
    const verdict = judgeLockHolder(before, { host: options.host ?? before.host ?? '' }, options);
    if (verdict.state === 'alive') {
      throw new LoaderError(
        'LOCKED',
        `Refusing to break the load lock: its holder, process ${before.pid} on this host (${before.host}), is ` +
          `still running (${verdict.reason}). Wait for it (--wait <seconds>) or stop it; --break-lock is for a ` +
          'holder that is gone, e.g. on a machine that was lost.',
      );
    }
  }
  await knex('etl_lock').where({ lock_id: 1 }).update(freeColumns);
  return before;
}
