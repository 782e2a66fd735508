import type { S3Client } from '@aws-sdk/client-s3';
import type { Knex } from 'knex';
import type { Dialect } from '@sparkify/schema';
import { datasets } from './dataset.js';
import { LoaderError } from './errors.js';
import {
  abandonRuns,
  type FileOutcome,
  finishRun,
  loadedVersions,
  recordFiles,
  recordRejects,
  type Reject,
  type RunTotals,
  startRun,
} from './ledger/ledger.js';
import { recordFieldNulls, recordUnknownKeys, type ReportedUnknownKey } from './ledger/load-observations.js';
import { acquireLoadLock, type LockHolder, releaseLoadLock } from './ledger/load-lock.js';
import { type LoadPlan, planLoad } from './plan-load.js';
import { datasetLocations, openSource, type SourceSpec } from './sources/open-source.js';
import { isS3Url } from './sources/s3-location.js';
import type { Source, SourceObject } from './sources/source.js';
import {
  planRedshiftStage,
  type RedshiftStageConfig,
  type RedshiftStagePlan,
  stageToRedshift,
} from './staging/stage-redshift.js';
import { stageToPostgres } from './staging/stage-postgres.js';
import type { StageProgress, StageResult } from './staging/stage-result.js';
import { noTransformCounts, runTransforms, type TransformCounts } from './transforms/run-transforms.js';

/** Progress of a long load, for a terminal display. */
export type LoadProgress = { stage: 'list'; objects: number } | StageProgress | { stage: 'transform' };

export interface LoadOptions {
  /** The warehouse; a dry run may go without one (then the ledger is not consulted and every object is new). */
  knex?: Knex;
  dialect: Dialect;
  source: SourceSpec;
  /** Needed for S3 sources and for the redshift target (manifests). */
  s3Client?: S3Client;
  fullRefresh?: boolean;
  /** Bad records tolerated (quarantined in etl_rejects); above this the run fails and nothing reaches the star. */
  maxErrors?: number;
  /** Records carrying a JSON key the format does not know are bad records (default: counted and reported). */
  strictKeys?: boolean;
  dryRun?: boolean;
  /** Who this load is, for the lock and the ledger. */
  holder: LockHolder;
  /** How long to wait for another load's lock (0: fail at once). */
  waitMs?: number;
  isProcessAlive: (pid: number) => boolean;
  /** Objects read at once on the postgres target. */
  concurrency?: number;
  /** Worker threads that parse and validate on the postgres target (0: none; default: cores - 1, 1 to 4). */
  workers?: number;
  redshift?: Omit<RedshiftStageConfig, 'maxErrors'>;
  onProgress?: (progress: LoadProgress) => void;
  /** Notable events worth telling the user (a recovered lock). */
  onNotice?: (message: string) => void;
  now?: () => Date;
}

export interface StageTimings {
  list: { seconds: number; objects: number; bytes: number };
  stage: { seconds: number; records: number; staged: number; rejected: number; bytes: number };
  transform: { seconds: number } & TransformCounts;
}

export interface LoadResult {
  status: 'succeeded' | 'nothing-new' | 'failed' | 'dry-run';
  runId: number | null;
  target: Dialect;
  source: string;
  plan: { toLoad: number; skipped: number; bytes: number };
  stages: StageTimings;
  files: FileOutcome[];
  /** The first rejected records (all are counted in stages.stage.rejected; up to 10,000 are in etl_rejects). */
  rejects: Reject[];
  /** JSON keys the format does not know, met by this load (postgres target), each marked new or seen before. */
  unknownKeys: ReportedUnknownKey[];
  retries: number;
  error?: { code: string; message: string };
  dryRun?: { toLoad: SourceObject[]; skipped: SourceObject[]; redshift?: RedshiftStagePlan };
}

const seconds = (start: number) => Math.round((performance.now() - start) / 10) / 100;

async function listAll(
  source: Source,
  onProgress?: (progress: LoadProgress) => void,
): Promise<SourceObject[]> {
  const objects: SourceObject[] = [];
  for (const dataset of datasets) {
    for await (const object of source.list(dataset)) {
      objects.push(object);
      if (objects.length % 1000 === 0) onProgress?.({ stage: 'list', objects: objects.length });
    }
  }
  onProgress?.({ stage: 'list', objects: objects.length });
  if (objects.length === 0) {
    // An empty day is "nothing new"; a source with no data at all is almost always a wrong path or prefix, and
    // reporting success for it would hide that.
    throw new LoaderError(
      'SOURCE_EMPTY',
      `No data objects (.json or .json.gz) in ${source.description}: check the location (it must hold song_data/ or log_data/)`,
    );
  }
  return objects;
}

