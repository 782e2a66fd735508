import { CommanderError } from 'commander';
import { describeConnectionError } from './connection-error.js';
import { CliError, ExitCode, ExplainedError } from './errors.js';
import { redactUrlPasswords } from './redaction/redact-text.js';

/** How the binary reports a failure: the text for stderr (empty when already printed) and the exit code. */
export interface ErrorReport {
  message: string;
  exitCode: number;
}

/**
 * The libraries' errors, by class name: recognised without importing their packages, so that reporting an error
 * never loads a library a command did not need (aws-cdk-lib above all).
 */
const libraryErrors = new Set([
  'LoaderError',
  'QualityError',
  'SchemaError',
  'InfraError',
  'LocalPostgresError',
  'GeneratorOptionsError',
  'SinkWriteError',
  'AnalyticsError',
]);

/**
 * The one place a library's error becomes an exit code: a load's data failures (bad records, a failed COPY) exit 1,
 * a stopped load 130 or 143 as the signal that stopped it, everything else 2 (the command could not run).
 */
export function exitCodeOf(error: Error, stopSignal?: unknown): ExitCode {
  if (error.name === 'LoaderError') {
    if ((error as { code?: unknown }).code === 'INTERRUPTED') {
      return stopSignal === 'SIGTERM' ? ExitCode.terminated : ExitCode.interrupted;
    }
    if ((error as { isDataFailure?: unknown }).isDataFailure === true) return ExitCode.dataFailure;
  }
  return ExitCode.cannotRun;
}

/**
 * Maps anything a command threw to one message and an exit code: CliError as chosen, library errors by
 * exitCodeOf (told in the command's words when it explained them), connection failures exit 2, commander's
 * usage errors exit 2 (commander printed them already), anything else is "unexpected error" with the stack only
 * when debugging. `stopSignal` is the signal that stopped the command, if one did.
 */
export function reportError(error: unknown, debug: boolean, stopSignal?: unknown): ErrorReport {
  const report = reportOne(error, debug, stopSignal);
  if (!debug || !report.message || !(error instanceof Error) || error.cause === undefined) return report;
  return {
    ...report,
    message: `${report.message}\n${redactUrlPasswords(causeChain(error.cause).join('\n'))}`,
  };
}

/** `--debug`: every cause under an error, one line each, with its code, down to the system call that failed. */
export function causeChain(cause: unknown, depth = 0): string[] {
  if (depth > 8 || cause === undefined || cause === null) return [];
  if (!(cause instanceof Error)) return [`caused by: ${String(cause)}`];
  const code = (cause as { code?: unknown }).code;
  const line = `caused by: ${cause.name}: ${cause.message}${typeof code === 'string' ? ` [${code}]` : ''}`;
  const nested =
    cause instanceof AggregateError ? cause.errors.flatMap((inner) => causeChain(inner, depth + 1)) : [];
  return [line, ...nested.map((text) => `  ${text}`), ...causeChain(cause.cause, depth + 1)];
}

function reportOne(error: unknown, debug: boolean, stopSignal: unknown): ErrorReport {
  if (error instanceof CommanderError) {
    const done = error.code === 'commander.helpDisplayed' || error.code === 'commander.version';
    return { message: '', exitCode: done ? ExitCode.ok : ExitCode.cannotRun };
  }
  if (error instanceof CliError) {
    return { message: redactUrlPasswords(error.message), exitCode: error.exitCode };
  }
  if (error instanceof ExplainedError) {
    return { message: redactUrlPasswords(error.message), exitCode: exitCodeOf(error.original, stopSignal) };
  }
  if (error instanceof Error && libraryErrors.has(error.name)) {
    // A schema error names its code: a changed, unknown or locked migration is looked up by it.
    const code = (error as { code?: unknown }).code;
    const message = error.name === 'SchemaError' ? `${error.message} [${String(code)}]` : error.message;
    return { message: redactUrlPasswords(message), exitCode: exitCodeOf(error, stopSignal) };
  }
  const connection = describeConnectionError(error);
  if (connection) return { message: connection, exitCode: ExitCode.cannotRun };
  const text = error instanceof Error ? (debug && error.stack ? error.stack : error.message) : String(error);
  const hint = debug ? '' : '\n(run with --debug or SPARKIFY_DEBUG=1 for the stack trace)';
  return { message: redactUrlPasswords(`unexpected error: ${text}${hint}`), exitCode: ExitCode.cannotRun };
}
