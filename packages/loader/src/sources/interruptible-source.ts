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
async function* untilAborted<T>(iterable: AsyncIterable<T>, signal: AbortSignal): AsyncGenerator<T> {
  const iterator = iterable[Symbol.asyncIterator]();
  let onAbort = () => undefined as void;
  const aborted = new Promise<never>((_, reject) => {
    onAbort = () => reject(interruptedError(signal));
    signal.addEventListener('abort', onAbort, { once: true });
  });
  aborted.catch(() => undefined);
  try {
    for (;;) {
      if (signal.aborted) throw interruptedError(signal);
      const next = await Promise.race([iterator.next(), aborted]);
      if (next.done) return;
      yield next.value;
    }
  } catch (error) {
    void iterator.return?.()?.catch(() => undefined);
    throw error;
  } finally {
    signal.removeEventListener('abort', onAbort);
  }
}

/**
 * A source that stops once `signal` aborts: a large or stalled object being read (and the COPY it feeds) ends
 * at once instead of running to its end.
 */
export function interruptibleSource(source: Source, signal: AbortSignal | undefined): Source {
  if (!signal) return source;
  return {
    get description() {
      return source.description;
    },
    get retries() {
      return source.retries;
    },
    list: (dataset) => untilAborted(source.list(dataset), signal),
    read: (object) => untilAborted(source.read(object), signal),
  };
}
