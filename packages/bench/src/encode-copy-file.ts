import { once } from 'node:events';
import {
  createReadStream,
  createWriteStream,
  existsSync,
  readFileSync,
  renameSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { finished } from 'node:stream/promises';
import { encodeRecord } from '@sparkify/loader';

/** The events of a dataset as COPY text, ready to stream into staging_events. */
export interface CopyFile {
  path: string;
  records: number;
  /** Bytes of COPY text. */
  bytes: number;
  /** Bytes of the source JSON these records came from. */
  sourceBytes: number;
}

const NEWLINE = 0x0a;
const writeChars = 1 << 20;

/**
 * Encodes every event of the log files as COPY text rows into `<folder>/events.copy`, once: with the loader's own
 * encodeRecord, so the ceiling COPY sends exactly the bytes a load sends. Reused when its marker is there.
 */
export async function ensureCopyFile(
  folder: string,
  logKeys: readonly string[],
  onProgress?: (records: number) => void,
): Promise<CopyFile> {
  const path = join(folder, 'events.copy');
  const marker = `${path}.json`;
  if (existsSync(marker) && existsSync(path)) {
    const cached = JSON.parse(readFileSync(marker, 'utf8')) as CopyFile;
    if (statSync(path).size === cached.bytes) return { ...cached, path };
  }

  const partial = `${path}.partial`;
  const out = createWriteStream(partial, { highWaterMark: writeChars });
  const written = finished(out);
  written.catch(() => undefined);
  let records = 0;
  let sourceBytes = 0;
  let rows = '';

  const flush = async () => {
    if (rows.length === 0) return;
    const more = out.write(rows);
    rows = '';
    if (!more) await Promise.race([once(out, 'drain'), written]);
  };
  const encodeLine = (bytes: Buffer, key: string) => {
    let text = bytes.toString('utf8');
    if (text.endsWith('\r')) text = text.slice(0, -1);
    if (text.trim().length === 0) return;
    const encoded = encodeRecord('events', text);
    // The benchmark's datasets have no planted defects; a refused record means the cache is not what we think.
    if (encoded.problem) throw new Error(`${key}: a record the loader refuses: ${encoded.problem.reason}`);
    rows += encoded.row;
    records += 1;
  };

  for (const key of logKeys) {
    let pending: Buffer = Buffer.alloc(0);
    for await (const chunk of createReadStream(join(folder, key), { highWaterMark: 1 << 20 })) {
      const buffer = chunk as Buffer;
      sourceBytes += buffer.length;
      let data = pending.length > 0 ? Buffer.concat([pending, buffer]) : buffer;
      let start = 0;
      for (let end = data.indexOf(NEWLINE, start); end !== -1; end = data.indexOf(NEWLINE, start)) {
        encodeLine(data.subarray(start, end), key);
        start = end + 1;
      }
      pending = Buffer.from(data.subarray(start));
      data = Buffer.alloc(0);
      if (rows.length >= writeChars) await flush();
      onProgress?.(records);
    }
    if (pending.length > 0) encodeLine(pending, key);
  }
  await flush();
  out.end();
  await written;
  renameSync(partial, path);
  const copyFile: CopyFile = { path, records, bytes: statSync(path).size, sourceBytes };
  writeFileSync(marker, `${JSON.stringify(copyFile, null, 2)}\n`);
  return copyFile;
}
