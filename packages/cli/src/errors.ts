/**
 * Exit codes that mean something: 0 done, 1 failed for data reasons, 2 could not run (usage, config, connection);
 * 130 and 143 stopped by SIGINT (Ctrl-C) and SIGTERM, as shells report 128 + the signal's number.
 */
export const ExitCode = { ok: 0, dataFailure: 1, cannotRun: 2, interrupted: 130, terminated: 143 } as const;
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

/**
 * A library's error told in the command's words (which endpoint, which warehouse, which folder). Its exit code is
 * still the library error's, decided in report-error.ts with every other library error's.
 */
export class ExplainedError extends Error {
  constructor(
    message: string,
    readonly original: Error,
  ) {
    super(message, { cause: original });
    this.name = 'ExplainedError';
  }
}

/** An error the CLI reports as one clear message and a chosen exit code, never a stack trace. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode: ExitCode = ExitCode.cannotRun,
    readonly code = 'CLI_ERROR',
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'CliError';
  }
}
