#!/usr/bin/env node
// `pnpm bench [--size S|M|L] [--seed N] [--keep] [--profile]`: the loader against PostgreSQL's own COPY ceiling.
// Progress goes to stderr, the table to stdout; exits 0 when targets fail (a benchmark, not a test), 1 when a
// run cannot be measured, 2 for a bad command line.
import { execFileSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import knexFactory, { type Knex } from 'knex';
import { buildSuite, postgresCheckSettings, runChecks } from '@sparkify/quality';
import { migrateTo } from '@sparkify/schema';
import { acquireBenchLock } from './bench-lock.js';
import { type BenchSizeName, benchSizes } from './bench-size.js';
import {
  type BenchMeasurements,
  type BenchReport,
  type LoadMeasurement,
  summarizeBench,
} from './bench-result.js';
import { ensureCopyFile } from './encode-copy-file.js';
import { ensureDataset } from './ensure-dataset.js';
import { formatBenchTable } from './format-bench-table.js';
import { judgeTargets } from './judge-targets.js';
import { machineInfo } from './machine-info.js';
import { measureCeiling } from './measure-ceiling.js';
import { measureSmallLoad } from './measure-small-load.js';
import { measureStarCeiling } from './measure-star-ceiling.js';
import { runPlainSqlPeer } from './plain-sql-peer.js';
import { formatGrowth, runGrowth } from './run-growth.js';
import { formatVerbOverhead, measureVerbOverhead, summarizeVerbOverhead } from './measure-verb-overhead.js';
import { parseServerLog } from './parse-server-log.js';
import { type BenchArgs, BenchUsageError, benchUsage, parseBenchArgs } from './parse-bench-args.js';
import { createProgressLine } from './progress-line.js';
import { type ChildLoad, killChildLoads, runLoadChild } from './run-load-child.js';
import { startBenchPostgres } from './start-bench-postgres.js';
import { warmFileCache } from './warm-file-cache.js';
import { type CpuProfile, summarizeCpuProfile } from './summarize-cpu-profile.js';

const ceilingRuns = 2;
const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));
const count = (value: number) => value.toLocaleString('en-US');
const say = (text: string) => process.stderr.write(`${text}\n`);
let interrupted = false;

function measurementOf(load: ChildLoad): LoadMeasurement {
  const { stages } = load.result;
  return {
    status: load.result.status,
    list: stages.list,
    stage: stages.stage,
    transform: {
      seconds: stages.transform.seconds,
      songplaysAdded: stages.transform.songplaysAdded,
      timeAdded: stages.transform.timeAdded,
      usersWritten: stages.transform.usersWritten,
    },
    loadSeconds: load.loadSeconds,
    wallSeconds: load.wallSeconds,
    maxRssBytes: load.maxRssBytes,
    cpuSeconds: load.cpuSeconds,
  };
}

/** Ends a checkpoint before a measured step, so no step pays for writing out the one before it. */
async function checkpoint(knex: Knex): Promise<void> {
  await knex.raw('CHECKPOINT');
}

function printProfile(folder: string): void {
  for (const file of readdirSync(folder).filter((name) => name.endsWith('.cpuprofile'))) {
    const profile = JSON.parse(readFileSync(join(folder, file), 'utf8')) as CpuProfile;
    console.log(`\nhottest functions of the loader (self time), ${join(folder, file)}:`);
    for (const hot of summarizeCpuProfile(profile, 20)) {
      console.log(
        `${(hot.share * 100).toFixed(1).padStart(5)}%  ${hot.selfMs.toFixed(0).padStart(7)} ms  ${hot.name}  ${hot.where}`,
      );
    }
  }
}

function git(args: string[]): string {
  try {
    return execFileSync('git', args, {
      cwd: repoRoot,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    }).trim();
  } catch {
    return '';
  }
}

// What a load runs: uncommitted changes here make a result unreproducible from its commit (tests do not).
const measuredSources = [
  'packages/loader/src',
  'packages/loader/schemas',
  'packages/loader/package.json',
  'packages/schema/src',
];

