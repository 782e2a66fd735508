import type { LoaderError, S3FailureOrigin } from '@sparkify/loader';
import { describeNetworkCode } from './connection-error.js';

/**
 * The one line for a failed S3 request: it says S3 (not the database), what was being done, why, and then the
 * endpoint, bucket, key and the service's (AccessDenied, NoSuchBucket) or the network's (ENOTFOUND) code.
 *
 *   S3: listing s3://raw/sparkify/song_data/ failed: connection refused (…) [endpoint http://127.0.0.1:9000,
 *   bucket raw, key sparkify/song_data/, ECONNREFUSED]
 */
export function describeS3Failure(error: LoaderError, origin: S3FailureOrigin, endpoint: string): string {
  const network = origin.errorCode ? describeNetworkCode(origin.errorCode) : undefined;
  const what = `${origin.operation === 'list' ? 'listing' : 'reading'} s3://${origin.bucket}/${origin.key}`;
  const detail = network ? `${what} failed: cannot reach the S3 endpoint, ${network}` : error.message;
  const facts = [
    `endpoint ${endpoint}`,
    `bucket ${origin.bucket}`,
    `key ${origin.key || '(none)'}`,
    ...(origin.errorCode ? [origin.errorCode] : []),
    ...(origin.httpStatus === undefined ? [] : [`HTTP ${origin.httpStatus}`]),
  ];
  return `S3: ${detail} [${facts.join(', ')}]`;
}
