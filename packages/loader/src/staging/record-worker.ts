/**
 * Worker thread entry: parses, validates and encodes the chunks of the objects it is given, and answers each
 * chunk with the COPY rows it produced (as a transferred buffer), so the main thread only moves bytes.
 */
import { parentPort } from 'node:worker_threads';
import type { Dataset } from '../dataset.js';
import { ObjectReader } from '../records/object-reader.js';
import type { WorkerReply, WorkerRequest } from './record-worker-protocol.js';

const readers = new Map<number, { reader: ObjectReader; rows: string[] }>();
const port = parentPort;
if (!port) throw new Error('record-worker must run in a worker thread');

function rowsBuffer(rows: string[]): Uint8Array | null {
  if (rows.length === 0) return null;
  const buffer = Buffer.from(rows.length === 1 ? rows[0]! : rows.join(''));
  rows.length = 0;
  return buffer;
}

port.on('message', (request: WorkerRequest) => {
  let entry = readers.get(request.id);
  if (!entry) {
    const rows: string[] = [];
    entry = {
      reader: new ObjectReader(request.dataset as Dataset, (batch) => rows.push(batch), request.keepProblems),
      rows,
    };
    readers.set(request.id, entry);
  }
  const reply: WorkerReply = { id: request.id, rows: null };
  if (request.chunk)
    entry.reader.push(Buffer.from(request.chunk.buffer, request.chunk.byteOffset, request.chunk.byteLength));
  if (request.end === 'complete') entry.reader.end();
  else if (request.end === 'aborted') entry.reader.flushRows();
  reply.rows = rowsBuffer(entry.rows);
  if (request.end) {
    reply.counts = entry.reader.counts;
    reply.problems = entry.reader.problems;
    readers.delete(request.id);
  }
  const transfer = reply.rows ? [reply.rows.buffer as ArrayBuffer] : [];
  port.postMessage(reply, transfer);
});
