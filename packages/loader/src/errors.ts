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
  | 'NOT_MIGRATED';

/** A load failure with a stable `code`, an actionable message, and the cause chained. */
export class LoaderError extends Error {
  constructor(
    readonly code: LoaderErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'LoaderError';
  }

  /** Data problems (bad records) are exit 1; everything else means the load could not run. */
  get isDataFailure(): boolean {
    return this.code === 'BAD_RECORDS' || this.code === 'COPY_FAILED';
  }
}
