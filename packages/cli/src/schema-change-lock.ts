import { hostname } from 'node:os';
import type { Knex } from 'knex';
import { acquireLoadLock, LoaderError, releaseLoadLock } from '@sparkify/loader';
import { currentProcessIdentity, holderLiveness } from '@sparkify/local-postgres';
import { CliError, ExitCode } from './errors.js';

const refusal = (detail: string) =>
  new CliError(
    `${detail}: migrate does not change the schema under a running load. Run it again once the load is done ` +
      '(a load left by a process that died is recovered by the next load, or freed with `pnpm load --break-lock`).',
    ExitCode.cannotRun,
    'LOCKED',
  );

/**
 * Runs a schema change while holding the load lock, so that no load runs under it (and none starts during it: a
 * load then waits or exits 2 naming migrate as the holder). Before the lock table exists there is nothing to
 * guard; before it has holder identities (0007) a held lock is refused on its holder column alone. A lock dropped
 * by the change itself (`rollback --all`) needs no release.
 */
export async function whileHoldingLoadLock<T>(knex: Knex, change: () => Promise<T>): Promise<T> {
  if (!(await knex.schema.hasTable('etl_lock'))) return change();
  if (!(await knex.schema.hasColumn('etl_lock', 'heartbeat_at'))) {
    const row = (await knex('etl_lock').where({ lock_id: 1 }).first()) as
      { holder?: string | null } | undefined;
    if (row?.holder) throw refusal(`a load holds the load lock (${row.holder})`);
    return change();
  }
  const me = { holder: `${hostname()}:${process.pid}:migrate`, ...currentProcessIdentity() };
  try {
    await acquireLoadLock(knex, me, { waitMs: 0, judgeHolder: holderLiveness });
  } catch (error) {
    if (error instanceof LoaderError && error.code === 'LOCKED') throw refusal(error.message.split('\n')[0]!);
    throw error;
  }
  try {
    return await change();
  } finally {
    // The change may have dropped the table, or the holder-identity columns (a rollback below 0007): free the
    // lock with the columns that are left.
    if (await knex.schema.hasTable('etl_lock')) {
      if (await knex.schema.hasColumn('etl_lock', 'heartbeat_at')) await releaseLoadLock(knex, me);
      else {
        await knex('etl_lock')
          .where({ lock_id: 1, holder: me.holder })
          .update({ holder: null, host: null, pid: null, run_id: null, acquired_at: null });
      }
    }
  }
}
