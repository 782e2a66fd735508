import type { S3Client } from '@aws-sdk/client-s3';
import type { Knex } from 'knex';
import {
  type Dialect,
  isSerializationFailure,
  migrationStatus,
  retrySerializationFailures,
} from '@sparkify/schema';
import { type Dataset, datasetFolder, datasets, stagingTablesOf } from './dataset.js';
import { asDiskFull, LoaderError } from './errors.js';
import {
  abandonRuns,
  type FileOutcome,
  finishRun,
  loadedVersions,
  recordFiles,
  recordRejects,
  type Reject,
  startRun,
} from './ledger/ledger.js';
import { recordFieldNulls, recordUnknownKeys, type ReportedUnknownKey } from './ledger/load-observations.js';
import { type RecordRules } from './records/ambiguous-json.js';
import { registerObjects } from './ledger/object-ids.js';
import {
  acquireLoadLock,
  type AcquireOptions,
  type LockHolder,
  releaseLoadLock,
  startLockHeartbeat,
} from './ledger/load-lock.js';
import { type LoadPlan, planLoad } from './plan-load.js';
import { datasetLocations, openSource, type SourceSpec } from './sources/open-source.js';
import { interruptedError, interruptibleSource } from './sources/interruptible-source.js';
import { isS3Url } from './sources/s3-location.js';
import type { Source, SourceObject } from './sources/source.js';
import { postgresStager } from './staging/postgres-stager.js';
import { redshiftStager } from './staging/redshift-stager.js';
import type { RedshiftStageConfig, RedshiftStagePlan } from './staging/stage-redshift.js';
import type { StageProgress } from './staging/stage-result.js';
import type { StagePlan, Stager } from './staging/stager.js';
import { type LoadPhase, runTotals } from './run-totals.js';
import {
  noTransformCounts,
  planTransform,
  runTransforms,
  type TransformCounts,
  type TransformStatement,
  type TransformStep,
} from './transforms/run-transforms.js';

/** Progress of a long load, for a terminal display. */
export type LoadProgress =
  | { stage: 'list'; objects: number }
  | StageProgress
  | { stage: 'transform'; step: TransformStep | 'starting' | 'ledger' };

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
  /** Judges a lock holder by host, boot id, pid namespace, pid and start time (see @sparkify/local-postgres). */
  judgeHolder?: AcquireOptions['judgeHolder'];
  /** Older form of judgeHolder: whether a pid on this host is alive. */
  isProcessAlive?: (pid: number) => boolean;
  /** How often the lock's heartbeat is refreshed (default 15 s). */
  heartbeatMs?: number;
  /** Objects read at once on the postgres target. */
  concurrency?: number;
  /** Worker threads that parse and validate on the postgres target (0: none; default: cores - 1, 1 to 4). */
  workers?: number;
  redshift?: Omit<RedshiftStageConfig, 'maxErrors'>;
  /** Record checks beyond the JSON Schema, where real data varies (the earliest plausible event time). */
  recordRules?: Partial<RecordRules>;
  onProgress?: (progress: LoadProgress) => void;
  /**
   * Stops the load when it aborts (the CLI's Ctrl-C or SIGTERM): reads stop at the next chunk, a running transform
   * statement is cancelled, everything rolls back, the run is recorded as failed (INTERRUPTED), the lock is freed.
   */
  signal?: AbortSignal;
  /** Notable events worth telling the user (a recovered lock; a warning starts with "warning: "). */
  onNotice?: (message: string) => void;
  /** The source holds only song data or only log data on purpose: no warning that the other is missing. */
  oneDataset?: boolean;
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
  dryRun?: {
    toLoad: SourceObject[];
    skipped: SourceObject[];
    redshift?: RedshiftStagePlan;
    /**
     * The transform's statements, in order, for these objects (planned as if songplays already held rows, so the
     * re-matching of earlier plays is shown too: a dry run does not look).
     */
    transform: TransformStatement[];
  };
}

const seconds = (start: number) => Math.round((performance.now() - start) / 10) / 100;

const withoutDataset: Record<Dataset, string> = {
  songs: 'plays will match no song until song data is loaded',
  events: 'no plays, users or time rows come from this load',
};

