/** A failure of the schema package with a stable code the CLI maps to a message and exit code. */
export class SchemaError extends Error {
  constructor(
    readonly code: 'MIGRATION_CHANGED' | 'MIGRATION_UNKNOWN' | 'MIGRATION_LOCKED' | 'MIGRATION_MISSING',
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'SchemaError';
  }
}
