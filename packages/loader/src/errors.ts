/** Stable codes for what a load can run into; the CLI maps them to messages and exit codes. */
export type LoaderErrorCode =
  | 'BAD_RECORDS'
  | 'SOURCE_INVALID'
  | 'SOURCE_NOT_FOUND'
  | 'SOURCE_ACCESS_DENIED'
  | 'SOURCE_EMPTY'
  | 'SOURCE_READ_FAILED'
  | 'OBJECT_UNREADABLE'
  | 'LOCKED'
  | 'BUSY'
  | 'CONFIG_INVALID'
  | 'COPY_FAILED'
  | 'NOT_MIGRATED'
  | 'INTERRUPTED';

/** The S3 request a failure came from, so that the CLI can name the service, bucket, key and error code. */
export interface S3FailureOrigin {
  operation: 'list' | 'read';
  bucket: string;
  /** The object key, or the prefix being listed. */
  key: string;
  /** The service's error code (`AccessDenied`, `NoSuchBucket`, `SlowDown`) or the network's (`ECONNREFUSED`). */
  errorCode?: string;
  httpStatus?: number;
}

/** A load failure with a stable `code`, an actionable message, and the cause chained. */
export class LoaderError extends Error {
  /** Set when the failure came from an S3 request: where it went and what the service or network said. */
  readonly s3?: S3FailureOrigin;

  constructor(
    readonly code: LoaderErrorCode,
    message: string,
    options?: { cause?: unknown; s3?: S3FailureOrigin },
  ) {
    super(message, options);
    this.name = 'LoaderError';
    if (options?.s3) this.s3 = options.s3;
  }

  /** Data problems (bad records) are exit 1; everything else means the load could not run. */
  get isDataFailure(): boolean {
    return this.code === 'BAD_RECORDS' || this.code === 'COPY_FAILED';
  }
}
