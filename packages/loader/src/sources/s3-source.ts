import { setTimeout as sleep } from 'node:timers/promises';
import { createGunzip } from 'node:zlib';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { S3Client } from '@aws-sdk/client-s3';
import { type Dataset, isDataKey, isGzipKey } from '../dataset.js';
import { LoaderError } from '../errors.js';
import { s3Sdk } from '../s3-sdk.js';
import { parseS3Url, type S3Location } from './s3-location.js';
import type { Source, SourceObject } from './source.js';

export interface S3SourceOptions {
  client: S3Client;
  locations: Record<Dataset, string>;
  /** Attempts to read one object's body when the connection drops mid-way (resumed with a Range request). */
  readAttempts?: number;
  /** Base of the exponential backoff between attempts. */
  backoffMs?: number;
}

function s3Url(location: S3Location, key: string): string {
  return `s3://${location.bucket}/${key}`;
}

/** The network's code for a failure that never got an HTTP answer (DNS, refused, reset, timeout), if any. */
function networkCode(error: unknown): string | undefined {
  for (let current = error as { code?: unknown; errors?: unknown[]; cause?: unknown } | undefined; current;) {
    if (typeof current.code === 'string' && /^E[A-Z_]+$/.test(current.code)) return current.code;
    const nested = Array.isArray(current.errors) ? current.errors.map(networkCode).find(Boolean) : undefined;
    if (nested) return nested;
    current = current.cause as typeof current;
  }
  return undefined;
}

/** Turns an S3 failure into a message naming bucket and key, with the request it came from attached. */
function explainS3Error(
  error: unknown,
  where: string,
  origin: { operation: 'list' | 'read'; bucket: string; key: string },
): Error {
  if (error instanceof LoaderError) return error;
  const status = (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
  const name = (error as { name?: string }).name ?? '';
  const network = networkCode(error);
  const s3 = {
    ...origin,
    ...(network ? { errorCode: network } : name && name !== 'Error' ? { errorCode: name } : {}),
    ...(status === undefined ? {} : { httpStatus: status }),
  };
  if (name === 'NoSuchBucket')
    return new LoaderError('SOURCE_NOT_FOUND', `${where}: the bucket does not exist`, { cause: error, s3 });
  // A missing object can only be one the listing named; a listing itself is never "gone".
  if (origin.operation === 'read' && (name === 'NoSuchKey' || status === 404)) {
    return new LoaderError(
      'OBJECT_UNREADABLE',
      `${where} was listed but is gone (deleted during the load?)`,
      {
        cause: error,
        s3,
      },
    );
  }
  if (name === 'AccessDenied' || status === 403) {
    return new LoaderError(
      'SOURCE_ACCESS_DENIED',
      `${where}: access denied (check the credentials and the bucket policy)`,
      { cause: error, s3 },
    );
  }
  // A service's answer (an S3ServiceException: it has a $fault), not a local failure with a message of its own.
  const answered = typeof error === 'object' && error !== null && '$fault' in error;
  const detail = answered ? `${name} (HTTP ${status ?? '?'})` : (error as Error).message;
  return new LoaderError('SOURCE_READ_FAILED', `${where}: ${detail}`, { cause: error, s3 });
}

/**
 * Objects under S3 prefixes through the SDK (credentials, region, endpoint and request retries are the client's).
 * Listings are paginated; a body whose connection drops is resumed from the byte it reached, pinned to its ETag.
 */
export function s3Source(options: S3SourceOptions): Source {
  const { client, readAttempts = 5, backoffMs = 200 } = options;
  const parsed = { songs: parseS3Url(options.locations.songs), events: parseS3Url(options.locations.events) };
  const state = { retries: 0 };
  const countRetries = (metadata: { attempts?: number } | undefined) => {
    if (metadata?.attempts && metadata.attempts > 1) state.retries += metadata.attempts - 1;
  };

  return {
    description: `${s3Url(parsed.songs, parsed.songs.prefix)}, ${s3Url(parsed.events, parsed.events.prefix)}`,
    get retries() {
      return state.retries;
    },
    async *list(dataset) {
      const location = parsed[dataset];
      let token: string | undefined;
      do {
        let page;
        try {
          const { ListObjectsV2Command } = await s3Sdk();
          page = await client.send(
            new ListObjectsV2Command({
              Bucket: location.bucket,
              Prefix: location.prefix,
              ContinuationToken: token,
            }),
          );
        } catch (error) {
          throw explainS3Error(error, `listing ${s3Url(location, location.prefix)}`, {
            operation: 'list',
            bucket: location.bucket,
            key: location.prefix,
          });
        }
        countRetries(page.$metadata);
        for (const item of page.Contents ?? []) {
          if (!item.Key || item.Key.endsWith('/') || !isDataKey(item.Key)) continue;
          yield {
            dataset,
            key: s3Url(location, item.Key),
            etag: (item.ETag ?? '').replace(/"/g, ''),
            size: item.Size ?? 0,
          } satisfies SourceObject;
        }
        token = page.IsTruncated ? page.NextContinuationToken : undefined;
      } while (token);
    },
    async *read(object) {
      const { bucket, prefix: key } = parseS3Url(object.key, { folder: false });
      const raw = readResumable(object, bucket, key);
      if (!isGzipKey(object.key)) {
        yield* raw;
        return;
      }
      // pipeline (unlike pipe) carries a failed read into the gunzip stream instead of leaving it unhandled.
      const gunzip = createGunzip();
      pipeline(Readable.from(raw), gunzip).catch(() => undefined);
      try {
        for await (const chunk of gunzip) yield chunk as Buffer;
      } catch (error) {
        if (error instanceof LoaderError) throw error;
        throw new LoaderError(
          'OBJECT_UNREADABLE',
          `${object.key} is not valid gzip: ${(error as Error).message}`,
          {
            cause: error,
          },
        );
      }
    },
  };

  async function* readResumable(object: SourceObject, bucket: string, key: string): AsyncGenerator<Buffer> {
    let received = 0;
    for (let attempt = 1; ; attempt += 1) {
      try {
        const { GetObjectCommand } = await s3Sdk();
        const response = await client.send(
          new GetObjectCommand({
            Bucket: bucket,
            Key: key,
            IfMatch: object.etag ? `"${object.etag}"` : undefined,
            Range: received > 0 ? `bytes=${received}-` : undefined,
          }),
        );
        countRetries(response.$metadata);
        for await (const chunk of response.Body as AsyncIterable<Uint8Array>) {
          const buffer = Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
          received += buffer.length;
          yield buffer;
        }
        return;
      } catch (error) {
        const status = (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
        const name = (error as { name?: string }).name;
        if (status === 412 || name === 'PreconditionFailed') {
          throw new LoaderError(
            'OBJECT_UNREADABLE',
            `${object.key} changed while it was being read; run the load again`,
            {
              cause: error,
            },
          );
        }
        const permanent = status !== undefined && status < 500 && status !== 429;
        if (permanent || attempt >= readAttempts)
          throw explainS3Error(error, object.key, { operation: 'read', bucket, key });
        state.retries += 1;
        await sleep(backoffMs * 2 ** (attempt - 1));
      }
    }
  }
}
