/** Why a local PostgreSQL (or a lock around it) could not be had. */
export type LocalPostgresErrorCode = 'UNSUPPORTED' | 'LOCKED' | 'NO_PORT' | 'OS_USER';

/** An error of this package: a stable code, an actionable message, the cause chained. */
export class LocalPostgresError extends Error {
  constructor(
    readonly code: LocalPostgresErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'LocalPostgresError';
  }
}