/** A source with objects for one dataset and none for the other is usually a wrong path: say which is missing. */
function warnOfMissingDataset(options: LoadOptions, listed: readonly SourceObject[]): void {
  const present = new Set(listed.map((object) => object.dataset));
  if (present.size !== 1) return;
  const missing = datasets.find((dataset) => !present.has(dataset))!;
  const location = datasetLocations(options.source)[missing];
  options.onNotice?.(
    `warning: no ${datasetFolder[missing]} objects in ${location}; loading ${datasetFolder[present.values().next().value!]} only ` +
      `(${withoutDataset[missing]}). If that is intended, pass --one-dataset to load without this warning.`,
  );
}

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
 * Refuses a warehouse whose schema is behind this loader (never migrated, or migrations pending, e.g. after a
 * `migrate down`), naming what is missing: otherwise a statement fails later with "relation … does not exist".
 */
async function requireMigrated(knex: Knex, dialect: Dialect): Promise<void> {
  if (!(await knex.schema.hasTable('etl_lock'))) {
    throw new LoaderError(
      'NOT_MIGRATED',
      'The warehouse has no load ledger yet: run `pnpm migrate` (sparkify migrate) first',
    );
  }
  const status = await migrationStatus(knex, { dialect });
  const pending = status.migrations.filter((row) => row.state === 'pending').map((row) => row.name);
  if (pending.length > 0) {
    throw new LoaderError(
      'NOT_MIGRATED',
      `The warehouse's schema is behind this sparkify: ${pending.length} migration${pending.length === 1 ? '' : 's'} ` +
        `not applied (${pending.join(', ')}); run \`pnpm migrate\` (sparkify migrate) first`,
    );
  }
}

/** The stager of the options' target; refuses a configuration that target cannot load from. */
function openStager(options: LoadOptions, source: Source): Stager {
  if (options.dialect === 'postgres') {
    return postgresStager(source, {
      concurrency: options.concurrency,
      workers: options.workers,
      strictKeys: options.strictKeys,
      rules: options.recordRules,
    });
  }
  if (!Object.values(datasetLocations(options.source)).every(isS3Url)) {
    throw new LoaderError(
      'SOURCE_INVALID',
      'The redshift target loads from S3 (its COPY reads the objects itself): give an s3://bucket/prefix source',
    );
  }
  if (!options.redshift) {
    throw new LoaderError(
      'CONFIG_INVALID',
      'The redshift target needs an IAM role ARN and a manifest location',
    );
  }
  return redshiftStager(source, options.s3Client, {
    ...options.redshift,
    maxErrors: options.maxErrors ?? 0,
    ...(options.recordRules ? { rules: options.recordRules } : {}),
  });
}

/** The listing, the load plan and the staging plan: the one plan step of a real run and a dry run. */
interface PlannedRun {
  listed: SourceObject[];
  load: LoadPlan;
  stage: StagePlan;
  seconds: number;
}

/**
 * Lists the source, plans against the ledger (when there is one and this is not a full refresh) and plans the
 * staging; records the plan on the result.
 */
async function planRun(
  options: LoadOptions,
  source: Source,
  stager: Stager,
  runLabel: string,
  result: LoadResult,
): Promise<PlannedRun> {
  const started = performance.now();
  const fullRefresh = options.fullRefresh ?? false;
  const listed = await listAll(source, options.onProgress);
  if (!options.oneDataset) warnOfMissingDataset(options, listed);
  const loaded = fullRefresh || !options.knex ? new Set<string>() : await loadedVersions(options.knex);
  const plan = planLoad(listed, loaded, fullRefresh);
  const planned = {
    listed,
    load: plan,
    stage: stager.plan(plan.toLoad, runLabel),
    seconds: seconds(started),
  };
  result.plan = {
    toLoad: plan.toLoad.length,
    skipped: plan.skipped.length,
    bytes: plan.toLoad.reduce((sum, object) => sum + object.size, 0),
  };
  result.stages.list = {
    seconds: planned.seconds,
    objects: listed.length,
    bytes: listed.reduce((sum, object) => sum + object.size, 0),
  };
  return planned;
}

/**
 * Loads new source objects into the star schema: lock, list, plan against the ledger, validate and stage,
 * then transform and write the ledger in one transaction. Returns a result for every expected outcome (including
 * bad records); throws only for what cannot be planned for (connection, S3 access, a held lock).
 *
 * The lock comes before the listing because the plan reads the ledger: planned outside the lock, a load that
 * finished in between would have its objects loaded twice.
 */
