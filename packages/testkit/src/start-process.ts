import { type ChildProcess, spawn } from 'node:child_process';

/** What a finished process wrote and how it ended (-1 when a signal ended it). */
export interface ProcessOutcome {
  code: number;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** A process still running: the handle (to kill it), its output so far, and its outcome. */
export interface RunningProcess {
  child: ChildProcess;
  pid: number;
  output(): { stdout: string; stderr: string };
  done: Promise<ProcessOutcome>;
}

/**
 * Starts `node <script> <args>` with only the given environment (plus PATH and HOME), without waiting, so that a
 * test can watch it, signal it or kill it mid-way.
 */
export function startNodeProcess(
  script: string,
  args: readonly string[],
  options: { env?: Record<string, string>; cwd?: string } = {},
): RunningProcess {
  const child = spawn(process.execPath, [script, ...args], {
    cwd: options.cwd,
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: process.env.HOME ?? '/tmp', ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const done = new Promise<ProcessOutcome>((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code, signal) => resolve({ code: code ?? -1, signal, stdout, stderr }));
  });
  if (child.pid === undefined) throw new Error(`could not start ${script}`);
  return { child, pid: child.pid, output: () => ({ stdout, stderr }), done };
}
