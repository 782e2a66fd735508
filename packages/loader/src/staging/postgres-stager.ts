import type { Source } from '../sources/source.js';
import { stageToPostgres, type StagePostgresOptions } from './stage-postgres.js';
import type { StagePlan, Stager, TransformTuning } from './stager.js';

/**
 * PostgreSQL's tuning: room to sort a million plays in memory, and statistics for the temporary tables so that
 * their joins plan as hash joins (as subqueries their row counts were guessed at 1: 11 s instead of 0.1 s).
 */
export const postgresTuning: TransformTuning = {
  async beginTransform(trx) {
    await trx.raw(`SET LOCAL work_mem = '256MB'`);
  },
  async temporaryTableFilled(trx, table) {
    await trx.raw('ANALYZE ??', [table]);
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
