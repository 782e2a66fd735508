import { randomUUID } from 'node:crypto';
import { statSync } from 'node:fs';
import { hostname } from 'node:os';
import { type Command, Option } from 'commander';
import {
  abandonRuns,
  breakLoadLock,
  load,
  LoaderError,
  type LoadOptions,
  type LoadProgress,
  type LoadResult,
} from '@sparkify/loader';
import { currentProcessIdentity, holderLiveness } from '@sparkify/local-postgres';
import type { SparkifyConfig } from '../config/config-schema.js';
import type { CliContext, GlobalOptions } from '../context.js';
import { CliError, ExitCode, ExplainedError } from '../errors.js';
import { addExamples } from '../help-examples.js';
import { type CommandScope, runWithConfig, withWarehouse } from '../run-command.js';
import { describeS3Failure } from '../s3-error.js';
import { s3ClientFor, s3EndpointLabel } from '../s3-client.js';
import { sendAlert } from '../send-alert.js';
import { formatDryRun, formatLoadSummary, formatProgress, loadAlert } from './load-report.js';

export interface LoadCommandOptions extends GlobalOptions {
  source?: string;
  songData?: string;
  logData?: string;
  endpoint?: string;
  fullRefresh?: boolean;
  maxErrors?: string;
  strictKeys?: boolean;
  dryRun?: boolean;
  json?: boolean;
  wait?: string | boolean;
  breakLock?: boolean;
  concurrency?: string;
  workers?: string;
  sample?: string;
  manifestPrefix?: string;
  serverless?: boolean;
  progress?: boolean;
  verbose?: boolean;
  minEventTime?: string;
  oneDataset?: boolean;
}

function wholeNumber(name: string, value: string | undefined, fallback: number, max: number): number {
  if (value === undefined) return fallback;
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed < 0 || parsed > max) {
    throw new CliError(`${name}: expected a whole number from 0 to ${max}, got "${value}"`);
  }
  return parsed;
}

/**
 * A loader failure in the CLI's words where they add something: a failed S3 request names the endpoint, bucket,
 * key and the service's or network's code. Its exit code is decided in report-error.ts.
 */
export function explainLoadFailure(error: unknown, s3Endpoint = 'AWS S3'): unknown {
  if (!(error instanceof LoaderError) || !error.s3) return error;
  return new ExplainedError(describeS3Failure(error, error.s3, s3Endpoint), error);
}

