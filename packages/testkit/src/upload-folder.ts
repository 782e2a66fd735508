import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';

/** Relative paths (forward slashes, sorted) of every file below a folder. */
export function filesBelow(root: string): string[] {
  return readdirSync(root, { recursive: true, encoding: 'utf8' })
    .filter((path) => statSync(join(root, path)).isFile())
    .map((path) => relative(root, join(root, path)).split(sep).join('/'))
    .sort();
}

/** Uploads files of a folder (all, or the chosen relative paths) to `bucket` below `prefix`. */
export async function uploadFolder(
  client: S3Client,
  bucket: string,
  prefix: string,
  root: string,
  paths: readonly string[] = filesBelow(root),
): Promise<void> {
  for (const path of paths) {
    await client.send(
      new PutObjectCommand({ Bucket: bucket, Key: `${prefix}${path}`, Body: readFileSync(join(root, path)) }),
    );
  }
}
