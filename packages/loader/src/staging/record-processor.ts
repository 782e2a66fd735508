import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import type { Dataset } from '../dataset.js';
import { type ObjectCounts, ObjectReader, type RecordProblem } from '../records/object-reader.js';
import type { UnknownKeyCount } from '../records/unknown-keys.js';
import type { WorkerReply, WorkerRequest } from './record-worker-protocol.js';
import { defaultRecordRules, type RecordRules } from '../records/ambiguous-json.js';

/** Reads one object's chunks into COPY rows; `rows` receives them in order, and may ask to wait (backpressure). */
export interface ObjectSession {
  push(chunk: Buffer): Promise<void>;
  /** Ends the object; `aborted` keeps the complete records read so far (the object could not be read to its end). */
  end(how: 'complete' | 'aborted'): Promise<ObjectOutcome>;
}

/** What one object gave: counts, the problems kept, and the keys the format does not know. */
export interface ObjectOutcome {
  counts: ObjectCounts;
  problems: RecordProblem[];
  unknownKeys: UnknownKeyCount[];
}

export interface RecordProcessor {
  /** `objectId`: the provenance id written on every row (etl_objects). */
  open(dataset: Dataset, rows: (rows: Buffer) => Promise<void> | void, objectId?: number): ObjectSession;
  close(): Promise<void>;
}

/** Parses, validates and encodes on the calling thread: for tiny loads and as the reference behaviour. */
export function inlineProcessor(
  keepProblems: number,
  rules: RecordRules = defaultRecordRules,
): RecordProcessor {
  return {
    open(dataset, rows, objectId) {
      // One push can produce several batches: each write waits for the previous, and the chain is awaited.
      let written: Promise<void> = Promise.resolve();
      const reader = new ObjectReader(
        dataset,
        (batch) => {
          written = written.then(() => rows(batch));
          written.catch(() => undefined);
        },
        keepProblems,
        undefined,
        rules,
        objectId,
      );
      return {
        async push(chunk) {
          reader.push(chunk);
          await written;
        },
        async end(how) {
          if (how === 'complete') reader.end();
          else reader.flushRows();
          await written;
          return {
            counts: reader.counts,
            problems: reader.problems,
            unknownKeys: [...reader.unknownKeys.values()],
          };
        },
      };
    },
    async close() {},
  };
}

/** The compiled worker beside this module (tests import the sources, whose worker must still be the built one). */
function workerUrl(): URL {
  const here = import.meta.url;
  if (here.endsWith('.ts'))
    return new URL(here.replace('/src/', '/dist/').replace(/record-processor\.ts$/, 'record-worker.js'));
  return new URL('./record-worker.js', here);
}

const MAX_IN_FLIGHT_PER_OBJECT = 4;

/**
 * One parser thread per core, at most 4 (each costs memory). Measured on 2 cores with a local PostgreSQL that
 * needs about a core for its COPY: 2 threads staged 1M events in 5.8 s, 1 thread in 7.1 s, none in 7.0 s.
 */
export function defaultWorkerCount(): number {
  return Math.min(4, Math.max(1, availableParallelism()));
}

/** Bounds each thread's heap so that threads cost little memory: they only ever hold a few chunks and rows. */
const WORKER_LIMITS = { maxYoungGenerationSizeMb: 16, maxOldGenerationSizeMb: 96 };

/**
 * Spreads objects over worker threads (JSON.parse and validation are most of a load's CPU; the main thread
 * then only moves bytes and feeds COPY). An object stays on one worker; each chunk is answered with its rows,
 * and at most a few chunks per object are in flight, so memory stays flat whatever the dataset's size.
 */
export function workerProcessor(
  keepProblems: number,
  size = Math.min(4, Math.max(1, availableParallelism())),
  rules: RecordRules = defaultRecordRules,
): RecordProcessor {
  const workers = Array.from(
    { length: size },
    () => new Worker(workerUrl(), { resourceLimits: WORKER_LIMITS }),
  );
  const waiting = new Map<number, ((reply: WorkerReply) => void)[]>();
  let failure: Error | undefined;
  for (const worker of workers) {
    worker.on('message', (reply: WorkerReply) => waiting.get(reply.id)?.shift()?.(reply));
    worker.on('error', (error) => {
      failure = error;
      for (const queue of waiting.values())
        for (const resolve of queue.splice(0)) resolve({ id: -1, rows: [] });
    });
    worker.unref();
  }
  let nextId = 0;
  return {
    open(dataset, rows, objectId) {
      const id = nextId++;
      const worker = workers[id % workers.length]!;
      const queue: ((reply: WorkerReply) => void)[] = [];
      waiting.set(id, queue);
      const inFlight: Promise<WorkerReply>[] = [];
      let delivered: Promise<void> = Promise.resolve();
      const send = (
        request: Omit<WorkerRequest, 'id' | 'dataset' | 'keepProblems' | 'rules' | 'objectId'>,
        transfer: ArrayBuffer[],
      ) => {
        if (failure) throw failure;
        const reply = new Promise<WorkerReply>((resolve) => queue.push(resolve));
        worker.postMessage(
          { id, dataset, keepProblems, rules, objectId, ...request } satisfies WorkerRequest,
          transfer,
        );
        // Rows are written in the order their chunks were sent: each waits for the one sent before it.
        const previous = delivered;
        const written = reply.then(async (answer) => {
          await previous;
          if (failure) throw failure;
          for (const batch of answer.rows)
            await rows(Buffer.from(batch.buffer, batch.byteOffset, batch.byteLength));
          return answer;
        });
        delivered = written.then(() => undefined);
        // Every reply is awaited by push or end; these only keep an abandoned one from being "unhandled".
        written.catch(() => undefined);
        delivered.catch(() => undefined);
        inFlight.push(written);
        return written;
      };
      return {
        async push(chunk) {
          // A copy the worker can own: pooled buffers from streams cannot be transferred safely.
          const owned = new Uint8Array(chunk.byteLength);
          owned.set(chunk);
          void send({ chunk: owned }, [owned.buffer]);
          while (inFlight.length >= MAX_IN_FLIGHT_PER_OBJECT) await inFlight.shift();
        },
        async end(how) {
          const last = send({ end: how }, []);
          await Promise.all(inFlight.splice(0));
          const answer = await last;
          waiting.delete(id);
          return {
            counts: answer.counts!,
            problems: answer.problems ?? [],
            unknownKeys: answer.unknownKeys ?? [],
          };
        },
      };
    },
    async close() {
      await Promise.all(workers.map((worker) => worker.terminate()));
    },
  };
}
