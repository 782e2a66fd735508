/** Options that cannot produce a dataset (negative counts, a rate outside [0, 1], a bad date). */
export class GeneratorOptionsError extends Error {
  readonly code = 'GENERATOR_OPTIONS';

  constructor(message: string) {
    super(message);
    this.name = 'GeneratorOptionsError';
  }
}

/** A sink could not store an object; `key` names it and `cause` carries the underlying error. */
export class SinkWriteError extends Error {
  readonly code = 'SINK_WRITE';

  constructor(
    readonly key: string,
    options: { cause: unknown },
  ) {
    super(
      `could not write ${key}: ${options.cause instanceof Error ? options.cause.message : String(options.cause)}`,
      options,
    );
    this.name = 'SinkWriteError';
  }
}
