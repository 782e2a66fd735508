import type { S3Client } from '@aws-sdk/client-s3';
import { s3Sdk } from './s3-sdk.js';

/** Connection settings for `createS3Client`; explicit or the SDK's default chain. */
export interface S3ConnectionOptions {
  region: string;
  /** An S3-compatible endpoint (MinIO, s3rver, LocalStack); implies path-style addressing. */
  endpoint?: string;
  /** Explicit keys; when absent the SDK's default credential chain (env, profile, SSO, instance role) applies. */
  credentials?: { accessKeyId: string; secretAccessKey: string; sessionToken?: string };
}

/** An S3 client for a sink, so that callers need no direct dependency on the AWS SDK. */
export async function createS3Client(options: S3ConnectionOptions): Promise<S3Client> {
  const { S3Client } = await s3Sdk();
  return new S3Client({
    region: options.region,
    ...(options.credentials === undefined ? {} : { credentials: options.credentials }),
    ...(options.endpoint === undefined
      ? {}
      : {
          endpoint: options.endpoint,
          forcePathStyle: true,
          // Many S3-compatible stores reject the SDK's newer default request checksums.
          requestChecksumCalculation: 'WHEN_REQUIRED' as const,
          responseChecksumValidation: 'WHEN_REQUIRED' as const,
        }),
  });
}