/** A local location must be a folder: a file (`--source events.json`) is a usage error, not ENOTDIR later. */
function requireFolder(flag: string, location: string | undefined): void {
  if (location === undefined || /^[a-z0-9]+:\/\//i.test(location)) return;
  let isFile = false;
  try {
    isFile = !statSync(location).isDirectory();
  } catch {
    return; // a missing folder is reported by the load, naming both dataset locations
  }
  if (isFile) {
    throw new CliError(
      `${flag}: ${location} is a file; expected a folder holding song_data/ and log_data/ (or, for --song-data ` +
        'and --log-data, the folder of that dataset), or an s3://bucket/prefix',
    );
  }
}

/** `--min-event-time`: an ISO date (2000-01-01) or epoch milliseconds. */
function eventTimeBound(value: string | undefined): { minEventTimeMs: number } | undefined {
  if (value === undefined) return undefined;
  const ms = /^\d+$/.test(value) ? Number(value) : Date.parse(value);
  if (!Number.isSafeInteger(ms)) {
    throw new CliError(
      `--min-event-time: expected a date (2000-01-01) or epoch milliseconds, got "${value}"`,
    );
  }
  return { minEventTimeMs: ms };
}

/** The load options a command line and a configuration give, before the warehouse is known. */
async function loadSettings(
  options: LoadCommandOptions,
  config: SparkifyConfig,
): Promise<Omit<LoadOptions, 'knex' | 'dialect'>> {
  const source = {
    source: options.source ?? config.s3.source,
    songData: options.songData ?? config.s3.songData,
    logData: options.logData ?? config.s3.logData,
  };
  if (!source.source && !(source.songData && source.logData)) {
    throw new CliError(
      'No source: pass --source <folder | s3://bucket/prefix> (holding song_data/ and log_data/), or --song-data and ' +
        '--log-data, or set SPARKIFY_SOURCE / the S3 section of the config file.',
    );
  }
  const usesS3 = [source.source, source.songData, source.logData].some((location) =>
    location?.startsWith('s3://'),
  );
  requireFolder('--source', source.source);
  requireFolder('--song-data', source.songData);
  requireFolder('--log-data', source.logData);
  const wait =
    options.wait === true
      ? 3600
      : wholeNumber('--wait', options.wait === false ? undefined : options.wait, 0, 86_400);
  const settings: Omit<LoadOptions, 'knex' | 'dialect'> = {
    source,
    fullRefresh: options.fullRefresh ?? false,
    maxErrors: wholeNumber('--max-errors', options.maxErrors, 0, 100_000),
    strictKeys: options.strictKeys ?? false,
    dryRun: options.dryRun ?? false,
    holder: {
      holder: `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`,
      ...currentProcessIdentity(),
    },
    waitMs: wait * 1000,
    judgeHolder: holderLiveness,
    oneDataset: options.oneDataset ?? false,
    concurrency: wholeNumber('--concurrency', options.concurrency, 8, 256) || 1,
    ...(options.minEventTime === undefined ? {} : { recordRules: eventTimeBound(options.minEventTime) }),
    ...(options.workers === undefined ? {} : { workers: wholeNumber('--workers', options.workers, 0, 64) }),
  };
  if (usesS3 || config.target === 'redshift') settings.s3Client = await s3ClientFor(config, options.endpoint);
  if (config.target === 'redshift') {
    const manifestPrefix = options.manifestPrefix ?? config.s3.manifestPrefix;
    // Name only what is missing: a dwh.cfg usually sets the role and never a manifest location.
    const missing = [
      config.iamRoleArn ? '' : 'an IAM role for COPY (SPARKIFY_IAM_ROLE_ARN or dwh.cfg [IAM_ROLE] ARN)',
      manifestPrefix
        ? ''
        : 'a manifest location it may write to (--manifest-prefix s3://bucket/prefix/ or SPARKIFY_MANIFEST_PREFIX)',
    ].filter(Boolean);
    if (!config.iamRoleArn || !manifestPrefix) {
      throw new CliError(`The redshift target needs ${missing.join(' and ')}.`);
    }
    if (options.strictKeys) {
      throw new CliError(
        '--strict-keys works on the postgres target only: the validation pass in Redshift judges the keys of the ' +
          'format, not the keys a record adds (those are ignored, as without --strict-keys)',
      );
    }
    settings.redshift = {
      iamRoleArn: config.iamRoleArn,
      // COPY's REGION is where the data is, not where the SDK calls go (AWS_REGION).
      region: config.copyRegion,
      manifestPrefix,
      sample: wholeNumber('--sample', options.sample, 20, 100_000),
      serverless: options.serverless ?? Boolean(config.redshift?.workgroup),
    };
  }
  return settings;
}

function report(scope: CommandScope, options: LoadCommandOptions, result: LoadResult, label: string): void {
  if (options.json) {
    const { files, ...rest } = result;
    scope.out(JSON.stringify({ ...rest, files: files.length, warehouse: label }, null, 2));
  } else if (result.status === 'dry-run') {
    scope.out(formatDryRun(result, options.verbose ?? false));
  } else {
    scope.out(formatLoadSummary(result, label));
    if (result.error) scope.err(result.error.message);
  }
  scope.context.exitCode = result.status === 'failed' ? ExitCode.dataFailure : ExitCode.ok;
}

/** How often a progress line is written when stderr is not a terminal (a CI log): every this many seconds. */
const PLAIN_PROGRESS_EVERY_S = 30;

/**
 * Progress on stderr: on a terminal one line rewritten in place (at most 5 times a second, and each second while a
 * transform step runs, so its timer moves); elsewhere a plain line every 30 s, so that a short load stays quiet
 * and a long one shows in a CI log that it is alive. `stop()` clears the line and the timer.
 */
function progressPrinter(
  scope: CommandScope,
  mode: 'terminal' | 'plain' | 'off',
): Pick<LoadOptions, 'onProgress' | 'onNotice'> & { stop(): void } {
  const startedAt = performance.now();
  let stepStartedAt = startedAt;
  let last = 0;
  let shown = false;
  let latest: LoadProgress | undefined;
  let ticker: NodeJS.Timeout | undefined;
  const elapsed = (from: number) => (performance.now() - from) / 1000;
  const draw = () => {
    if (!latest) return;
    const line = formatProgress(latest, elapsed(startedAt), elapsed(stepStartedAt));
    if (mode === 'terminal') scope.context.stderr.write(`\r\x1b[2K${line}`);
    else scope.context.stderr.write(`${line}\n`);
    shown = mode === 'terminal';
    last = performance.now();
  };
  const stop = () => {
    if (ticker) clearInterval(ticker);
    ticker = undefined;
    if (shown) scope.context.stderr.write('\r\x1b[2K');
    shown = false;
  };
  return {
    onProgress:
      mode === 'off'
        ? undefined
        : (progress) => {
            const stageChanged = latest?.stage !== progress.stage;
            const stepChanged =
              progress.stage === 'transform' &&
              (latest?.stage !== 'transform' || latest.step !== progress.step);
            if (stageChanged || stepChanged) stepStartedAt = performance.now();
            latest = progress;
            if (mode === 'plain') {
              if (
                elapsed(startedAt) >= PLAIN_PROGRESS_EVERY_S &&
                (performance.now() - last) / 1000 >= PLAIN_PROGRESS_EVERY_S
              )
                draw();
              return;
            }
            if (progress.stage === 'transform' && !ticker) {
              ticker = setInterval(draw, 1000);
              ticker.unref();
            }
            const finished = progress.stage === 'stage' && progress.objectsDone === progress.objectsTotal;
            if (stageChanged || stepChanged || finished || performance.now() - last >= 200) draw();
          },
    onNotice: (message) => {
      if (shown) scope.context.stderr.write('\r\x1b[2K');
      scope.err(message.startsWith('warning: ') ? message : `note: ${message}`);
      if (shown) draw();
    },
    stop,
  };
}

/** `sparkify load`: S3 or a local folder → validated → staged → star schema, incremental and idempotent. */
export function registerLoadCommand(program: Command, context: CliContext): void {
  const command = program
    .command('load')
    .description(
      'load new Sparkify JSON (S3 or a folder) into the star schema; only objects not loaded yet are read',
    )
    .option('-s, --source <location>', 'folder or s3://bucket/prefix holding song_data/ and log_data/')
    .option('--song-data <location>', 'song data location (instead of --source; dwh.cfg SONG_DATA)')
    .option('--log-data <location>', 'log data location (instead of --source; dwh.cfg LOG_DATA)')
    .option('--endpoint <url>', 'S3-compatible endpoint (MinIO, LocalStack); also AWS_ENDPOINT_URL_S3')
    .option('--full-refresh', 'rebuild the star schema from every object, loaded before or not')
    .option('--max-errors <n>', 'bad records to quarantine in etl_rejects before the run fails', '0')
    .option(
      '--strict-keys',
      'a record carrying a JSON key the format does not know is a bad record (default: counted and reported)',
    )
    .option('--dry-run', 'print the plan (and for redshift the exact SQL and manifests); change nothing')
    .option('--json', 'print one machine-readable result')
    .option('--wait [seconds]', 'wait for another running load instead of failing (default 3600 s)')
    .option('--break-lock', 'free the load lock first (only when its holder is known to be gone)')
    .option('--concurrency <n>', 'objects read at once (postgres target)', '8')
    .option('--workers <n>', 'threads that parse and validate (postgres target; default: cores - 1; 0: none)')
    .addOption(
      new Option('--sample <n>', 'redshift: objects per dataset validated before any COPY').default('20'),
    )
    .addOption(new Option('--manifest-prefix <s3url>', 'redshift: where the manifests are written'))
    .addOption(
      new Option(
        '--serverless',
        'redshift: the target is Serverless (implied by a workgroup; load errors come from the SYS views on both)',
      ),
    )
    .option(
      '--min-event-time <date>',
      'events before this are refused as a ts in seconds, not milliseconds (default 2000-01-01)',
    )
    .option(
      '--no-progress',
      'no progress on stderr (a terminal gets a bar rewritten in place; a log a plain line every 30 s)',
    )
    .option(
      '--notify <url>',
      'post a message (Slack incoming-webhook JSON) when the load fails; config key notifyUrl',
    )
    .option('--verbose', 'list every object in a dry run')
    .option('--one-dataset', 'the source holds only song_data/ or only log_data/ on purpose: no warning')
    .addHelpText(
      'after',
      `
Every record is validated; by default one bad record fails the run before anything reaches the star schema,
and the message names object, line and field (all of them land in etl_rejects). The ledger (etl_runs,
etl_files) makes loads incremental: a second load of the same source reads nothing. JSON keys the format does
not know are counted and named in the summary (and in etl_unknown_keys); --strict-keys refuses them.

Exit codes: 0 loaded (or nothing new), 1 bad data, 2 could not run (usage, config, connection, lock).`,
    )
    .action(async (_options: LoadCommandOptions, command: Command) => {
      const options = command.optsWithGlobals<LoadCommandOptions>();
      await runLoadCommand(context, options);
    });
  addExamples(command, [
    { run: 'sparkify load --source ./data', says: 'a folder holding song_data/ and log_data/' },
    { run: 'sparkify load --source ./data --dry-run', says: 'what would be read; nothing changes' },
    { run: 'sparkify load --source ./data --full-refresh', says: 'rebuild the star from every object' },
    { run: 'sparkify load --source s3://my-bucket/sparkify/ --max-errors 100' },
    {
      run: 'sparkify load --song-data s3://my-bucket/sparkify/song_data --log-data s3://my-bucket/sparkify/log_data --json',
    },
    {
      run: 'AWS_ENDPOINT_URL_S3=http://127.0.0.1:9000 sparkify load --source s3://my-bucket/sparkify/',
      says: 'MinIO, LocalStack or any S3-compatible store',
    },
    {
      run: 'sparkify --config dwh.cfg load --dry-run --manifest-prefix s3://my-bucket/manifests/',
      says: 'the exact Redshift SQL and manifests, without a cluster',
    },
    {
      run: 'sparkify load --source ./data --notify https://hooks.slack.com/services/…',
      says: 'alert a channel when the load fails',
    },
  ]);
}

/** Runs a load as the command line asks and reports it; used by `load` and by `demo`. */
export async function runLoadCommand(context: CliContext, options: LoadCommandOptions): Promise<LoadResult> {
  let s3Endpoint: string | undefined;
  try {
    return await runWithConfig(context, options, async (scope) => {
      s3Endpoint = s3EndpointLabel(scope.config, options.endpoint);
      const settings = await loadSettings(options, scope.config);
      if (scope.config.target === 'redshift' && scope.config.s3.logJsonPath) {
        scope.err(
          'note: LOG_JSONPATH is not used: COPY loads each record whole and the validation pass in the warehouse ' +
            'reads its keys by name (the JSONPaths file can go)',
        );
      }
      // A Redshift dry run prints what would be sent without contacting the cluster.
      if (options.dryRun && scope.config.target === 'redshift') {
        const result = await load({ ...settings, dialect: 'redshift' });
        report(scope, options, result, 'Redshift (not contacted)');
        return result;
      }
      return withWarehouse(scope, async ({ warehouse }) => {
        if (options.breakLock) {
          // Refused when the holder is alive on this host; another host's holder is the user's call.
          const before = await breakLoadLock(warehouse.knex, { judgeHolder: holderLiveness });
          if (before.holder) {
            await abandonRuns(warehouse.knex, before.holder, new Date());
            scope.err(
              `note: freed the load lock held by ${before.holder} since ${before.acquiredAt?.toISOString()}`,
            );
          }
        }
        const printer = progressPrinter(
          scope,
          options.progress === false || options.json ? 'off' : context.isTTY ? 'terminal' : 'plain',
        );
        let result: LoadResult;
        try {
          context.stoppable = true;
          result = await load({
            ...settings,
            onProgress: printer.onProgress,
            onNotice: printer.onNotice,
            knex: warehouse.knex,
            dialect: warehouse.dialect,
            ...(context.signal ? { signal: context.signal } : {}),
          });
        } catch (error) {
          context.stoppable = false;
          printer.stop();
          await sendAlert(context, scope.config.notifyUrl, loadAlert(warehouse.label, settings, error));
          throw error;
        }
        context.stoppable = false;
        printer.stop();
        report(scope, options, result, warehouse.label);
        if (result.status === 'failed')
          await sendAlert(context, scope.config.notifyUrl, loadAlert(warehouse.label, settings, result));
        return result;
      });
    });
  } catch (error) {
    throw explainLoadFailure(error, s3Endpoint);
  }
}
