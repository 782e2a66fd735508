import type { S3Client } from '@aws-sdk/client-s3';
import { s3Sdk } from '../s3-sdk.js';
import { parseS3Url } from '../sources/s3-location.js';

/** Writes one small object (the preflight's probe) at an s3:// URL with the caller's credentials. */
export async function putProbeObject(s3: S3Client, url: string, body: string): Promise<void> {
  const { bucket, prefix } = parseS3Url(url, { folder: false });
  const { PutObjectCommand } = await s3Sdk();
  await s3.send(
    new PutObjectCommand({ Bucket: bucket, Key: prefix, Body: body, ContentType: 'application/json' }),
  );
}

/** Deletes the object at an s3:// URL. */
export async function deleteProbeObject(s3: S3Client, url: string): Promise<void> {
  const { bucket, prefix } = parseS3Url(url, { folder: false });
  const { DeleteObjectCommand } = await s3Sdk();
  await s3.send(new DeleteObjectCommand({ Bucket: bucket, Key: prefix }));
}

/**
 * The first JSON object (`.json`, `.json.gz`, any case) under a dataset location, as an s3:// URL, from one page of
 * the listing; undefined when that page holds none. Enough for a preflight: it needs one real object, not all.
 */
export async function firstJsonObject(s3: S3Client, location: string): Promise<string | undefined> {
  const { bucket, prefix } = parseS3Url(location);
  const { ListObjectsV2Command } = await s3Sdk();
  const page = await s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, MaxKeys: 1000 }));
  const key = page.Contents?.map((object) => object.Key ?? '').find((name) => /\.json(\.gz)?$/i.test(name));
  return key === undefined ? undefined : `s3://${bucket}/${key}`;
}
