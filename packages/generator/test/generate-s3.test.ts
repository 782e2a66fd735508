import { GetObjectCommand, ListObjectsV2Command, type S3Client } from '@aws-sdk/client-s3';
import { startTestS3, type TestS3 } from '@sparkify/testkit';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { folderSink, generateDataset, s3Sink, SinkWriteError, type GenerateOptions } from '../src/index.js';
import { readTree } from './read-dataset.js';

async function readBucket(client: S3Client, bucket: string, prefix: string): Promise<Map<string, Buffer>> {
  const objects = new Map<string, Buffer>();
  let token: string | undefined;
  do {
    const page = await client.send(
      new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, ContinuationToken: token }),
    );
    for (const entry of page.Contents ?? []) {
      const object = await client.send(new GetObjectCommand({ Bucket: bucket, Key: entry.Key }));
      objects.set(
        (entry.Key ?? '').slice(prefix.length),
        Buffer.from(await object.Body!.transformToByteArray()),
      );
    }
    token = page.NextContinuationToken;
  } while (token !== undefined);
  return objects;
}

describe('generateDataset into S3', () => {
  let s3: TestS3;
  const scratch = mkdtempSync(join(tmpdir(), 'sparkify-generator-s3-'));
  beforeAll(async () => {
    s3 = await startTestS3();
    await s3.createBucket('sparkify');
  });
  afterAll(async () => {
    await s3.stop();
    rmSync(scratch, { recursive: true, force: true });
  });

  it('stores exactly the objects the folder sink writes, small files concurrently and large ones in parts', async () => {
    const options: GenerateOptions = { songs: 150, events: 4000, days: 3, seed: 's3', defectRate: 0.002 };
    // A 64 KiB part size makes every day file a multipart upload (s3rver, unlike AWS, accepts parts under 5 MiB).
    const summary = await generateDataset(
      options,
      s3Sink({ client: s3.client, bucket: 'sparkify', prefix: 'raw/v1', concurrency: 8, partSize: 64 << 10 }),
    );
    await generateDataset(options, folderSink(scratch));
    const expected = readTree(scratch);
    const stored = await readBucket(s3.client, 'sparkify', 'raw/v1/');
    expect([...stored.keys()].sort()).toEqual([...expected.keys()].sort());
    for (const [key, body] of expected) expect(stored.get(key)?.equals(body), key).toBe(true);
    expect(summary.location).toBe('s3://sparkify/raw/v1/');
    expect(summary.songFiles + summary.logFiles).toBe(stored.size);
    const logSizes = [...expected]
      .filter(([key]) => key.startsWith('log_data/'))
      .map(([, body]) => body.length);
    expect(Math.min(...logSizes)).toBeGreaterThan(64 << 10);
  });

  it('writes small log files with a single PutObject at the bucket root', async () => {
    await generateDataset(
      { songs: 5, events: 30, days: 2, seed: 'tiny' },
      s3Sink({ client: s3.client, bucket: 'sparkify' }),
    );
    const stored = await readBucket(s3.client, 'sparkify', 'log_data/');
    expect([...stored.keys()].sort()).toEqual([
      '2018/11/2018-11-01-events.json',
      '2018/11/2018-11-02-events.json',
    ]);
  });

  it('fails with the key of the object it could not store', async () => {
    const failure = generateDataset(
      { songs: 3, events: 10, days: 1 },
      s3Sink({ client: s3.client, bucket: 'no-such-bucket' }),
    );
    await expect(failure).rejects.toBeInstanceOf(SinkWriteError);
    await expect(failure).rejects.toThrow(/could not write song_data\//);
  });
});
