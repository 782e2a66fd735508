import { type BenchSizeName, isBenchSizeName } from './bench-size.js';

/** What a `pnpm bench` command line asks for. */
export interface BenchArgs {
  /** A dataset size, `growth` (ten successive daily loads into one warehouse), or `verbs` (pnpm's overhead). */
  size: BenchSizeName | 'growth' | 'verbs';
  seed: number;
  /** Leave the loaded database running until Ctrl-C, to look at it. */
  keep: boolean;
  /** Run the measured loader with --cpu-prof and name its hottest functions. */
  profile: boolean;
  /** Another build of @sparkify/loader to measure (its package folder, with dist/), e.g. a baseline; null: the workspace's. */
  loader: string | null;
  /** The loader's parser threads (its `workers` option); null: the loader's default. */
  workers: number | null;
  help: boolean;
}

/** Thrown for a command line the benchmark does not understand; its message says what is expected. */
export class BenchUsageError extends Error {
  override name = 'BenchUsageError';
}

export const benchUsage = `Usage: pnpm bench [--size S|M|L|growth|verbs] [--seed N] [--keep] [--profile]

Generates a dataset once (cached in bench/.cache/<size>-<seed>/), starts a fresh embedded PostgreSQL with
default durability settings, measures the COPY ceiling, a load, a second load over the unchanged source, the
default check suite, the star ceiling (the final star rows COPYed into empty tables with the same keys), the
plain-SQL peer (\\copy of raw lines + INSERT … SELECT into the same star) and a real-sample-sized
\`sparkify load\` from process start to exit, prints the table and writes bench/results/<date>-<size>.json.

  --size S|M|L  S: 100k events, M: 1M events (default), L: 10M events
  --size growth ten successive daily loads of 200k events into one warehouse: day 10's time against day 1's
  --size verbs  what \`pnpm migrate …\`, \`pnpm check …\` cost over \`node packages/cli/bundle/sparkify.js …\` (target ≤ 0.3 s)
  --seed N      generator seed (default 42)
  --keep        leave the loaded database running and print its URL; Ctrl-C stops it
  --profile     run the first load with node --cpu-prof and print its hottest functions
  --workers N   the loader's parser threads (0: parse on the main thread); default: the loader's own choice
  --loader DIR  measure another build of @sparkify/loader (a package folder with dist/), e.g. a baseline

Delete bench/.cache/ to regenerate after the generator or the loader's COPY encoding changes.`;

/** Parses the benchmark's arguments (a lone `--` from pnpm is ignored). */
export function parseBenchArgs(argv: readonly string[]): BenchArgs {
  const args: BenchArgs = {
    size: 'M',
    seed: 42,
    keep: false,
    profile: false,
    loader: null,
    workers: null,
    help: false,
  };
  for (let index = 0; index < argv.length; index += 1) {
    const arg = argv[index]!;
    const [flag, inline] = arg.startsWith('--') && arg.includes('=') ? arg.split('=', 2) : [arg, undefined];
    const value = () => {
      if (inline !== undefined) return inline;
      index += 1;
      const next = argv[index];
      if (next === undefined) throw new BenchUsageError(`${flag} needs a value`);
      return next;
    };
    switch (flag) {
      case '--':
        break;
      case '--size': {
        const text = value();
        const size = text.toUpperCase();
        if (size === 'GROWTH') args.size = 'growth';
        else if (size === 'VERBS') args.size = 'verbs';
        else if (isBenchSizeName(size)) args.size = size;
        else throw new BenchUsageError(`--size: expected S, M, L, growth or verbs, got "${text}"`);
        break;
      }
      case '--seed': {
        const text = value();
        const seed = Number(text);
        if (!Number.isSafeInteger(seed) || seed < 0) {
          throw new BenchUsageError(`--seed: expected a whole number, got "${text}"`);
        }
        args.seed = seed;
        break;
      }
      case '--loader':
        args.loader = value();
        break;
      case '--workers': {
        const text = value();
        const workers = Number(text);
        if (!Number.isInteger(workers) || workers < 0 || workers > 64) {
          throw new BenchUsageError(`--workers: expected a whole number from 0 to 64, got "${text}"`);
        }
        args.workers = workers;
        break;
      }
      case '--keep':
        args.keep = true;
        break;
      case '--profile':
        args.profile = true;
        break;
      case '--help':
      case '-h':
        args.help = true;
        break;
      default:
        throw new BenchUsageError(`unknown argument "${arg}"`);
    }
  }
  return args;
}