function describeRejects(
  rejects: readonly Reject[],
  total: number,
  maxErrors: number,
  runId: number,
): string {
  const shown = rejects
    .slice(0, 5)
    .map(
      (reject) =>
        `  ${reject.key} line ${reject.line}${reject.field ? ` ${reject.field}` : ''}: ${reject.reason}`,
    );
  const more = total > shown.length ? `\n  … and ${total - shown.length} more` : '';
  return (
    `${total} bad record${total === 1 ? '' : 's'} (limit: --max-errors ${maxErrors}); nothing reached the star schema.\n` +
    `${shown.join('\n')}${more}\n` +
    `All of them are in etl_rejects: SELECT * FROM etl_rejects WHERE run_id = ${runId};`
  );
}

/**
 * Loads new source objects into the star schema: lock, list, plan against the ledger, validate and stage,
 * then transform and write the ledger in one transaction. Returns a result for every expected outcome (including
 * bad records); throws only for what cannot be planned for (connection, S3 access, a held lock).
 */
export async function load(options: LoadOptions): Promise<LoadResult> {
  const now = options.now ?? (() => new Date());
  const maxErrors = options.maxErrors ?? 0;
  const source = openSource(options.source, options.s3Client);
  const result: LoadResult = {
    status: 'succeeded',
    runId: null,
    target: options.dialect,
    source: source.description,
    plan: { toLoad: 0, skipped: 0, bytes: 0 },
    stages: {
      list: { seconds: 0, objects: 0, bytes: 0 },
      stage: { seconds: 0, records: 0, staged: 0, rejected: 0, bytes: 0 },
      transform: { seconds: 0, ...noTransformCounts() },
    },
    files: [],
    rejects: [],
    unknownKeys: [],
    retries: 0,
  };
  if (options.dialect === 'redshift' && !Object.values(datasetLocations(options.source)).every(isS3Url)) {
    throw new LoaderError(
      'SOURCE_INVALID',
      'The redshift target loads from S3 (its COPY reads the objects itself): give an s3://bucket/prefix source',
    );
  }
  if (options.dialect === 'redshift' && !options.redshift) {
    throw new LoaderError(
      'CONFIG_INVALID',
      'The redshift target needs an IAM role ARN and a manifest location',
    );
  }
  if (options.knex && !(await options.knex.schema.hasTable('etl_lock'))) {
    throw new LoaderError(
      'NOT_MIGRATED',
      'The warehouse has no load ledger yet: run `sparkify migrate` first',
    );
  }

  if (options.dryRun) return dryRun(options, source, result);
  if (!options.knex) throw new LoaderError('CONFIG_INVALID', 'A load needs a warehouse connection');
  const knex = options.knex;

  const lock = await acquireLoadLock(knex, options.holder, {
    waitMs: options.waitMs ?? 0,
    isProcessAlive: options.isProcessAlive,
    now,
  });
  if (lock.recoveredFrom) {
    await abandonRuns(knex, lock.recoveredFrom, now());
    options.onNotice?.(`recovered the load lock from a process that died (${lock.recoveredFrom})`);
  }
  const totals: RunTotals = {};
  try {
    result.runId = await startRun(knex, {
      target: options.dialect,
      source: source.description,
      fullRefresh: options.fullRefresh ?? false,
      holder: options.holder.holder,
      startedAt: now(),
    });
    await runLoad(result.runId);
    return result;
  } catch (error) {
    if (result.runId !== null) {
      await finishRun(knex, result.runId, {
        status: 'failed',
        finishedAt: now(),
        totals,
        errorCode: error instanceof LoaderError ? error.code : 'ERROR',
        errorMessage: (error as Error).message,
      }).catch(() => undefined);
    }
    throw error;
  } finally {
    result.retries = source.retries;
    await releaseLoadLock(knex, options.holder).catch(() => undefined);
  }

  async function runLoad(runId: number): Promise<void> {
    let started = performance.now();
    const listed = await listAll(source, options.onProgress);
    const plan = planLoad(
      listed,
      options.fullRefresh ? new Set() : await loadedVersions(knex),
      options.fullRefresh ?? false,
    );
    fillPlan(result, plan, listed);
    result.stages.list.seconds = totals.listSeconds = seconds(started);
    totals.filesPlanned = plan.toLoad.length;
    totals.filesSkipped = plan.skipped.length;

    if (plan.toLoad.length === 0 && !options.fullRefresh) {
      result.status = 'nothing-new';
      await finishRun(knex, runId, {
        status: 'succeeded',
        finishedAt: now(),
        totals: { ...totals, recordsRead: 0 },
      });
      return;
    }

    started = performance.now();
    const staged = await stage(runId, plan.toLoad);
    result.stages.stage = {
      seconds: seconds(started),
      records: staged.recordsRead,
      staged: staged.recordsStaged,
      rejected: staged.recordsRejected,
      bytes: staged.bytesRead,
    };
    result.files = staged.files;
    result.rejects = staged.rejects.slice(0, 100);
    Object.assign(totals, {
      stageSeconds: result.stages.stage.seconds,
      recordsRead: staged.recordsRead,
      recordsStaged: staged.recordsStaged,
      recordsRejected: staged.recordsRejected,
    });

    if (staged.recordsRejected > maxErrors) {
      await recordRejects(knex, runId, staged.rejects);
      result.unknownKeys = await recordUnknownKeys(knex, runId, staged.unknownKeys);
      const message = describeRejects(staged.rejects, staged.recordsRejected, maxErrors, runId);
      await finishRun(knex, runId, {
        status: 'failed',
        finishedAt: now(),
        totals,
        errorCode: 'BAD_RECORDS',
        errorMessage: message,
      });
      result.status = 'failed';
      result.error = { code: 'BAD_RECORDS', message };
      return;
    }

    started = performance.now();
    options.onProgress?.({ stage: 'transform' });
    await knex.transaction(async (trx) => {
      const counts = await runTransforms(trx, {
        dialect: options.dialect,
        fullRefresh: options.fullRefresh ?? false,
        songsStaged: plan.toLoad.some((object) => object.dataset === 'songs'),
        eventsStaged: plan.toLoad.some((object) => object.dataset === 'events'),
      });
      result.stages.transform = { seconds: 0, ...counts };
      await recordFiles(trx, runId, staged.files);
      await recordRejects(trx, runId, staged.rejects);
      result.unknownKeys = await recordUnknownKeys(trx, runId, staged.unknownKeys);
      await recordFieldNulls(trx, runId);
      Object.assign(totals, {
        nextsongStaged: counts.nextsongStaged,
        songplaysAdded: counts.songplaysAdded,
        usersWritten: counts.usersWritten,
        songsAdded: counts.songsAdded,
        artistsWritten: counts.artistsWritten,
        timeAdded: counts.timeAdded,
        transformSeconds: seconds(started),
      });
      await finishRun(trx, runId, { status: 'succeeded', finishedAt: now(), totals });
    });
    result.stages.transform.seconds = seconds(started);
  }

  async function stage(runId: number, objects: SourceObject[]): Promise<StageResult> {
    if (options.dialect === 'postgres') {
      return stageToPostgres(knex, source, objects, {
        concurrency: options.concurrency,
        workers: options.workers,
        strictKeys: options.strictKeys,
        onProgress: options.onProgress,
      });
    }
    if (!options.s3Client) throw new LoaderError('CONFIG_INVALID', 'The redshift target needs an S3 client');
    return stageToRedshift(
      knex,
      source,
      options.s3Client,
      objects,
      { ...options.redshift!, maxErrors },
      `run-${runId}`,
      options.onProgress,
    );
  }
}

function fillPlan(result: LoadResult, plan: LoadPlan, listed: readonly SourceObject[]): void {
  result.plan = {
    toLoad: plan.toLoad.length,
    skipped: plan.skipped.length,
    bytes: plan.toLoad.reduce((sum, object) => sum + object.size, 0),
  };
  result.stages.list.objects = listed.length;
  result.stages.list.bytes = listed.reduce((sum, object) => sum + object.size, 0);
}

async function dryRun(options: LoadOptions, source: Source, result: LoadResult): Promise<LoadResult> {
  const listed = await listAll(source, options.onProgress);
  const loaded =
    options.fullRefresh || !options.knex ? new Set<string>() : await loadedVersions(options.knex);
  const plan = planLoad(listed, loaded, options.fullRefresh ?? false);
  fillPlan(result, plan, listed);
  result.status = 'dry-run';
  result.dryRun = { toLoad: plan.toLoad, skipped: plan.skipped };
  if (options.dialect === 'redshift') {
    result.dryRun.redshift = planRedshiftStage(
      plan.toLoad,
      { ...options.redshift!, maxErrors: options.maxErrors ?? 0 },
      'run-<id>',
    );
  }
  return result;
}
