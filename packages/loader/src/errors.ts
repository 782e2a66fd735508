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
  | 'STAGING_FAILED'
  | 'NOT_MIGRATED'
  | 'DISK_FULL'
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

/** PostgreSQL's SQLSTATE for a full disk (class 53, insufficient resources). */
const DISK_FULL_SQLSTATE = '53100';

/**
 * A full disk on the database server, wherever in a load it struck (a COPY, the transform, the ledger), as one
 * clear error; anything else is returned as it was. The transaction it struck rolled back, so nothing is half
 * written: the next load after space is freed plans the same objects again.
 */
export function asDiskFull(error: unknown): unknown {
  for (let cause = error; cause instanceof Error; cause = cause.cause) {
    const { code, message } = cause as Error & { code?: unknown };
    // The database's own errors only (a reason naming a record's value could say anything): PostgreSQL says
    // 53100, Redshift "Disk Full" (error 1016) under SQLSTATE XX000.
    if (cause instanceof LoaderError) continue;
    if (code === DISK_FULL_SQLSTATE || /\bDisk Full\b/i.test(message)) {
      return new LoaderError(
        'DISK_FULL',
        `the database's disk is full (${message}): nothing of this load was committed and the star is as it ` +
          'was; free space on the database server (its data directory, or the tablespace the message names) ' +
          'and run the load again',
        { cause: error },
      );
    }
  }
  return error;
}
