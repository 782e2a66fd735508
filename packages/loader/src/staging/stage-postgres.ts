import { once } from 'node:events';
import type { Writable } from 'node:stream';
import { finished } from 'node:stream/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Knex } from 'knex';
import type { PoolClient } from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { type Dataset, datasets, stagingTable } from '../dataset.js';
import { LoaderError } from '../errors.js';
import type { FileOutcome } from '../ledger/ledger.js';
import { defaultRecordRules, type RecordRules } from '../records/ambiguous-json.js';
import { copyColumns } from '../records/encode-record.js';
import { mergeUnknownKeys } from '../records/unknown-keys.js';
import type { Source, SourceObject } from '../sources/source.js';
import { forEachConcurrently } from './for-each-concurrently.js';
import { withPooledConnections } from './pooled-connection.js';
import { inlineProcessor, type RecordProcessor, workerProcessor } from './record-processor.js';
import { emptyStageResult, type StageProgress, type StageResult } from './stage-result.js';

export interface StagePostgresOptions {
  /** Objects read at once (many small song objects hide each other's latency). */
  concurrency?: number;
  /** Worker threads that parse and validate; 0 does it on this thread. Default: cores - 1 (1 to 4). */
  workers?: number;
  /** Problems kept in memory for the ledger (all are counted). */
  keepRejects?: number;
  /** Records carrying a key the format does not know are bad records (default: counted, then ignored). */
  strictKeys?: boolean;
  /** Record checks beyond the JSON Schema (the earliest plausible event time). */
  rules?: Partial<RecordRules>;
  onProgress?: (progress: StageProgress) => void;
  /** The etl_objects id of each object key: written on every staged row (provenance). */
  objectIds?: ReadonlyMap<string, number>;
}

/**
 * How far parsing may run ahead of PostgreSQL. pg-copy-streams acknowledges a write only once the socket has
 * drained, so with the default 16 KB every write waits for the server and the two take turns instead of
 * working at the same time.
 */
const COPY_BUFFER_BYTES = 8 * 1024 * 1024;

/** Below this much source JSON, starting worker threads costs more than it saves. */
const WORKERS_FROM_BYTES = 16 * 1024 * 1024;

/**
 * The staged columns the transform's plans depend on (its filters, joins, groupings and partitions), the only ones
 * ANALYZE gathers statistics for: the wide text columns are most of its time (8k events: 0.06 s for every column,
 * 0.02 s for these), and no statement's plan looks at them. Songs are few and analyzed whole.
 */
const PLANNED_COLUMNS: Partial<Record<Dataset, readonly string[]>> = {
  events: ['page', 'user_id', 'object_id', 'ts', 'session_id', 'item_in_session'],
};

/**
 * The statistics target of the load's ANALYZEs (PostgreSQL's default is 100: a sample of 30,000 rows and lists of
 * 100 values). The plans need row counts and how many distinct values a key has, which 3,000 rows give as well:
 * they came out the same (18 pages, 30 objects, 701 users of M's million events), and ANALYZE of M's staged
 * events took 0.06 s instead of 0.44–0.73 s.
 */
export const LOAD_STATISTICS_TARGET = 10;

/** `ANALYZE` of a staging table, limited to the columns its plans depend on. */
export function analyzeStagingSql(dataset: Dataset): string {
  const columns = PLANNED_COLUMNS[dataset];
  return `ANALYZE ${stagingTable[dataset].name}${columns ? ` (${columns.join(', ')})` : ''}`;
}

/**
 * Rows of small objects (a song each) are gathered into writes of about this size: a socket write per song object
 * cost 28 µs of the main thread, 0.28 s for ten thousand songs.
 */
const GATHER_BYTES = 64 * 1024;

/** Objects smaller than this are parsed on the main thread even when threads are running. */
const THREAD_FROM_OBJECT_BYTES = 256 * 1024;

/**
 * Writes rows into the COPY stream, waiting for it to drain when full. A stream that has failed (the database
 * went away) never drains: `copyDone` rejects instead, so every waiting reader fails with the COPY's error.
 */
async function write(copy: Writable, copyDone: Promise<void>, rows: Buffer): Promise<void> {
  let accepted: boolean;
  try {
    accepted = copy.write(rows);
  } catch (error) {
    // pg-copy-streams throws from write() once its connection is gone; the COPY's own error says why.
    await Promise.race([copyDone, sleep(1000)]);
    throw error;
  }
  if (!accepted) await Promise.race([once(copy, 'drain'), copyDone]);
}

/** A lost connection (server shut down or restarted, network) rather than something wrong with the data. */
function isConnectionLoss(error: unknown): boolean {
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string' && /^(57P0[1-3]|08)/.test(code)) return true;
  return /Connection terminated|connection ended|ECONNRESET|EPIPE|reading 'stream'/i.test(
    String((error as Error).message),
  );
}

/**
 * Streams the planned objects into the staging tables with COPY FROM STDIN, validating every record on the way.
 * Each table is emptied and refilled in one transaction (TRUNCATE + COPY FREEZE: no second write of every page).
 * Memory stays flat: objects are read chunk by chunk, and COPY backpressure pauses the readers.
 */
