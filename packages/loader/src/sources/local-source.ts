import { createReadStream } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import { createGunzip } from 'node:zlib';
import { type Dataset, isDataKey, isGzipKey } from '../dataset.js';
import { LoaderError } from '../errors.js';
import type { Source, SourceObject } from './source.js';

async function* walk(folder: string): AsyncGenerator<string> {
  let entries;
  try {
    entries = await readdir(folder, { withFileTypes: true });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw error;
  }
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const entry of entries) {
    const path = join(folder, entry.name);
    if (entry.isDirectory()) yield* walk(path);
    else if (entry.isFile()) yield path;
  }
}

/** A local folder per dataset (normally `<root>/song_data` and `<root>/log_data`). */
export function localSource(folders: Record<Dataset, string>, root: string): Source {
  return {
    description: Object.values(folders).join(', '),
    retries: 0,
    async *list(dataset) {
      for await (const path of walk(folders[dataset])) {
        if (!isDataKey(path)) continue;
        const info = await stat(path);
        yield {
          dataset,
          key: relative(root, path).split(sep).join('/'),
          etag: `${info.size.toString(16)}-${Math.trunc(info.mtimeMs).toString(16)}`,
          size: info.size,
        } satisfies SourceObject;
      }
    },
    async *read(object) {
      const path = join(root, ...object.key.split('/'));
      // Small objects (one song each, in production) in one read of their size, not a 256 KB stream buffer.
      const highWaterMark = Math.max(16 * 1024, Math.min(256 * 1024, object.size + 1));
      const file = createReadStream(path, { highWaterMark });
      const stream = isGzipKey(object.key) ? file.pipe(createGunzip()) : file;
      if (stream !== file) file.once('error', (error) => stream.destroy(error));
      try {
        for await (const chunk of stream) yield chunk as Buffer;
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code;
        if (code === 'ENOENT') {
          throw new LoaderError(
            'OBJECT_UNREADABLE',
            `${object.key} was listed but is gone (deleted during the load?)`,
            {
              cause: error,
            },
          );
        }
        if (typeof code === 'string' && code.startsWith('Z_')) {
          throw new LoaderError(
            'OBJECT_UNREADABLE',
            `${object.key} is not valid gzip: ${(error as Error).message}`,
            {
              cause: error,
            },
          );
        }
        throw error;
      }
    },
  };
}
