import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { generateDataset, type DatasetSink } from '../src/index.js';

/** A sink that stores nothing, acknowledges every chunk late, and records how much was ever queued at once. */
function slowSink(): DatasetSink & { maxQueuedBytes: number; maxChunkBytes: number; streamedBytes: number } {
  const sink = {
    location: 'memory',
    maxQueuedBytes: 0,
    maxChunkBytes: 0,
    streamedBytes: 0,
    putObject: () => Promise.resolve(),
    openStream: () => {
      const stream: Writable = new Writable({
        highWaterMark: 1,
        write(chunk: Buffer, _encoding, callback) {
          sink.maxQueuedBytes = Math.max(sink.maxQueuedBytes, stream.writableLength);
          sink.maxChunkBytes = Math.max(sink.maxChunkBytes, chunk.length);
          sink.streamedBytes += chunk.length;
          setImmediate(callback);
        },
      });
      return stream;
    },
    flush: () => Promise.resolve(),
  };
  return sink;
}

describe('streaming', () => {
  it('waits for a slow log stream instead of queueing the day in memory', async () => {
    const sink = slowSink();
    const summary = await generateDataset({ songs: 50, events: 40_000, days: 1 }, sink);
    // One day of 40k events is ~19 MB; the generator never had more than one 1 MiB chunk outstanding.
    expect(sink.streamedBytes).toBeGreaterThan(10 << 20);
    expect(sink.maxChunkBytes).toBeLessThanOrEqual(1 << 20);
    expect(sink.maxQueuedBytes).toBeLessThanOrEqual(1 << 20);
    expect(summary.events).toBe(40_000);
  });
});