/** What code a run measured, so that a result can be traced to a commit (and flagged when it cannot). */
function measuredCode(loaderFolder: string | null): BenchReport['code'] {
  return {
    commit: git(['rev-parse', '--short', 'HEAD']) || 'unknown',
    loaderChanges: loaderFolder === null && git(['status', '--porcelain', '--', ...measuredSources]) !== '',
    loader: loaderFolder ?? 'packages/loader',
  };
}

async function main(): Promise<void> {
  let args;
  try {
    args = parseBenchArgs(process.argv.slice(2));
  } catch (error) {
    if (!(error instanceof BenchUsageError)) throw error;
    console.error(`${error.message}\n\n${benchUsage}`);
    process.exitCode = 2;
    return;
  }
  if (args.help) {
    console.log(benchUsage);
    return;
  }
  const releaseLock = await acquireBenchLock(join(repoRoot, 'bench', '.cache', 'bench.lock'), (pid) =>
    say(`waiting for another benchmark (pid ${pid}) to finish: two at once would both measure each other…`),
  );
  try {
    if (args.size === 'growth') await growthBench(args.seed);
    else if (args.size === 'verbs') await verbsBench();
    else await runBench({ ...args, size: args.size }, releaseLock);
  } finally {
    releaseLock();
  }
}

/** The real sample's size: 8k events over 30 daily files, 71 songs. */
const smallSize = { name: 'S', events: 8_000, songs: 71, days: 30 } as const;
const smallLoadRuns = 5;

const verbRuns = 7;

/** `--size verbs`: the documented verbs through pnpm against the binary, on a fresh migrated database. */
async function verbsBench(): Promise<void> {
  const postgres = await startBenchPostgres();
  try {
    const knex = knexFactory({ client: 'pg', connection: postgres.url, pool: { min: 0, max: 1 } });
    try {
      await migrateTo(knex, { dialect: 'postgres' });
    } finally {
      await knex.destroy();
    }
    say(`timing each verb ${verbRuns} times through pnpm and as the binary, alternately…`);
    const samples = await measureVerbOverhead({
      repoRoot,
      cliBin: join(repoRoot, 'packages', 'cli', 'bundle', 'sparkify.js'),
      runs: verbRuns,
      env: { ...process.env, DATABASE_URL: postgres.url, SPARKIFY_TARGET: 'postgres' },
      verbs: [
        { verb: 'pnpm sparkify --version', args: ['--version'] },
        { verb: 'pnpm migrate status --json', args: ['migrate', 'status', '--json'] },
        { verb: 'pnpm check --dry-run', args: ['check', '--dry-run'] },
      ],
    });
    const rows = summarizeVerbOverhead(samples);
    console.log(`\n${formatVerbOverhead(rows)}`);
    const resultsFolder = join(repoRoot, 'bench', 'results');
    mkdirSync(resultsFolder, { recursive: true });
    const text = `${JSON.stringify({ date: new Date().toISOString(), code: measuredCode(null), machine: machineInfo(), runs: verbRuns, verbs: rows, samples }, null, 2)}\n`;
    writeFileSync(join(resultsFolder, 'latest-verbs.json'), text);
  } finally {
    await postgres.stop();
  }
}

async function growthBench(seed: number): Promise<void> {
  const progress = createProgressLine(process.stderr);
  const report = await runGrowth(join(repoRoot, 'bench', '.cache'), seed, progress, say);
  console.log(`\n${formatGrowth(report)}`);
  const resultsFolder = join(repoRoot, 'bench', 'results');
  mkdirSync(resultsFolder, { recursive: true });
  const text = `${JSON.stringify({ date: new Date().toISOString(), seed, code: measuredCode(null), machine: machineInfo(), ...report }, null, 2)}\n`;
  writeFileSync(join(resultsFolder, 'latest-growth.json'), text);
}

