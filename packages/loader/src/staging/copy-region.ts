import type { S3Client } from '@aws-sdk/client-s3';
import { LoaderError } from '../errors.js';
import { s3Sdk } from '../s3-sdk.js';
import { parseS3Url } from '../sources/s3-location.js';

/**
 * The region a bucket lives in, asked of S3. GetBucketLocation answers no LocationConstraint for us-east-1 and
 * the legacy "EU" for eu-west-1 (https://docs.aws.amazon.com/AmazonS3/latest/API/API_GetBucketLocation.html).
 */
export async function bucketRegion(s3: S3Client, bucket: string): Promise<string> {
  const { GetBucketLocationCommand } = await s3Sdk();
  const answer = await s3.send(new GetBucketLocationCommand({ Bucket: bucket }));
  const constraint = answer.LocationConstraint as string | undefined;
  if (!constraint) return 'us-east-1';
  return constraint === 'EU' ? 'eu-west-1' : constraint;
}

/**
 * COPY's REGION: the data's region, which is not the SDK's AWS_REGION and not necessarily the cluster's. With
 * REGION every file COPY reads, the manifests included, must be in that one region
 * (https://docs.aws.amazon.com/redshift/latest/dg/copy-parameters-data-source-s3.html), so the buckets are checked
 * before any COPY and a mismatch is refused naming bucket and region. Without a configured region, the data
 * bucket's own is used.
 */
export async function resolveCopyRegion(
  s3: S3Client,
  urls: { data: readonly string[]; manifestPrefix: string },
  configured?: string,
): Promise<string> {
  const buckets = new Map<string, string>();
  const ask = async (url: string, role: string) => {
    const bucket = parseS3Url(url, { folder: false }).bucket;
    if (buckets.has(bucket)) return { bucket, region: buckets.get(bucket)!, role };
    let region: string;
    try {
      region = await bucketRegion(s3, bucket);
    } catch (error) {
      throw new LoaderError(
        'CONFIG_INVALID',
        `Could not ask S3 for the region of bucket ${bucket} (${role}): ${(error as Error).message}. ` +
          'Allow s3:GetBucketLocation, or set the region COPY reads from with --copy-region / SPARKIFY_COPY_REGION.',
        { cause: error },
      );
    }
    buckets.set(bucket, region);
    return { bucket, region, role };
  };
  const found = [];
  for (const url of urls.data) found.push(await ask(url, 'the source data'));
  found.push(await ask(urls.manifestPrefix, 'the manifest prefix'));
  const region = configured ?? found[0]!.region;
  const elsewhere = found.find((entry) => entry.region !== region);
  if (elsewhere) {
    throw new LoaderError(
      'CONFIG_INVALID',
      `Bucket ${elsewhere.bucket} (${elsewhere.role}) is in ${elsewhere.region}, but COPY reads everything from ` +
        `${region}${configured ? ' (--copy-region)' : ` (the region of bucket ${found[0]!.bucket})`}: COPY's REGION ` +
        'applies to the data and the manifests alike. Put them in one region.',
    );
  }
  return region;
}
