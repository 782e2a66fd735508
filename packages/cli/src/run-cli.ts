import type { CliContext } from './context.js';
import { buildProgram } from './program.js';
import { installRedaction } from './redaction/redacting-stream.js';
import { secretsFromEnv } from './redaction/secrets-from-env.js';
import { reportError } from './report-error.js';

/**
 * Runs the sparkify program on arguments (without "node" and the script) and returns the exit code, writing
 * only through the context's redacting streams. The binary and in-process tests both call it.
 */
export async function runCli(args: readonly string[], context: CliContext): Promise<number> {
  installRedaction(context, secretsFromEnv(context.env));
  const debug = args.includes('--debug') || context.env.SPARKIFY_DEBUG === '1';
  try {
    await buildProgram(context).parseAsync([...args], { from: 'user' });
    return context.exitCode;
  } catch (error) {
    const report = reportError(error, debug, context.signal?.reason);
    if (report.message) context.stderr.write(`sparkify: ${report.message.replace(/\n/g, '\n  ')}\n`);
    return report.exitCode;
  }
}
