import type { S3Client } from '@aws-sdk/client-s3';
import type { DatasetSink } from './dataset-sink.js';
import { SinkWriteError } from './errors.js';
import { s3Sdk } from './s3-sdk.js';
import { S3UploadStream } from './s3-upload-stream.js';
import { createTaskPool } from './task-pool.js';

/** Where and how an S3 sink writes. */
export interface S3SinkOptions {
  client: S3Client;
  bucket: string;
  /** Key prefix, with or without a trailing slash; '' for the bucket root. */
  prefix?: string;
  /** Small objects in flight at once (default 32). */
  concurrency?: number;
  /** Multipart part size for log files (default 8 MiB). */
  partSize?: number;
}

/** Writes a dataset to an S3 bucket (or any S3-compatible store) under a prefix. */
export function s3Sink(options: S3SinkOptions): DatasetSink {
  const { client, bucket } = options;
  const prefix = normalizePrefix(options.prefix ?? '');
  const pool = createTaskPool(options.concurrency ?? 32);
  const contentTypeOf = (key: string): string =>
    key.endsWith('.gz') ? 'application/gzip' : 'application/json';
  return {
    location: `s3://${bucket}/${prefix}`,
    putObject: (key, body) =>
      pool.submit(async () => {
        try {
          const { PutObjectCommand } = await s3Sdk();
          await client.send(
            new PutObjectCommand({
              Bucket: bucket,
              Key: prefix + key,
              Body: body,
              ContentType: contentTypeOf(key),
            }),
          );
        } catch (cause) {
          throw new SinkWriteError(prefix + key, { cause });
        }
      }),
    openStream: (key) =>
      new S3UploadStream({
        client,
        bucket,
        key: prefix + key,
        contentType: contentTypeOf(key),
        partSize: options.partSize ?? 8 << 20,
      }),
    flush: () => pool.drain(),
  };
}

function normalizePrefix(prefix: string): string {
  const trimmed = prefix.replace(/^\/+/, '');
  return trimmed === '' || trimmed.endsWith('/') ? trimmed : `${trimmed}/`;
}
