import { readdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { type Command, Option } from 'commander';
import {
  createS3Client,
  folderSink,
  generateDataset,
  s3Sink,
  SinkWriteError,
  type DatasetSink,
  type GenerateOptions,
  type GenerateProgress,
  type GenerateSummary,
} from '@sparkify/generator';
import type { CliContext } from '../context.js';
import { CliError, ExplainedError } from '../errors.js';
import { addExamples } from '../help-examples.js';

interface GenerateCommandOptions {
  out: string;
  songs: string;
  events: string;
  days: string;
  seed: string;
  startDate: string;
  matchRate?: string;
  users?: string;
  prettyShare?: string;
  gzip?: boolean;
  defectRate?: string;
  endpoint?: string;
  concurrency: string;
  json?: boolean;
  progress?: boolean;
  force?: boolean;
}

/** `sparkify generate`: deterministic Sparkify-format test data of any size, into a folder or an S3 prefix. */
export function registerGenerateCommand(program: Command, context: CliContext): void {
  const command = program
    .command('generate')
    .description('write realistic Sparkify song and log files (deterministic for a seed) to a folder or S3')
    .requiredOption('-o, --out <target>', 'a folder, or s3://bucket/prefix')
    .option('--songs <n>', 'song files', '1000')
    .option('--events <n>', 'log events over all days', '20000')
    .option('--days <n>', 'consecutive days, one log file each', '30')
    .option('--seed <seed>', 'same seed, same bytes', '42')
    .option('--start-date <yyyy-mm-dd>', 'first log day (UTC)', '2018-11-01')
    .option(
      '--match-rate <share>',
      'share of plays whose title + artist + duration match a song (default 0.05)',
    )
    .option('--users <n>', 'distinct users (default grows with events, at least 100)')
    .option('--pretty-share <share>', 'share of song files pretty-printed over 12 lines (default 0.3)')
    .option('--gzip', 'write log files gzip-compressed as .json.gz')
    .option('--defect-rate <share>', 'replace this share of log lines with bad records (for testing rejects)')
    .option('--endpoint <url>', 'S3-compatible endpoint (MinIO, LocalStack); also AWS_ENDPOINT_URL_S3')
    .option('--concurrency <n>', 'song objects uploaded to S3 at once', '32')
    .option('--json', 'print the summary (with its ground truth) as JSON')
    .addOption(new Option('--no-progress', 'no progress line on a terminal'))
    .option('--force', 'write into a folder that already holds files (they stay, mixed with the new ones)')
    .addHelpText(
      'after',
      `
The files follow the public Sparkify layout and its quirks: song_data/A/B/C/TR….json (one-line and
pretty-printed), log_data/yyyy/mm/yyyy-mm-dd-events.json (NDJSON, one file per day), logged-out events with
userId "", registration written as a float, escaped user agents, double-encoded names, users changing level.
Memory stays flat at any size. The summary is the ground truth a load must reproduce (users, latest levels,
plays, plays matching a song, planted defects with their file and line).

S3 uses the AWS SDK's default credentials (environment, profile, SSO, instance role) and AWS_REGION.`,
    )
    .action(async (options: GenerateCommandOptions) => {
      const generateOptions = parseGenerateOptions(options);
      const sink = await openSink(options, context);
      const showProgress = context.isTTY && options.progress !== false && !options.json;
      const startedAt = performance.now();
      let summary: GenerateSummary;
      try {
        summary = await generateDataset(
          generateOptions,
          sink,
          showProgress ? progressLine(context, startedAt) : undefined,
        );
      } catch (error) {
        if (error instanceof SinkWriteError)
          throw new ExplainedError(`${error.message} (${sink.location})`, error);
        throw error;
      } finally {
        if (showProgress) context.stderr.write('\r\x1b[2K');
      }
      const seconds = (performance.now() - startedAt) / 1000;
      context.stdout.write(
        options.json
          ? `${JSON.stringify({ ...summary, seconds: round(seconds, 3) }, null, 2)}\n`
          : formatSummary(summary, seconds),
      );
    });
  addExamples(command, EXAMPLES);
}

const EXAMPLES = [
  { run: 'sparkify generate --out ./data', says: '1000 songs, 20000 events, 30 days' },
  {
    run: 'sparkify generate --out ./data-7 --songs 2000 --events 50000 --seed 7',
    says: 'another sample, larger',
  },
  { run: 'sparkify generate --out ./bad --events 5000 --defect-rate 0.01 --json > truth.json' },
  { run: 'sparkify generate --out s3://my-bucket/sparkify --gzip' },
  {
    run: 'sparkify generate --out s3://my-bucket/raw --endpoint http://127.0.0.1:9000',
    says: 'MinIO, LocalStack',
  },
];

/** Flags → generator options; a malformed number is a one-line usage error (exit 2). */
function parseGenerateOptions(options: GenerateCommandOptions): GenerateOptions {
  return {
    songs: whole('--songs', options.songs),
    events: whole('--events', options.events),
    days: whole('--days', options.days),
    seed: options.seed,
    startDate: options.startDate,
    ...(options.matchRate === undefined ? {} : { matchRate: share('--match-rate', options.matchRate) }),
    ...(options.users === undefined ? {} : { users: whole('--users', options.users) }),
    ...(options.prettyShare === undefined
      ? {}
      : { prettyShare: share('--pretty-share', options.prettyShare) }),
    ...(options.defectRate === undefined ? {} : { defectRate: share('--defect-rate', options.defectRate) }),
    gzip: options.gzip === true,
  };
}

async function openSink(options: GenerateCommandOptions, context: CliContext): Promise<DatasetSink> {
  const url = /^s3:\/\/([^/]*)\/?(.*)$/.exec(options.out);
  if (url === null) {
    if (/^[a-z0-9]+:\/\//i.test(options.out))
      throw new CliError(`--out: expected a folder or s3://bucket/prefix, got "${options.out}"`);
    if (options.endpoint !== undefined) throw new CliError('--endpoint applies to an s3:// --out only');
    const folder = resolve(context.cwd, options.out);
    if (!options.force) refuseFolderWithFiles(options.out, folder);
    return folderSink(folder);
  }
  const [, bucket = '', prefix = ''] = url;
  if (!/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(bucket))
    throw new CliError(`--out: "${bucket}" is not a valid S3 bucket name`);
  const endpoint = options.endpoint ?? context.env.AWS_ENDPOINT_URL_S3 ?? context.env.AWS_ENDPOINT_URL;
  if (endpoint !== undefined && !/^https?:\/\/[^\s]+$/.test(endpoint))
    throw new CliError(`--endpoint: expected an http(s) URL, got "${endpoint}"`);
  const client = await createS3Client({
    region: context.env.AWS_REGION ?? context.env.AWS_DEFAULT_REGION ?? 'us-east-1',
    ...(endpoint === undefined ? {} : { endpoint }),
  });
  return s3Sink({ client, bucket, prefix, concurrency: whole('--concurrency', options.concurrency, 1) });
}

/** Generated files mixed into an existing dataset would be loaded as if they were real: refuse without --force. */
function refuseFolderWithFiles(given: string, folder: string): void {
  let entries: string[];
  try {
    entries = readdirSync(folder);
  } catch {
    return; // missing (it is created) or unreadable (the write reports it)
  }
  if (entries.length === 0) return;
  const shown = entries.slice(0, 3).join(', ') + (entries.length > 3 ? ', …' : '');
  throw new CliError(
    `--out: ${given} already holds files (${shown}); generated files would be mixed into them. ` +
      'Pick a new or empty folder, or pass --force to write into it anyway.',
  );
}

function progressLine(context: CliContext, startedAt: number): (progress: GenerateProgress) => void {
  let last = 0;
  let phase: GenerateProgress['phase'] = 'songs';
  let phaseStartedAt = startedAt;
  return (progress) => {
    const now = performance.now();
    if (progress.phase !== phase) {
      phase = progress.phase;
      phaseStartedAt = now;
    }
    if (now - last < 200 && progress.done < progress.total) return;
    last = now;
    const what = progress.phase === 'songs' ? 'song files' : 'events';
    const rate = progress.done / Math.max(0.001, (now - phaseStartedAt) / 1000);
    context.stderr.write(
      `\r\x1b[2Kgenerating ${what} ${number(progress.done)}/${number(progress.total)} (${number(Math.round(rate))}/s)`,
    );
  };
}

/** The human summary: what was written where, and the ground truth a load of it must reproduce. */
function formatSummary(summary: GenerateSummary, seconds: number): string {
  const paid = Object.values(summary.latestLevels).filter((level) => level === 'paid').length;
  const lines = [
    `Wrote ${number(summary.songFiles)} song files and ${number(summary.logFiles)} log files (${(summary.bytes / 1e6).toFixed(1)} MB) to ${summary.location} in ${seconds.toFixed(1)} s.`,
    `  songs     ${number(summary.songs)} (${number(summary.duplicateSongs)} exact duplicate${summary.duplicateSongs === 1 ? '' : 's'}), ${number(summary.artists)} artists`,
    `  events    ${number(summary.events)}: ${number(summary.nextSongEvents)} plays at ${number(summary.distinctPlayTimes)} distinct times, ${number(summary.matchedPlays)} matching a song`,
    `  users     ${number(summary.users)} (${number(paid)} paid at their latest event)`,
  ];
  if (summary.defectCount > 0) {
    const kinds = Object.entries(summary.defectsByKind)
      .map(([kind, count]) => `${kind} ${count}`)
      .join(', ');
    lines.push(
      `  defects   ${number(summary.defectCount)} bad lines planted (${kinds}); first at ${summary.defects[0]?.key} line ${summary.defects[0]?.line}`,
    );
  }
  lines.push(
    `  seed ${String(summary.options.seed)}: the same command writes the same bytes; --json prints the full ground truth.`,
  );
  return `${lines.join('\n')}\n`;
}

function whole(flag: string, value: string, min = 0): number {
  const parsed = Number(value);
  if (!/^\d+$/.test(value.trim()) || !Number.isSafeInteger(parsed) || parsed < min) {
    throw new CliError(
      `${flag}: expected a whole number${min > 0 ? ` of at least ${min}` : ''}, got "${value}"`,
    );
  }
  return parsed;
}

function share(flag: string, value: string): number {
  const parsed = Number(value);
  if (value.trim() === '' || !(parsed >= 0 && parsed <= 1))
    throw new CliError(`${flag}: expected a share from 0 to 1, got "${value}"`);
  return parsed;
}

function number(value: number): string {
  return value.toLocaleString('en-US');
}

function round(value: number, digits: number): number {
  return Number(value.toFixed(digits));
}
