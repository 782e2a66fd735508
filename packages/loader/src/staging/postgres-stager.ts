import type { Source } from '../sources/source.js';
import { LOAD_STATISTICS_TARGET, stageToPostgres, type StagePostgresOptions } from './stage-postgres.js';
import type { StagePlan, Stager, TransformTuning } from './stager.js';

/**
 * PostgreSQL's tuning: room to sort a million plays in memory, and statistics for the temporary tables so that
 * their joins plan as hash joins (as subqueries their row counts were guessed at 1: 11 s instead of 0.1 s), from
 * samples of the load's size (LOAD_STATISTICS_TARGET: 156k ranked plays analyzed in 0.04 s instead of 0.17 s).
 */
export const postgresTuning: TransformTuning = {
  async beginTransform(trx) {
    await trx.raw(`SET LOCAL work_mem = '256MB'`);
    await trx.raw(`SET LOCAL default_statistics_target = ${LOAD_STATISTICS_TARGET}`);
  },
  async temporaryTableFilled(trx, table, columns) {
    if (columns) await trx.raw(`ANALYZE ?? (${columns.map(() => '??').join(', ')})`, [table, ...columns]);
    else await trx.raw('ANALYZE ??', [table]);
  },
  async fillingEmptyTable(trx, table) {
    // A B-tree built once over sorted rows costs a fraction of inserting 780k random keys into it one by one
    // (M's INSERT INTO songplays: 11.3 s with its indexes, 6.1 s + 0.9 s to build them after). Only the indexes that no
    // constraint owns are dropped and rebuilt from their own definitions, all inside the transform's transaction:
    // a failure rolls the drop back with everything else.
    const indexes = await trx.raw<{ rows: { name: string; definition: string }[] }>(
      `SELECT n.nspname || '.' || c.relname AS name, pg_get_indexdef(i.indexrelid) AS definition
       FROM pg_index i
       JOIN pg_class c ON c.oid = i.indexrelid
       JOIN pg_namespace n ON n.oid = c.relnamespace
       WHERE i.indrelid = CAST(? AS regclass)
         AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = i.indexrelid)
       ORDER BY c.relname`,
      [table],
    );
    for (const index of indexes.rows) await trx.raw('DROP INDEX ??', [index.name]);
    return async () => {
      for (const index of indexes.rows) await trx.raw(index.definition);
    };
  },
};

/** The PostgreSQL target: objects streamed through validation into COPY FROM STDIN (see stageToPostgres). */
export function postgresStager(
  source: Source,
  options: Omit<StagePostgresOptions, 'onProgress'> = {},
): Stager {
  return {
    dialect: 'postgres',
    plan: (objects): StagePlan => ({ objects }),
    stage: (knex, plan, onProgress) =>
      stageToPostgres(knex, source, plan.objects, { ...options, objectIds: plan.objectIds, onProgress }),
    tuning: postgresTuning,
  };
}
