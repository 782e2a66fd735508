import { spawn } from 'node:child_process';

/** One documented verb, timed through pnpm from the repository root and as the binary itself. */
export interface VerbSamples {
  /** The verb as the README writes it, e.g. `pnpm migrate status --json`. */
  verb: string;
  /** Wall seconds of each run through pnpm. */
  viaPnpm: number[];
  /** Wall seconds of each run of `node packages/cli/bundle/sparkify.js …`. */
  direct: number[];
  /** Whether pnpm's stdout was byte for byte the binary's (nothing added: no header, no banner). */
  sameStdout: boolean;
}

/** What the verbs size reports per verb. */
export interface VerbOverhead {
  verb: string;
  medianViaPnpm: number;
  medianDirect: number;
  /** medianViaPnpm − medianDirect: what a user pays for typing `pnpm migrate` instead of the binary. */
  overhead: number;
  sameStdout: boolean;
}

/** The target the issue sets: a documented verb costs at most this much more than the binary. */
export const verbOverheadTarget = 0.3;

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

/** Medians and overhead per verb (medians, so that one run slowed by a neighbour does not decide it). */
export function summarizeVerbOverhead(samples: readonly VerbSamples[]): VerbOverhead[] {
  return samples.map((sample) => {
    const medianViaPnpm = median(sample.viaPnpm);
    const medianDirect = median(sample.direct);
    return {
      verb: sample.verb,
      medianViaPnpm,
      medianDirect,
      overhead: medianViaPnpm - medianDirect,
      sameStdout: sample.sameStdout,
    };
  });
}

/** The verbs table: seconds through pnpm and direct, the overhead, and whether it meets the target. */
export function formatVerbOverhead(rows: readonly VerbOverhead[]): string {
  const header = ['verb', 'via pnpm s', 'binary s', 'overhead s', `≤ ${verbOverheadTarget} s`, 'stdout'];
  const body = rows.map((row) => [
    row.verb,
    row.medianViaPnpm.toFixed(3),
    row.medianDirect.toFixed(3),
    row.overhead.toFixed(3),
    row.overhead <= verbOverheadTarget ? 'met' : 'not met',
    row.sameStdout ? 'same' : 'DIFFERS',
  ]);
  const widths = header.map((cell, index) =>
    Math.max(cell.length, ...body.map((line) => line[index]!.length)),
  );
  const line = (cells: string[]) =>
    `| ${cells.map((cell, index) => (index === 0 ? cell.padEnd(widths[index]!) : cell.padStart(widths[index]!))).join(' | ')} |`;
  const rule = `| ${widths.map((width, index) => (index === 0 ? '-'.repeat(width) : `${'-'.repeat(width - 1)}:`)).join(' | ')} |`;
  return [line(header), rule, ...body.map(line)].join('\n');
}

/** Runs a command line to completion and returns its wall seconds and stdout; a non-zero exit is an error. */
function timed(command: string, args: readonly string[], cwd: string, env: NodeJS.ProcessEnv) {
  return new Promise<{ seconds: number; stdout: string }>((resolve, reject) => {
    const began = performance.now();
    const child = spawn(command, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (text: string) => (stdout += text));
    child.stderr.setEncoding('utf8').on('data', (text: string) => (stderr += text));
    child.once('error', reject);
    child.once('close', (code) => {
      if (code === 0) resolve({ seconds: (performance.now() - began) / 1000, stdout });
      else reject(new Error(`${command} ${args.join(' ')} exited ${code}: ${stderr.slice(-2000)}`));
    });
  });
}

/**
 * Times each verb `runs` times through pnpm (from the repository root, exactly as the README writes it) and as
 * `node packages/cli/bundle/sparkify.js`, alternating the two so that both see the same machine load.
 */
export async function measureVerbOverhead(options: {
  repoRoot: string;
  cliBin: string;
  verbs: readonly { verb: string; args: readonly string[] }[];
  runs: number;
  env: NodeJS.ProcessEnv;
}): Promise<VerbSamples[]> {
  const samples: VerbSamples[] = [];
  for (const { verb, args } of options.verbs) {
    const [, pnpmVerb, ...rest] = verb.split(' ');
    const sample: VerbSamples = { verb, viaPnpm: [], direct: [], sameStdout: true };
    // One unmeasured run each: the first start after a build reads cold files.
    await timed('pnpm', [pnpmVerb!, ...rest], options.repoRoot, options.env);
    await timed(process.execPath, [options.cliBin, ...args], options.repoRoot, options.env);
    for (let run = 0; run < options.runs; run += 1) {
      const viaPnpm = await timed('pnpm', [pnpmVerb!, ...rest], options.repoRoot, options.env);
      const direct = await timed(process.execPath, [options.cliBin, ...args], options.repoRoot, options.env);
      sample.viaPnpm.push(viaPnpm.seconds);
      sample.direct.push(direct.seconds);
      if (viaPnpm.stdout !== direct.stdout) sample.sameStdout = false;
    }
    samples.push(sample);
  }
  return samples;
}
