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
  // The SDK is loaded here, when a command needs S3, not when sparkify starts.
  const endpoint = endpointFlag ?? config.s3.endpoint;
  return createS3Client({ region: config.region ?? 'us-east-1', ...(endpoint ? { endpoint } : {}) });
}

/** The S3 endpoint a command talks to, for messages: the configured one, or AWS S3 in the region. */
export function s3EndpointLabel(config: SparkifyConfig, endpointFlag?: string): string {
  const endpoint = endpointFlag ?? config.s3.endpoint;
  return endpoint ?? `AWS S3 (${config.region ?? 'us-east-1'})`;
}