export async function load(options: LoadOptions): Promise<LoadResult> {
  const now = options.now ?? (() => new Date());
  const maxErrors = options.maxErrors ?? 0;
  const fullRefresh = options.fullRefresh ?? false;
  const source = interruptibleSource(openSource(options.source, options.s3Client), options.signal);
  // Between phases: a stop asked for while one ran takes effect before the next begins.
  const checkpoint = () => {
    if (options.signal?.aborted) throw interruptedError(options.signal);
  };
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
  const stager = openStager(options, source);
  if (options.knex) await requireMigrated(options.knex, options.dialect);

  if (options.dryRun) {
    const planned = await planRun(options, source, stager, 'run-<id>', result);
    result.status = 'dry-run';
    result.dryRun = {
      toLoad: planned.load.toLoad,
      skipped: planned.load.skipped,
      ...(planned.stage.redshift ? { redshift: planned.stage.redshift } : {}),
      transform: planTransform({
        fullRefresh: options.fullRefresh ?? false,
        songsLoaded: planned.load.toLoad.some((object) => object.dataset === 'songs'),
        eventsLoaded: planned.load.toLoad.some((object) => object.dataset === 'events'),
        hadSongplays: !(options.fullRefresh ?? false),
      }),
    };
    return result;
  }
  if (!options.knex) throw new LoaderError('CONFIG_INVALID', 'A load needs a warehouse connection');
  const knex = options.knex;

  const lock = await acquireLoadLock(knex, options.holder, {
    waitMs: options.waitMs ?? 0,
    isProcessAlive: options.isProcessAlive,
    judgeHolder: options.judgeHolder,
    now,
  });
  if (lock.recoveredFrom) {
    await abandonRuns(knex, lock.recoveredFrom, now());
    options.onNotice?.(
      `recovered the load lock from a process that died (${lock.recoveredFrom}: ${lock.reason ?? 'gone'})`,
    );
  }
  const stopHeartbeat = startLockHeartbeat(knex, options.holder, { intervalMs: options.heartbeatMs, now });
  // How far the run got: the ledger's totals are those of the phases it finished.
  let reached: LoadPhase = 'started';
  try {
    result.runId = await startRun(knex, {
      target: options.dialect,
      source: source.description,
      fullRefresh,
      holder: options.holder.holder,
      startedAt: now(),
    });
    await runLoad(result.runId);
    return result;
  } catch (thrown) {
    // Whatever a stop made fail (a read, a cancelled statement) is the interruption the user asked for.
    const error =
      options.signal?.aborted && !(thrown instanceof LoaderError && thrown.code === 'INTERRUPTED')
        ? interruptedError(options.signal, thrown)
        : asDiskFull(thrown);
    // A full disk: the staged rows of this load are given back at once (TRUNCATE frees their space), so that
    // freeing a little more is enough for the next load.
    if (error instanceof LoaderError && error.code === 'DISK_FULL') {
      await emptyStaging(knex, options.dialect).catch(() => undefined);
    }
    if (result.runId !== null) {
      await finishRun(knex, result.runId, {
        status: 'failed',
        finishedAt: now(),
        totals: runTotals(result, reached),
        errorCode: error instanceof LoaderError ? error.code : 'ERROR',
        errorMessage: (error as Error).message,
      }).catch(() => undefined);
    }
    throw error;
  } finally {
    result.retries = source.retries;
    await stopHeartbeat();
    await releaseLoadLock(knex, options.holder).catch(() => undefined);
  }

  async function runLoad(runId: number): Promise<void> {
    const planned = await planRun(options, source, stager, `run-${runId}`, result);
    reached = 'planned';
    checkpoint();

    if (planned.load.toLoad.length === 0 && !fullRefresh) {
      result.status = 'nothing-new';
      await finishRun(knex, runId, {
        status: 'succeeded',
        finishedAt: now(),
        totals: runTotals(result, reached),
      });
      return;
    }

    let started = performance.now();
    const objectIds = await registerObjects(knex, planned.load.toLoad);
    const staged = await stager.stage(knex, { ...planned.stage, objectIds }, options.onProgress);
    result.stages.stage = {
      seconds: seconds(started),
      records: staged.recordsRead,
      staged: staged.recordsStaged,
      rejected: staged.recordsRejected,
      bytes: staged.bytesRead,
    };
    result.files = staged.files;
    result.rejects = staged.rejects.slice(0, 100);
    reached = 'staged';
    checkpoint();

    if (staged.recordsRejected > maxErrors) {
      await recordRejects(knex, runId, staged.rejects);
      result.unknownKeys = await recordUnknownKeys(knex, runId, staged.unknownKeys);
      const message = describeRejects(staged.rejects, staged.recordsRejected, maxErrors, runId);
      await finishRun(knex, runId, {
        status: 'failed',
        finishedAt: now(),
        totals: runTotals(result, reached),
        errorCode: 'BAD_RECORDS',
        errorMessage: message,
      });
      result.status = 'failed';
      result.error = { code: 'BAD_RECORDS', message };
      return;
    }

    started = performance.now();
    options.onProgress?.({ stage: 'transform', step: 'starting' });
    // Under SNAPSHOT isolation (the default of new clusters and workgroups) a concurrent writer aborts this
    // transaction with a serialization failure (1023) instead of waiting; it rolled back whole, so it is run
    // again with backoff for as long as --wait allows, then the load stops as busy (exit 2), star untouched.
    const transform = () =>
      knex.transaction(async (trx) => {
        checkpoint();
        const stopCancels = await cancelOnAbort(knex, trx, options.signal);
        try {
          const counts = await runTransforms(trx, {
            tuning: stager.tuning,
            fullRefresh,
            objects: planned.load.toLoad.map((object) => ({
              objectId: objectIds.get(object.key)!,
              dataset: object.dataset,
            })),
            onStep: (step) => options.onProgress?.({ stage: 'transform', step }),
          });
          options.onProgress?.({ stage: 'transform', step: 'ledger' });
          await recordFiles(trx, runId, staged.files);
          await recordRejects(trx, runId, staged.rejects);
          result.unknownKeys = await recordUnknownKeys(trx, runId, staged.unknownKeys);
          await recordFieldNulls(trx, runId);
          result.stages.transform = { seconds: seconds(started), ...counts };
          await finishRun(trx, runId, {
            status: 'succeeded',
            finishedAt: now(),
            totals: runTotals(result, 'transformed'),
          });
          checkpoint();
        } finally {
          stopCancels();
        }
      });
    await retrySerializationFailures(transform, {
      waitMs: options.waitMs ?? 0,
      onRetry: (attempt) =>
        options.onNotice?.(
          `the transform met a concurrent writer (serialization conflict); retry ${attempt}`,
        ),
    }).catch((error: unknown) => {
      if (!isSerializationFailure(error)) throw error;
      throw new LoaderError(
        'BUSY',
        `The transform kept conflicting with a concurrent transaction on the warehouse (${(error as Error).message}). ` +
          'It rolled back: nothing of this load reached the star. Run the load again, or give it --wait <seconds> ' +
          'to retry for longer.',
        { cause: error },
      );
    });
    // The ledger cannot hold the commit's own time; the result can.
    result.stages.transform.seconds = seconds(started);
  }
}

/** Empties the staging tables, one TRUNCATE each (Redshift's TRUNCATE takes one table and commits). */
async function emptyStaging(knex: Knex, dialect: Dialect): Promise<void> {
  for (const dataset of datasets) {
    for (const table of stagingTablesOf(dataset, dialect)) await knex.raw(`TRUNCATE ${table}`);
  }
}

/**
 * Cancels the transaction's running statement when `signal` aborts (pg_cancel_backend, which PostgreSQL and
 * Redshift both have, sent on another pooled connection): the statement fails, the transaction rolls back. Returns
 * the function that stops listening.
 */
async function cancelOnAbort(
  knex: Knex,
  trx: Knex.Transaction,
  signal: AbortSignal | undefined,
): Promise<() => void> {
  if (!signal) return () => undefined;
  const backend = await trx.raw<{ rows: { pid: number | string }[] }>('SELECT pg_backend_pid() AS pid');
  const pid = Number(backend.rows[0]?.pid);
  const cancel = () => {
    knex.raw('SELECT pg_cancel_backend(?)', [pid]).catch(() => undefined);
  };
  signal.addEventListener('abort', cancel, { once: true });
  return () => signal.removeEventListener('abort', cancel);
}