async function runBench(args: BenchArgs & { size: BenchSizeName }, releaseLock: () => void): Promise<void> {
  const machine = machineInfo();
  const size = benchSizes[args.size];
  const cacheFolder = join(repoRoot, 'bench', '.cache', `${size.name}-${args.seed}`);
  const progress = createProgressLine(process.stderr);

  const dataset = await ensureDataset(cacheFolder, size, args.seed, (event) =>
    progress.update(
      () => `generating ${size.name}: ${event.phase} ${count(event.done)}/${count(event.total)}`,
    ),
  );
  progress.done(
    dataset.generateSeconds === null
      ? `dataset ${size.name}: cached in ${cacheFolder}`
      : `dataset ${size.name}: generated in ${dataset.generateSeconds.toFixed(1)} s into ${cacheFolder}`,
  );
  const copyFile = await ensureCopyFile(cacheFolder, dataset.logKeys, (records) =>
    progress.update(
      () => `encoding the ceiling's COPY text: ${count(records)}/${count(dataset.events)} events`,
    ),
  );
  progress.done(
    `ceiling input: ${count(copyFile.records)} rows, ${(copyFile.bytes / 1e6).toFixed(0)} MB of COPY text`,
  );

  say('starting a fresh embedded PostgreSQL…');
  const server = await startBenchPostgres();
  let knex: Knex | undefined;
  const shutdown = async () => {
    killChildLoads();
    await knex?.destroy().catch(() => undefined);
    await server.stop();
  };
  const onSignal = (signal: NodeJS.Signals) => {
    interrupted = true;
    say(`\n${signal}: stopping the database…`);
    void shutdown().finally(() => {
      releaseLock();
      process.exit(130);
    });
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  let keepRunning = false;
  try {
    knex = knexFactory({ client: 'pg', connection: server.url, pool: { min: 0, max: 4 } });
    await migrateTo(knex, { dialect: 'postgres' });

    const ceiling: BenchMeasurements['ceilingRuns'] = [];
    for (let run = 1; run <= ceilingRuns; run += 1) {
      await checkpoint(knex);
      say(`ceiling: COPY FREEZE of the encoded events, run ${run} of ${ceilingRuns}…`);
      ceiling.push(await measureCeiling(server.url, copyFile.path));
      say(`  ${ceiling.at(-1)!.seconds.toFixed(2)} s`);
    }

    say('reading the source once, untimed (the ceiling and the peer read warm files too)…');
    const warmUp = warmFileCache(cacheFolder);
    say(
      `  ${count(warmUp.files)} files, ${(warmUp.bytes / 1e6).toFixed(0)} MB in ${warmUp.seconds.toFixed(2)} s`,
    );
    await checkpoint(knex);
    say('load (a new process, like `pnpm load`)…');
    const profileFolder = join(repoRoot, 'bench', '.cache', 'profiles', `${size.name}-${args.seed}`);
    if (args.profile) {
      rmSync(profileFolder, { recursive: true, force: true });
      mkdirSync(profileFolder, { recursive: true });
    }
    const logBefore = server.log().length;
    const first = await runLoadChild(server.url, cacheFolder, 'load', {
      nodeArgs: args.profile ? ['--cpu-prof', '--cpu-prof-dir', profileFolder] : [],
      loaderFolder: args.loader,
      workers: args.workers,
    });
    const firstLoadServerLog = parseServerLog(server.log().slice(logBefore));
    firstLoadServerLog.slowStatements = firstLoadServerLog.slowStatements.slice(0, 15);
    if (first.result.status !== 'succeeded') {
      console.error(
        `the load did not succeed (${first.result.status}): ${first.result.error?.message ?? ''}`,
      );
      process.exitCode = 1;
      return;
    }
    say('second load over the unchanged source…');
    const second = await runLoadChild(server.url, cacheFolder, 'second load', {
      loaderFolder: args.loader,
      workers: args.workers,
    });

    say('default check suite…');
    const checksBegan = performance.now();
    // The dataset is 2018 data (the generator's default start): freshness is judged at the day after its last
    // day, as `sparkify check --as-of` would, not against today.
    const asOf = new Date(Date.UTC(2018, 10, 1) + size.days * 86_400_000);
    // With the settings `sparkify check` gives a PostgreSQL warehouse.
    const checkReport = await runChecks(knex, buildSuite(), { asOf, sessionSettings: postgresCheckSettings });
    const checksSeconds = (performance.now() - checksBegan) / 1000;

    say('star ceiling: the final star rows COPYed into empty tables with the same keys…');
    const starCeiling = await measureStarCeiling(server.url);
    say(`  ${starCeiling.seconds.toFixed(2)} s`);
    say('plain-SQL peer: \\copy of the raw lines, then INSERT … SELECT…');
    const peer = await runPlainSqlPeer(server.url, cacheFolder);
    say(`  ${peer.seconds.toFixed(2)} s`);
    const small = await ensureDataset(
      join(repoRoot, 'bench', '.cache', `sample-${args.seed}`),
      smallSize,
      args.seed,
    );
    say(
      `small load: sparkify load of ${count(small.events)} events in ${small.logFiles + small.songFiles} files, ${smallLoadRuns} runs…`,
    );
    const smallRuns = await measureSmallLoad(server.url, small.folder, smallLoadRuns);

    const eventSourceBytes = copyFile.sourceBytes;
    const measurements: BenchMeasurements = {
      sourceBytes: dataset.bytes,
      eventSourceBytes,
      copyBytes: copyFile.bytes,
      ceilingRuns: ceiling,
      firstLoad: measurementOf(first),
      secondLoad: measurementOf(second),
      checks: {
        seconds: checksSeconds,
        checks: checkReport.results.length,
        failed: checkReport.counts.failed,
        warned: checkReport.counts.warned,
        errored: checkReport.counts.errored,
      },
      starCeiling,
      peer,
      smallLoadRuns: smallRuns,
      warmUp,
    };
    const figures = summarizeBench(measurements);
    const date = new Date();
    const report: BenchReport = {
      date: date.toISOString(),
      size: size.name,
      seed: args.seed,
      dataset: {
        events: dataset.events,
        songs: dataset.songFiles,
        songFiles: dataset.songFiles,
        logFiles: dataset.logFiles,
        sourceBytes: dataset.bytes,
        eventSourceBytes,
        copyBytes: copyFile.bytes,
      },
      figures,
      targets: judgeTargets(figures),
      firstLoadServerLog,
      measurements,
      code: measuredCode(args.loader),
      loaderWorkers: args.workers,
      machine,
      postgres: { version: server.version, settings: server.settings },
    };
    console.log(`\n${formatBenchTable(report)}`);
    if (args.profile) printProfile(profileFolder);

    const resultsFolder = join(repoRoot, 'bench', 'results');
    mkdirSync(resultsFolder, { recursive: true });
    const text = `${JSON.stringify(report, null, 2)}\n`;
    // Experiments (other thread counts, a profiler attached) are kept apart and never become the latest figures.
    const experiment = [
      args.workers === null ? '' : `-workers-${args.workers}`,
      args.profile ? '-profiled' : '',
    ].join('');
    const dated = join(resultsFolder, `${date.toISOString().slice(0, 10)}-${size.name}${experiment}.json`);
    writeFileSync(dated, text);
    if (experiment === '') writeFileSync(join(resultsFolder, `latest-${size.name}.json`), text);
    say(`results: ${dated}`);

    if (args.keep) {
      keepRunning = true;
      say(`\nthe loaded database stays up until Ctrl-C: ${server.url}`);
    }
  } finally {
    if (!keepRunning) await shutdown();
  }
}

main().catch((error: unknown) => {
  // After Ctrl-C the steps in flight fail on purpose; the signal handler has said what happens.
  if (interrupted) return;
  console.error((error as Error).stack ?? String(error));
  process.exitCode = 1;
});
