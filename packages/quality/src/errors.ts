/** A failure of the quality package with a stable code the CLI maps to a message and an exit code. */
export class QualityError extends Error {
  constructor(
    readonly code: 'CHECK_CONFIG_INVALID' | 'CONNECTION_FAILED' | 'UNSAFE_SQL_VALUE',
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'QualityError';
  }
}
