import { createHash } from 'node:crypto';
import { createReadStream, readdirSync, readFileSync, readlinkSync, realpathSync, statSync } from 'node:fs';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { join, relative, sep } from 'node:path';
import { createGunzip } from 'node:zlib';
import { type Dataset, isDataKey, isGzipKey } from '../dataset.js';
import { LoaderError } from '../errors.js';
import type { Source, SourceObject } from './source.js';

/** The longest object key the ledger keeps (etl_files.object_key and the like are VARCHAR(2048)). */
const MAX_KEY_BYTES = 2048;

/** Paths listed whose file name is not valid UTF-8 (as shown, with U+FFFD) → the raw name's bytes as latin1. */
type BadNames = Map<string, string>;

/** A file name's bytes as printable text: ASCII as is, every other byte as \xNN. */
function escapedName(latin1: string): string {
  return [...latin1]
    .map((char) => {
      const code = char.charCodeAt(0);
      return code >= 0x20 && code < 0x7f ? char : `\\x${code.toString(16).padStart(2, '0')}`;
    })
    .join('');
}

/**
 * The listing asks the file system synchronously, walking with a plain generator: a song dataset is ten thousand
 * folders of one file each, and each asynchronous call is a round trip through libuv's thread pool (3.2 s for 10k
 * song folders against 0.2 s). It hands the event loop back every this many files, so that the lock's heartbeat
 * and a Ctrl-C are never held up.
 */
const ENTRIES_PER_TURN = 256;

