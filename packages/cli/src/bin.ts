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

const context: CliContext = {
  stdout: process.stdout,
  stderr: process.stderr,
  isTTY: Boolean(process.stdout.isTTY),
  env: process.env,
  cwd: process.cwd(),
  exitCode: 0,
};

// Libraries that print on their own (drivers, SDKs) still go through the redacting streams of the context.
console.log = console.info = (...args: unknown[]) => void context.stdout.write(`${format(...args)}\n`);
console.warn =
  console.error =
  console.debug =
    (...args: unknown[]) => void context.stderr.write(`${format(...args)}\n`);

// exitCode instead of exit(): output still being flushed to a pipe is not cut off.
process.exitCode = await runCli(process.argv.slice(2), context);
