import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveCopyRegion } from './copy-region.js';

// Buckets and their regions as S3's GetBucketLocation answers (no constraint for us-east-1, "EU" for eu-west-1).
const locations: Record<string, string> = {
  'data-west': 'us-west-2',
  'manifests-west': 'us-west-2',
  'manifests-east': '',
  'data-eu': 'EU',
};
let server: Server;
let s3: S3Client;
const asked: string[] = [];

beforeAll(async () => {
  server = createServer((request, response) => {
    const bucket = decodeURIComponent(
      (request.url ?? '').split('?')[0]!.replace(/^\//, '').replace(/\/$/, ''),
    );
    asked.push(bucket);
    if (!(request.url ?? '').includes('location') || !(bucket in locations)) {
      response.writeHead(403, { 'content-type': 'application/xml' });
      response.end('<Error><Code>AccessDenied</Code><Message>Access Denied</Message></Error>');
      return;
    }
    const constraint = locations[bucket];
    response.writeHead(200, { 'content-type': 'application/xml' });
    response.end(
      constraint
        ? `<LocationConstraint xmlns="http://s3.amazonaws.com/doc/2006-03-01/">${constraint}</LocationConstraint>`
        : '<LocationConstraint xmlns="http://s3.amazonaws.com/doc/2006-03-01/"/>',
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  s3 = new S3Client({
    endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    forcePathStyle: true,
    region: 'us-east-1',
    credentials: { accessKeyId: 'AKID', secretAccessKey: 'scripted' },
  });
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

describe('COPY REGION is the data’s region', () => {
  it('defaults to the source bucket’s region, asked of S3 once per bucket', async () => {
    asked.splice(0);
    const region = await resolveCopyRegion(s3, {
      data: ['s3://data-west/log_data/a.json', 's3://data-west/song_data/b.json'],
      manifestPrefix: 's3://manifests-west/m/',
    });
    expect(region).toBe('us-west-2');
    expect(asked).toEqual(['data-west', 'manifests-west']);
    expect(
      await resolveCopyRegion(s3, { data: ['s3://data-eu/x.json'], manifestPrefix: 's3://data-eu/m/' }),
    ).toBe('eu-west-1');
  });

  it('refuses, before any COPY, a manifest bucket in another region, naming both', async () => {
    await expect(
      resolveCopyRegion(s3, { data: ['s3://data-west/a.json'], manifestPrefix: 's3://manifests-east/m/' }),
    ).rejects.toThrow(
      'Bucket manifests-east (the manifest prefix) is in us-east-1, but COPY reads everything from us-west-2 (the region of bucket data-west)',
    );
  });

  it('checks a configured --copy-region against the buckets, and explains a refused lookup', async () => {
    await expect(
      resolveCopyRegion(
        s3,
        { data: ['s3://data-west/a.json'], manifestPrefix: 's3://manifests-west/m/' },
        'eu-west-1',
      ),
    ).rejects.toThrow(
      /Bucket data-west \(the source data\) is in us-west-2, but COPY reads everything from eu-west-1 \(--copy-region\)/,
    );
    await expect(
      resolveCopyRegion(s3, {
        data: ['s3://secret-bucket/a.json'],
        manifestPrefix: 's3://manifests-west/m/',
      }),
    ).rejects.toThrow(
      /Could not ask S3 for the region of bucket secret-bucket \(the source data\).*--copy-region/,
    );
  });
});
