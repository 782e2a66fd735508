import type * as S3Sdk from '@aws-sdk/client-s3';

/**
 * The AWS SDK's S3 module, loaded on first use: its 0.2 s of start-up is not paid by commands and loads that never
 * touch S3 (a local folder into PostgreSQL). The package has no "exports" map, so import() and require() get the
 * same CommonJS module: one set of classes whichever way it is reached.
 */
let loaded: Promise<typeof S3Sdk> | undefined;
export const s3Sdk = (): Promise<typeof S3Sdk> => (loaded ??= import('@aws-sdk/client-s3'));
