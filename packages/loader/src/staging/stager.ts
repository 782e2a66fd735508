import type { Knex } from 'knex';
import type { Dialect } from '@sparkify/schema';
import type { SourceObject } from '../sources/source.js';
import type { StageProgress, StageResult } from './stage-result.js';
import type { RedshiftStagePlan } from './stage-redshift.js';

/**
 * What one engine wants around the shared transform SQL, as named hooks (no-ops where the engine tunes itself).
 * The transform SQL stays portable; only these calls differ between PostgreSQL and Redshift.
 */
export interface TransformTuning {
  /** The first statement of the transform transaction (session settings local to it). */
  beginTransform(trx: Knex.Transaction): Promise<void>;
  /**
   * After a temporary table that later statements join on has been filled (its statistics): of `columns` only,
   * when given (the ones later plans look at), else of every column.
   */
  temporaryTableFilled(trx: Knex.Transaction, table: string, columns?: readonly string[]): Promise<void>;
  /**
   * Before one statement fills a star table that held no rows when the transform began (a first load): returns
   * what to run once it has (PostgreSQL builds the table's secondary indexes once, after the rows are in).
   */
  fillingEmptyTable(trx: Knex.Transaction, table: string): Promise<() => Promise<void>>;
}

/** What staging will do for a load, decided without a connection: the dry run shows it, the real run carries it out. */
export interface StagePlan {
  /** The objects staging reads, in the load plan's order. */
  objects: readonly SourceObject[];
  /**
   * The etl_objects id of each object key, registered by the load before staging: the PostgreSQL stager writes
   * it on every staged row (provenance). Absent in a dry run.
   */
  objectIds?: ReadonlyMap<string, number>;
  /** The Redshift path's uploads and statements (absent on PostgreSQL, whose COPY needs no plan of its own). */
  redshift?: RedshiftStagePlan;
}

/**
 * One staging target: everything in a load that differs between PostgreSQL and Redshift, behind one shape
 * (kysely's DialectAdapter habit). `load()` lists, plans and transforms the same way for both.
 */
export interface Stager<Plan extends StagePlan = StagePlan> {
  readonly dialect: Dialect;
  /** Plans staging of these objects (pure); `runLabel` names the run's files on S3 (`run-<id>` in a dry run). */
  plan(objects: readonly SourceObject[], runLabel: string): Plan;
  /** Fills the staging tables with the plan's valid records; returns per-file outcomes and the rejects. */
  stage(knex: Knex, plan: Plan, onProgress?: (progress: StageProgress) => void): Promise<StageResult>;
  readonly tuning: TransformTuning;
}
