import { createReadStream } from 'node:fs';
import { readdir, readlink, realpath, stat } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import { createGunzip } from 'node:zlib';
import { type Dataset, isDataKey, isGzipKey } from '../dataset.js';
import { LoaderError } from '../errors.js';
import type { Source, SourceObject } from './source.js';

/** What a directory entry is, after following symbolic links (a dangling link is `missing`). */
async function kindOf(path: string): Promise<'file' | 'folder' | 'missing' | string> {
  try {
    const info = await stat(path);
    if (info.isFile()) return 'file';
    if (info.isDirectory()) return 'folder';
    if (info.isFIFO()) return 'a FIFO';
    if (info.isSocket()) return 'a socket';
    if (info.isCharacterDevice() || info.isBlockDevice()) return 'a device';
    return 'not a regular file';
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return 'missing';
    throw error;
  }
}

/**
 * Every regular file under `folder`, sorted, following symbolic links to files and folders (a folder that links
 * back to one it is inside is refused: it would never end). A data-named entry that is not a readable file (a
 * dangling link, a FIFO, a socket) is refused by name instead of skipped: skipping it would lose its data with
 * exit 0. Other names are not data and are passed over whatever they are.
 */
async function* walk(
  folder: string,
  real?: string,
  ancestors: ReadonlySet<string> = new Set(),
): AsyncGenerator<string> {
  let entries;
  try {
    entries = await readdir(folder, { withFileTypes: true });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw error;
  }
  // The folder's real path: asked of the file system once at the root and after a link, derived otherwise (a
  // realpath per folder doubles the cost of listing ten thousand song folders).
  const folderReal = real ?? (await realpath(folder));
  const here = new Set([...ancestors, folderReal]);
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const entry of entries) {
    const path = join(folder, entry.name);
    const kind = entry.isSymbolicLink()
      ? await kindOf(path)
      : entry.isDirectory()
        ? 'folder'
        : entry.isFile()
          ? 'file'
          : await kindOf(path);
    if (kind === 'folder') {
      const childReal = entry.isSymbolicLink() ? await realpath(path) : join(folderReal, entry.name);
      if (here.has(childReal)) {
        throw new LoaderError(
          'SOURCE_INVALID',
          `${path} is a symbolic link to a folder it is inside (${childReal}): the listing would never end; remove the link`,
        );
      }
      yield* walk(path, childReal, here);
    } else if (kind === 'file') yield path;
    else if (isDataKey(path)) {
      const what =
        kind === 'missing' ? `a symbolic link to ${await readlink(path)}, which does not exist` : kind;
      throw new LoaderError(
        'SOURCE_INVALID',
        `${path} is ${what}, not a file that can be read: fix or remove it (the load never skips a data file silently)`,
      );
    }
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
