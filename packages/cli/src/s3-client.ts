import { createS3Client } from '@sparkify/generator';
import type { SparkifyConfig } from './config/config-schema.js';

/**
 * The S3 client of a command: the SDK's standard credential chain and region, an S3-compatible endpoint when
 * configured (`--endpoint`, AWS_ENDPOINT_URL_S3 or s3.endpoint), and the SDK's retries with backoff.
 */
export function s3ClientFor(
  config: SparkifyConfig,
  endpointFlag?: string,
): ReturnType<typeof createS3Client> {
  const endpoint = endpointFlag ?? config.s3.endpoint;
  return createS3Client({ region: config.region ?? 'us-east-1', ...(endpoint ? { endpoint } : {}) });
}
