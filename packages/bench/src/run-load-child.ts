import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { LoadOutcome } from './load-outcome.js';

/** A load run in its own process, timed from spawn to exit. */
export interface ChildLoad extends LoadOutcome {
  /** Process start, connect, load and exit, as a user running `pnpm load` waits for it. */
  wallSeconds: number;
}

const runLoadScript = fileURLToPath(new URL('./run-load.js', import.meta.url));
const running = new Set<ReturnType<typeof spawn>>();

/** Stops loader processes still running (Ctrl-C on the benchmark). */
export function killChildLoads(): void {
  for (const child of running) child.kill('SIGTERM');
}

/** Runs `run-load.js` in a new Node process against the database and source; `nodeArgs` go to node (e.g. --cpu-prof). */
export function runLoadChild(
  url: string,
  source: string,
  label: string,
  options: { nodeArgs?: readonly string[]; loaderFolder?: string | null; workers?: number | null } = {},
): Promise<ChildLoad> {
  return new Promise((resolve, reject) => {
    const began = performance.now();
    const child = spawn(process.execPath, [...(options.nodeArgs ?? []), runLoadScript, source, label], {
      stdio: ['ignore', 'pipe', 'inherit'],
      env: {
        ...process.env,
        SPARKIFY_BENCH_DATABASE_URL: url,
        ...(options.loaderFolder ? { SPARKIFY_BENCH_LOADER: options.loaderFolder } : {}),
        ...(options.workers !== null && options.workers !== undefined
          ? { SPARKIFY_BENCH_WORKERS: String(options.workers) }
          : {}),
      },
    });
    running.add(child);
    let stdout = '';
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (text: string) => {
      stdout += text;
    });
    child.once('error', (error) => {
      running.delete(child);
      reject(error);
    });
    child.once('close', (code, signal) => {
      running.delete(child);
      const wallSeconds = (performance.now() - began) / 1000;
      const line = stdout.trim().split('\n').pop() ?? '';
      if (!line.startsWith('{')) {
        reject(new Error(`the ${label} process ended (${signal ?? `exit ${code}`}) without a result`));
        return;
      }
      resolve({ ...(JSON.parse(line) as LoadOutcome), wallSeconds });
    });
  });
}
