#!/usr/bin/env node
import { format } from 'node:util';
import type { CliContext } from './context.js';
import { runCli } from './run-cli.js';

// The AWS SDK warns on every run that it will drop Node 20 in 2027; that is not the user's problem today and it
// would pollute output that must be pure (`migrate status --json`).
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
const emitWarning = process.emitWarning.bind(process) as (...args: unknown[]) => void;
process.emitWarning = (warning: string | Error, ...rest: unknown[]) => {
  const text = typeof warning === 'string' ? warning : `${warning.name} ${warning.message}`;
  if (text.includes('NodeVersionSupportWarning')) return;
  emitWarning(warning, ...rest);
};

// `sparkify config | head`: the reader went away; stop quietly instead of crashing with an unhandled EPIPE.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code !== 'EPIPE') throw error;
    process.exit(typeof process.exitCode === 'number' ? process.exitCode : 0);
  });
}

const stop = new AbortController();
const context: CliContext = {
  stdout: process.stdout,
  stderr: process.stderr,
  isTTY: Boolean(process.stdout.isTTY),
  env: process.env,
  cwd: process.cwd(),
  exitCode: 0,
  signal: stop.signal,
};

// Ctrl-C or SIGTERM: a load stops cleanly (rolls back, records its run as INTERRUPTED, frees its lock) and exits
// 130 or 143; a second signal, or one during a command that cannot stop cleanly, exits at once (the database rolls
// back an open transaction when the connection goes, and the next load recovers the lock of a dead process).
for (const [name, code] of [
  ['SIGINT', 130],
  ['SIGTERM', 143],
] as const) {
  process.on(name, () => {
    if (stop.signal.aborted || !context.stoppable) process.exit(code);
    context.stderr.write(
      `\nsparkify: ${name}: stopping the load and rolling it back (${name === 'SIGINT' ? 'Ctrl-C' : 'the signal'} ` +
        'again stops at once)\n',
    );
    stop.abort(name);
  });
}

// Libraries that print on their own (drivers, SDKs) still go through the redacting streams of the context.
console.log = console.info = (...args: unknown[]) => void context.stdout.write(`${format(...args)}\n`);
console.warn =
  console.error =
  console.debug =
    (...args: unknown[]) => void context.stderr.write(`${format(...args)}\n`);

// No top-level await: the bundle is CommonJS, so that it can start from V8's code cache (scripts/launcher.js).
void main();

async function main(): Promise<void> {
  // exitCode instead of exit(): output still being flushed to a pipe is not cut off.
  process.exitCode = await runCli(process.argv.slice(2), context);
  if (stop.signal.aborted) {
    // A stopped load may leave a request in flight (an S3 response that never came): once the output is flushed,
    // exit rather than wait for it.
    const flushed = (stream: NodeJS.WriteStream) =>
      new Promise<void>((resolve) => stream.write('', () => resolve()));
    await Promise.all([flushed(process.stdout), flushed(process.stderr)]);
    process.exit(process.exitCode);
  }
}
