/** The stable codes of analytics failures, which the CLI maps to a message and an exit code. */
export type AnalyticsErrorCode =
  | 'QUESTION_UNKNOWN'
  | 'QUESTION_FILE_INVALID'
  | 'QUESTION_FOLDER_UNREADABLE'
  | 'QUESTION_FAILED'
  | 'PARAMETER_INVALID'
  | 'RUN_UNKNOWN';

/** A failure of the analytics package with a stable code, an actionable message and the cause chained. */
export class AnalyticsError extends Error {
  constructor(
    readonly code: AnalyticsErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'AnalyticsError';
  }
}