export async function stageToPostgres(
  knex: Knex,
  source: Source,
  objects: readonly SourceObject[],
  options: StagePostgresOptions = {},
): Promise<StageResult> {
  const result = emptyStageResult();
  const keepRejects = options.keepRejects ?? 10_000;
  const plannedBytes = objects.reduce((sum, object) => sum + object.size, 0);
  const rules: RecordRules = {
    ...defaultRecordRules,
    ...options.rules,
    strictKeys: options.strictKeys ?? options.rules?.strictKeys ?? false,
  };
  const inline = inlineProcessor(1000, rules);
  const threads: RecordProcessor =
    options.workers === 0 || (options.workers === undefined && plannedBytes < WORKERS_FROM_BYTES)
      ? inline
      : workerProcessor(1000, options.workers, rules);
  // A small object (production song data is one song per object) costs more to send to a thread and back
  // than to parse here; large ones (a day of logs) go to the threads.
  const processorFor = (object: SourceObject) => (object.size < THREAD_FROM_OBJECT_BYTES ? inline : threads);
  let objectsDone = 0;
  const bytesTotal = objects.reduce((sum, object) => sum + object.size, 0);
  const report = () =>
    options.onProgress?.({
      stage: 'stage',
      objectsDone,
      objectsTotal: objects.length,
      records: result.recordsRead,
      bytes: result.bytesRead,
      bytesTotal,
    });

  // The first failure of either dataset; the other stops at its next chunk instead of staging on for nothing.
  let failure: { error: unknown } | undefined;
  try {
    // Both datasets at once, each on its own session: the song objects (thousands of tiny files, read on this
    // thread) are staged while the threads parse the logs, instead of before them. Both sessions are open before
    // either starts: a connection still being made while the songs are read waits for the event loop's turns, and
    // the logs' COPY waited with it (0.7 s of a 3.3 s stage of 200k events).
    const staged = await withPooledConnections(knex, datasets.length, (connections) =>
      Promise.allSettled(
        datasets.map(async (dataset, index) => {
          const connection = connections[index]!;
          const planned = objects.filter((object) => object.dataset === dataset);
          try {
            await connection.query('BEGIN');
            await connection.query(`TRUNCATE ${stagingTable[dataset].name}`);
            if (planned.length > 0) await copyObjects(connection, dataset, planned);
            // Fresh COPY data has no statistics; without them the transform's anti-joins plan as nested loops
            // (13 s instead of 0.1 s for 20k plays).
            await connection.query(`SET LOCAL default_statistics_target = ${LOAD_STATISTICS_TARGET}`);
            await connection.query(analyzeStagingSql(dataset));
            await connection.query('COMMIT');
          } catch (error) {
            failure ??= { error };
            await connection.query('ROLLBACK').catch(() => undefined);
            throw error;
          }
        }),
      ),
    );
    // A sibling's "stopped" error is not the cause: the first failure is.
    if (failure) throw failure.error;
    for (const outcome of staged) if (outcome.status === 'rejected') throw outcome.reason;
  } finally {
    await threads.close();
  }
  return result;

  async function copyObjects(connection: PoolClient, dataset: Dataset, planned: readonly SourceObject[]) {
    const table = stagingTable[dataset].name;
    const columns = options.objectIds ? [...copyColumns(dataset), 'object_id'] : copyColumns(dataset);
    const copy = connection.query(
      copyFrom(`COPY ${table} (${columns.join(', ')}) FROM STDIN WITH (FREEZE)`, {
        highWaterMark: COPY_BUFFER_BYTES,
      }),
    );
    const copyDone = finished(copy);
    copyDone.catch(() => undefined);
    // Small batches of rows wait here for company; rows still reach COPY in the order they were handed over.
    let gathered: Buffer[] = [];
    let gatheredBytes = 0;
    const flush = async () => {
      if (gatheredBytes === 0) return;
      const rows = Buffer.concat(gathered, gatheredBytes);
      gathered = [];
      gatheredBytes = 0;
      await write(copy, copyDone, rows);
    };
    const writeRows = async (rows: Buffer) => {
      if (rows.length >= GATHER_BYTES) {
        await flush();
        return write(copy, copyDone, rows);
      }
      gathered.push(rows);
      gatheredBytes += rows.length;
      if (gatheredBytes >= GATHER_BYTES) await flush();
    };
    try {
      await forEachConcurrently(planned, options.concurrency ?? 8, async (object) => {
        result.files.push(await readObject(writeRows, dataset, object));
        objectsDone += 1;
        report();
      });
      await flush();
    } catch (error) {
      copy.destroy(error as Error);
      throw error;
    }
    copy.end();
    try {
      await copyDone;
    } catch (error) {
      if (isConnectionLoss(error)) throw error;
      throw new LoaderError('COPY_FAILED', `COPY into ${table} failed: ${(error as Error).message}`, {
        cause: error,
      });
    }
  }

  async function readObject(
    writeRows: (rows: Buffer) => Promise<void>,
    dataset: Dataset,
    object: SourceObject,
  ): Promise<FileOutcome> {
    const session = processorFor(object).open(dataset, writeRows, options.objectIds?.get(object.key));
    let outcome;
    try {
      for await (const chunk of source.read(object)) {
        if (failure) throw failure.error;
        result.bytesRead += chunk.length;
        await session.push(chunk);
      }
      outcome = await session.end('complete');
    } catch (error) {
      if (!(error instanceof LoaderError && error.code === 'OBJECT_UNREADABLE')) throw error;
      // The object itself is bad (gone, corrupt): keep its complete records, count the rest as one rejected record.
      outcome = await session.end('aborted');
      outcome.counts.read += 1;
      outcome.counts.rejected += 1;
      outcome.problems.push({ line: 0, field: null, reason: error.message, raw: '' });
    }
    const { counts, problems } = outcome;
    mergeUnknownKeys(result.unknownKeys, dataset, object.key, outcome.unknownKeys);
    result.recordsRead += counts.read;
    result.recordsStaged += counts.staged;
    result.recordsRejected += counts.rejected;
    for (const problem of problems) {
      if (result.rejects.length >= keepRejects) break;
      result.rejects.push({ ...problem, dataset, key: object.key });
    }
    return { dataset, key: object.key, etag: object.etag, size: object.size, ...counts };
  }
}
