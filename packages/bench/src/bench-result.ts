import type { BenchSizeName } from './bench-size.js';
import type { MachineInfo } from './machine-info.js';
import type { TargetResult } from './judge-targets.js';
import type { ServerLogSummary } from './parse-server-log.js';
import type { WarmUp } from './warm-file-cache.js';

/** What one benchmark run measured, before any ratios. */
export interface BenchMeasurements {
  /** Source JSON: all objects, and the log files alone (what the ceiling's rows came from). */
  sourceBytes: number;
  eventSourceBytes: number;
  /** Bytes of COPY text the ceiling sent. */
  copyBytes: number;
  /** Every ceiling COPY, in order; the fastest is the ceiling. */
  ceilingRuns: { seconds: number; records: number }[];
  firstLoad: LoadMeasurement;
  secondLoad: LoadMeasurement;
  checks: { seconds: number; checks: number; failed: number; warned: number; errored: number };
  /** The final star rows copied into empty twins of the star tables (the transform's own limit). */
  starCeiling: { seconds: number; rows: number; bytes: number };
  /** The hand-written plain-SQL approach over the same source, from its first `\copy` to its last INSERT. */
  peer: {
    seconds: number;
    copySeconds: number;
    songplays: number;
    users: number;
    songs: number;
    time: number;
  };
  /** Wall seconds of `sparkify load` (process start to exit) of a real-sample-sized source, each run. */
  smallLoadRuns: number[];
  /** The untimed read of the source before the first load, so that it finds warm files as the others do. */
  warmUp?: WarmUp;
}

/** One loader process: its LoadResult stages and its resources. */
export interface LoadMeasurement {
  status: string;
  list: { seconds: number; objects: number; bytes: number };
  stage: { seconds: number; records: number; staged: number; rejected: number; bytes: number };
  transform: { seconds: number; songplaysAdded: number; timeAdded: number; usersWritten: number };
  loadSeconds: number;
  wallSeconds: number;
  maxRssBytes: number;
  cpuSeconds: number;
}

/** One row of the stage table. */
export interface StageFigure {
  stage: string;
  seconds: number;
  /** Records per second and MB (10^6 bytes) of source JSON per second; null where no records pass. */
  recordsPerSecond: number | null;
  mbPerSecond: number | null;
  /** Seconds ÷ the ceiling's seconds. */
  ceilingTimeRatio: number;
  /** Records per second ÷ the ceiling's records per second (stages that move records). */
  ceilingRateRatio: number | null;
}

/** The figures of a run: the ceiling, each stage against it, and the loader's resources. */
export interface BenchFigures {
  ceiling: StageFigure & { records: number; copyMbPerSecond: number };
  stages: StageFigure[];
  /** The stages' figures by key, for targets and the README. */
  list: StageFigure;
  stage: StageFigure;
  transform: StageFigure;
  wholeLoad: StageFigure;
  secondLoad: StageFigure;
  checks: StageFigure;
  peakRssMb: number;
  /** Cores the first load kept busy on average (CPU seconds ÷ load seconds). */
  loaderCores: number;
  /** The transform's seconds ÷ the star ceiling's. */
  transformToStarCeiling: number;
  /** The plain-SQL peer's seconds ÷ the whole load's (how many times faster the loader is). */
  peerSpeedup: number;
  /** Median wall seconds of the small load. */
  smallLoadSeconds: number;
}

/** The JSON a run writes under bench/results/. */
export interface BenchReport {
  date: string;
  size: BenchSizeName;
  seed: number;
  dataset: {
    events: number;
    songs: number;
    songFiles: number;
    logFiles: number;
    sourceBytes: number;
    eventSourceBytes: number;
    copyBytes: number;
  };
  figures: BenchFigures;
  targets: TargetResult[];
  /** The server's log over the first load: its slow statements (server time) and checkpoints. */
  firstLoadServerLog: ServerLogSummary;
  measurements: BenchMeasurements;
  /** Which code was measured: the commit, and whether the loader had uncommitted changes (or another build). */
  code: { commit: string; loaderChanges: boolean; loader: string };
  /** --workers, when the run chose the loader's parser threads; null: the loader's default. */
  loaderWorkers: number | null;
  machine: MachineInfo;
  postgres: { version: string; settings: Record<string, string> };
}

const MB = 1e6;

/** The middle value (the mean of the two middle ones for an even count); NaN for none. */
export function median(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

function figure(
  stage: string,
  seconds: number,
  records: number | null,
  bytes: number | null,
  ceiling: { seconds: number; rate: number },
): StageFigure {
  const recordsPerSecond = records === null || seconds <= 0 ? null : records / seconds;
  return {
    stage,
    seconds,
    recordsPerSecond,
    mbPerSecond: bytes === null || seconds <= 0 ? null : bytes / MB / seconds,
    ceilingTimeRatio: seconds / ceiling.seconds,
    ceilingRateRatio: recordsPerSecond === null ? null : recordsPerSecond / ceiling.rate,
  };
}

/**
 * Turns measurements into the table's figures. Rates of the loader's stages use every record and byte the load
 * read (songs included: the loader has to stage them too); the ceiling's use the events it copied.
 */
export function summarizeBench(measured: BenchMeasurements): BenchFigures {
  if (measured.ceilingRuns.length === 0) throw new Error('no ceiling run to compare with');
  const best = measured.ceilingRuns.reduce((a, b) => (b.seconds < a.seconds ? b : a));
  const ceilingScale = { seconds: best.seconds, rate: best.records / best.seconds };
  const ceilingFigure = figure(
    'ceiling: COPY FREEZE',
    best.seconds,
    best.records,
    measured.eventSourceBytes,
    ceilingScale,
  );
  const load = measured.firstLoad;
  const records = load.stage.records;
  const bytes = load.list.bytes;
  const list = figure('list', load.list.seconds, records, bytes, ceilingScale);
  const stage = figure('validate + stage', load.stage.seconds, records, load.stage.bytes, ceilingScale);
  const transform = figure('transform + ledger', load.transform.seconds, records, bytes, ceilingScale);
  const wholeLoad = figure('whole load', load.loadSeconds, records, bytes, ceilingScale);
  const secondLoad = figure('second load (wall)', measured.secondLoad.wallSeconds, null, null, ceilingScale);
  const checks = figure('checks', measured.checks.seconds, null, null, ceilingScale);
  return {
    ceiling: {
      ...ceilingFigure,
      records: best.records,
      copyMbPerSecond: measured.copyBytes / MB / best.seconds,
    },
    stages: [ceilingFigure, list, stage, transform, wholeLoad, secondLoad, checks],
    list,
    stage,
    transform,
    wholeLoad,
    secondLoad,
    checks,
    peakRssMb: load.maxRssBytes / (1024 * 1024),
    loaderCores: load.loadSeconds > 0 ? load.cpuSeconds / load.loadSeconds : 0,
    transformToStarCeiling: load.transform.seconds / measured.starCeiling.seconds,
    peerSpeedup: measured.peer.seconds / load.loadSeconds,
    smallLoadSeconds: median(measured.smallLoadRuns),
  };
}
