import { CommanderError } from 'commander';
import { SchemaError } from '@sparkify/schema';
import { describeConnectionError } from './connection-error.js';
import { CliError, ExitCode } from './errors.js';
import { redactUrlPasswords } from './redaction/redact-text.js';

/** How the binary reports a failure: the text for stderr (empty when already printed) and the exit code. */
export interface ErrorReport {
  message: string;
  exitCode: number;
}

/**
 * Maps anything a command threw to one message and an exit code: CliError as chosen, schema errors and
 * connection failures exit 2 (could not run), commander's usage errors exit 2 (commander printed them already),
 * anything else is "unexpected error" with the stack only when debugging.
 */
export function reportError(error: unknown, debug: boolean): ErrorReport {
  const report = reportOne(error, debug);
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

function reportOne(error: unknown, debug: boolean): ErrorReport {
  if (error instanceof CommanderError) {
    const done = error.code === 'commander.helpDisplayed' || error.code === 'commander.version';
    return { message: '', exitCode: done ? ExitCode.ok : ExitCode.cannotRun };
  }
  if (error instanceof CliError) {
    return { message: redactUrlPasswords(error.message), exitCode: error.exitCode };
  }
  if (error instanceof SchemaError) {
    // A changed, unknown or locked migration means the schema cannot be moved safely: the run could not happen.
    return { message: redactUrlPasswords(`${error.message} [${error.code}]`), exitCode: ExitCode.cannotRun };
  }
  const connection = describeConnectionError(error);
  if (connection) return { message: connection, exitCode: ExitCode.cannotRun };
  const text = error instanceof Error ? (debug && error.stack ? error.stack : error.message) : String(error);
  const hint = debug ? '' : '\n(run with --debug or SPARKIFY_DEBUG=1 for the stack trace)';
  return { message: redactUrlPasswords(`unexpected error: ${text}${hint}`), exitCode: ExitCode.cannotRun };
}