/** What a directory entry is, after following symbolic links (a dangling link is `missing`). */
function kindOf(
  path: string,
): 'file' | 'folder' | 'missing' | 'a FIFO' | 'a socket' | 'a device' | 'not a regular file' {
  try {
    const info = statSync(path);
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
 * exit 0. Other names are not data and are passed over whatever they are. A data-named file whose name is not UTF-8
 * is yielded as shown (with U+FFFD) and recorded in `badNames`, so that it is counted as a bad object, not lost.
 */
function* walk(
  folder: string,
  badNames: BadNames,
  real?: string,
  ancestors: ReadonlySet<string> = new Set(),
): Generator<string> {
  let entries;
  try {
    entries = readdirSync(folder, { withFileTypes: true, encoding: 'buffer' });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw error;
  }
  // The folder's real path: asked of the file system once at the root and after a link, derived otherwise (a
  // realpath per folder doubles the cost of listing ten thousand song folders).
  const folderReal = real ?? realpathSync(folder);
  const here = new Set([...ancestors, folderReal]);
  entries.sort((a, b) => Buffer.compare(a.name, b.name));
  for (const entry of entries) {
    const name = entry.name.toString('utf8');
    if (!Buffer.from(name, 'utf8').equals(entry.name)) {
      // The name is not UTF-8: it cannot be a key (the ledger, manifests and messages are text). A data-named one is
      // a bad object, named with its bytes escaped; it is counted and quarantinable like a corrupt file.
      if (isDataKey(name)) {
        badNames.set(join(folder, name), entry.name.toString('latin1'));
        yield join(folder, name);
      }
      continue;
    }
    const path = join(folder, name);
    const kind = entry.isSymbolicLink()
      ? kindOf(path)
      : entry.isDirectory()
        ? 'folder'
        : entry.isFile()
          ? 'file'
          : kindOf(path);
    if (kind === 'folder') {
      const childReal = entry.isSymbolicLink() ? realpathSync(path) : join(folderReal, name);
      if (here.has(childReal)) {
        throw new LoaderError(
          'SOURCE_INVALID',
          `${path} is a symbolic link to a folder it is inside (${childReal}): the listing would never end; remove the link`,
        );
      }
      yield* walk(path, badNames, childReal, here);
    } else if (kind === 'file') yield path;
    else if (isDataKey(path)) {
      const what =
        kind === 'missing' ? `a symbolic link to ${readlinkSync(path)}, which does not exist` : kind;
      throw new LoaderError(
        'SOURCE_INVALID',
        `${path} is ${what}, not a file that can be read: fix or remove it (the load never skips a data file silently)`,
      );
    }
  }
}

/**
 * Files up to this size (a song each) are read in one synchronous call, like the listing and for the same reason: a
 * stream costs an open, two reads and a close, each a round trip through libuv's thread pool, which the parser
 * threads keep waiting for CPU (ten thousand song files staged in 11.6 s of an M load, longer than its million events).
 */
const SYNC_READ_BYTES = 64 * 1024;

/**
 * Synchronous reads between two turns of the event loop: fewer than the listing's entries, since between reads this
 * thread also parses each song, and the parser threads' rows wait for it to pass them on to COPY.
 */
const SYNC_READS_PER_TURN = 32;

/** The errors of reading a file that are the file's own, not a passing condition of this process or system. */
const REFUSED_FILE = new Set(['EACCES', 'EPERM', 'EIO', 'EISDIR', 'ENXIO', 'EINVAL', 'ELOOP', 'ENOTDIR']);

/** A local folder per dataset (normally `<root>/song_data` and `<root>/log_data`). */
export function localSource(folders: Record<Dataset, string>, root: string): Source {
  const badNames: BadNames = new Map();
  let syncReads = 0;
  /** Listed objects that are bad as such (a name that is not UTF-8, a path too long to keep): key → why. */
  const unreadable = new Map<string, string>();
  return {
    description: Object.values(folders).join(', '),
    retries: 0,
    async *list(dataset) {
      let entries = 0;
      for (const path of walk(folders[dataset], badNames)) {
        entries += 1;
        if (entries % ENTRIES_PER_TURN === 0) await nextTurn();
        if (!isDataKey(path)) continue;
        let key = relative(root, path).split(sep).join('/');
        const bad = badNames.get(path);
        if (bad !== undefined) {
          unreadable.set(key, `the file name is not valid UTF-8 (${escapedName(bad)}); rename it to load it`);
        } else if (Buffer.byteLength(key) > MAX_KEY_BYTES) {
          // The ledger keeps keys up to 2048 bytes (as S3's 1024 always fit): a longer path is a bad object under a
          // key cut to fit, with a hash of the whole path so that two long paths never share one.
          const whole = key;
          const hash = createHash('sha256').update(whole).digest('hex').slice(0, 12);
          key = `${Buffer.from(whole)
            .subarray(0, MAX_KEY_BYTES - 64)
            .toString('utf8')
            .replace(/\uFFFD$/, '')}…#${hash}`;
          unreadable.set(
            key,
            `the path is ${Buffer.byteLength(whole)} bytes long; the ledger keeps keys of up to ${MAX_KEY_BYTES} bytes: move it to a shorter path`,
          );
        }
        const info = unreadable.has(key) ? { size: 0, mtimeMs: 0 } : statSync(path);
        yield {
          dataset,
          key,
          etag: `${info.size.toString(16)}-${Math.trunc(info.mtimeMs).toString(16)}`,
          size: info.size,
        } satisfies SourceObject;
      }
    },
    async *read(object) {
      const reason = unreadable.get(object.key);
      // The reason first: a reason stored after a 2,000-byte key would be cut off.
      if (reason !== undefined) throw new LoaderError('OBJECT_UNREADABLE', `${reason}: ${object.key}`);
      const path = join(root, ...object.key.split('/'));
      try {
        if (object.size <= SYNC_READ_BYTES && !isGzipKey(object.key)) {
          // The event loop gets its turn every so often, as in the listing (the lock's heartbeat, a Ctrl-C).
          syncReads += 1;
          if (syncReads % SYNC_READS_PER_TURN === 0) await nextTurn();
          const bytes = readFileSync(path);
          if (bytes.length > 0) yield bytes;
          return;
        }
        // Larger objects stream; small gzip ones in one read of their size, not a 256 KB stream buffer.
        const highWaterMark = Math.max(16 * 1024, Math.min(256 * 1024, object.size + 1));
        const file = createReadStream(path, { highWaterMark });
        const stream = isGzipKey(object.key) ? file.pipe(createGunzip()) : file;
        if (stream !== file) file.once('error', (error) => stream.destroy(error));
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
        // The file system refused this one file (no permission, an I/O error, a directory in a file's place):
        // a bad object, named and quarantinable, never a raw error that blocks every load. Passing conditions
        // (too many open files, out of memory) are not the file's fault: they fail the run, to be tried again.
        if (typeof code === 'string' && REFUSED_FILE.has(code)) {
          throw new LoaderError(
            'OBJECT_UNREADABLE',
            `${object.key} cannot be read (${code}: ${(error as Error).message.replace(/^\w+: /, '')})`,
            { cause: error },
          );
        }
        throw error;
      }
    },
  };
}
