/**
 * Worker thread entry: parses, validates and encodes the chunks of the objects it is given, and answers each
 * chunk with the COPY rows it produced (buffers transferred, not copied), so the main thread only moves bytes.
 */
import { parentPort } from 'node:worker_threads';
import type { Dataset } from '../dataset.js';
import { ObjectReader } from '../records/object-reader.js';
import type { WorkerReply, WorkerRequest } from './record-worker-protocol.js';

const readers = new Map<number, { reader: ObjectReader; rows: Uint8Array[] }>();
const port = parentPort;
if (!port) throw new Error('record-worker must run in a worker thread');

port.on('message', (request: WorkerRequest) => {
  let entry = readers.get(request.id);
  if (!entry) {
    const rows: Uint8Array[] = [];
    entry = {
      reader: new ObjectReader(
        request.dataset as Dataset,
        (batch) => rows.push(batch),
        request.keepProblems,
        undefined,
        request.rules,
        request.objectId,
      ),
      rows,
    };
    readers.set(request.id, entry);
  }
  if (request.chunk)
    entry.reader.push(Buffer.from(request.chunk.buffer, request.chunk.byteOffset, request.chunk.byteLength));
  if (request.end === 'complete') entry.reader.end();
  else if (request.end === 'aborted') entry.reader.flushRows();
  const reply: WorkerReply = { id: request.id, rows: entry.rows.splice(0) };
  if (request.end) {
    reply.counts = entry.reader.counts;
    reply.problems = entry.reader.problems;
    reply.unknownKeys = [...entry.reader.unknownKeys.values()];
    readers.delete(request.id);
  }
  port.postMessage(
    reply,
    reply.rows.map((rows) => rows.buffer as ArrayBuffer),
  );
});
