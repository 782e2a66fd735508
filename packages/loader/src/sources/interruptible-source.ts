import { LoaderError } from '../errors.js';
import type { Source } from './source.js';

/** The error of a load stopped by its signal: what was asked, and that the warehouse is as it was. */
export function interruptedError(signal: AbortSignal, cause?: unknown): LoaderError {
  const reason = typeof signal.reason === 'string' ? signal.reason : 'a stop request';
  return new LoaderError(
    'INTERRUPTED',
    `The load was interrupted (${reason}): it stopped and rolled back; nothing of it reached the star schema, ` +
      'and its run is recorded as failed (INTERRUPTED). Run it again to load the same objects.',
    { cause },
  );
}

/**
 * Yields what `iterable` yields until `signal` aborts, then throws at once, even while a chunk is still on its way
 * (a slow or stalled S3 response): the iterator is told to return, and not waited for.
 */
async function* untilAborted<T>(
  iterable: AsyncIterable<T>,
  signal: AbortSignal,
  readers: Set<() => void>,
): AsyncGenerator<T> {
  const iterator = iterable[Symbol.asyncIterator]();
  // Each wait gets a promise of its own that an abort rejects: racing every chunk against one long-lived promise
  // would hang a reaction on it per chunk (ten thousand for a song listing), kept until the load ends.
  let rejectWait: ((error: unknown) => void) | undefined;
  const onAbort = () => rejectWait?.(interruptedError(signal));
  readers.add(onAbort);
  try {
    for (;;) {
      if (signal.aborted) throw interruptedError(signal);
      const next = await new Promise<IteratorResult<T>>((resolve, reject) => {
        rejectWait = reject;
        iterator.next().then(resolve, reject);
      });
      rejectWait = undefined;
      if (next.done) return;
      yield next.value;
    }
  } catch (error) {
    void iterator.return?.()?.catch(() => undefined);
    throw error;
  } finally {
    readers.delete(onAbort);
  }
}

/**
 * A source that stops once `signal` aborts: a large or stalled object being read (and the COPY it feeds) ends
 * at once instead of running to its end.
 */
export function interruptibleSource(source: Source, signal: AbortSignal | undefined): Source {
  if (!signal) return source;
  // One listener on the signal for all the reads in flight (a load reads a dozen objects at once; a listener each
  // would trip Node's leak warning at eleven).
  const readers = new Set<() => void>();
  signal.addEventListener(
    'abort',
    () => {
      for (const reader of readers) reader();
    },
    { once: true },
  );
  return {
    get description() {
      return source.description;
    },
    get retries() {
      return source.retries;
    },
    list: (dataset) => untilAborted(source.list(dataset), signal, readers),
    read: (object) => untilAborted(source.read(object), signal, readers),
  };
}
