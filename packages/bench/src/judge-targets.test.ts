import { describe, expect, it } from 'vitest';
import { type BenchMeasurements, type LoadMeasurement, summarizeBench } from './bench-result.js';
import { formatBenchTable } from './format-bench-table.js';
import { judgeTargets } from './judge-targets.js';

function loadOf(overrides: Partial<LoadMeasurement>): LoadMeasurement {
  return {
    status: 'succeeded',
    list: { seconds: 0.5, objects: 10_030, bytes: 400_000_000 },
    stage: { seconds: 4, records: 1_010_000, staged: 1_010_000, rejected: 0, bytes: 400_000_000 },
    transform: { seconds: 3, songplaysAdded: 800_000, timeAdded: 790_000, usersWritten: 700 },
    loadSeconds: 8,
    wallSeconds: 8.5,
    maxRssBytes: 200 * 1024 * 1024,
    cpuSeconds: 12,
    ...overrides,
  };
}

function measured(overrides: Partial<BenchMeasurements> = {}): BenchMeasurements {
  return {
    sourceBytes: 400_000_000,
    eventSourceBytes: 390_000_000,
    copyBytes: 250_000_000,
    ceilingRuns: [
      { seconds: 4, records: 1_000_000 },
      { seconds: 3.5, records: 1_000_000 },
    ],
    firstLoad: loadOf({}),
    secondLoad: loadOf({ status: 'nothing-new', wallSeconds: 0.9, loadSeconds: 0.3 }),
    checks: { seconds: 2, checks: 30, failed: 0, warned: 0, errored: 0 },
    starCeiling: { seconds: 2.5, rows: 1_600_000, bytes: 200_000_000 },
    peer: { seconds: 30, copySeconds: 5, songplays: 800_000, users: 700, songs: 10_000, time: 790_000 },
    smallLoadRuns: [0.42, 0.38, 0.9, 0.4, 0.41],
    warmUp: { files: 10_030, bytes: 468_400_000, seconds: 1.25 },
    ...overrides,
  };
}

describe('summarizeBench', () => {
  it('takes the fastest ceiling run and sets each stage against it', () => {
    const figures = summarizeBench(measured());
    expect(figures.ceiling.seconds).toBe(3.5);
    expect(figures.ceiling.recordsPerSecond).toBeCloseTo(1_000_000 / 3.5);
    expect(figures.ceiling.mbPerSecond).toBeCloseTo(390 / 3.5);
    expect(figures.stage.recordsPerSecond).toBeCloseTo(1_010_000 / 4);
    expect(figures.stage.ceilingRateRatio).toBeCloseTo(1_010_000 / 4 / (1_000_000 / 3.5));
    expect(figures.wholeLoad.ceilingTimeRatio).toBeCloseTo(8 / 3.5);
    expect(figures.secondLoad.seconds).toBe(0.9);
    expect(figures.secondLoad.recordsPerSecond).toBeNull();
    expect(figures.peakRssMb).toBe(200);
    expect(figures.loaderCores).toBeCloseTo(1.5);
    expect(figures.transformToStarCeiling).toBeCloseTo(1.2);
    expect(figures.peerSpeedup).toBeCloseTo(3.75);
    // The median, so one slow run (0.9 s) does not decide it.
    expect(figures.smallLoadSeconds).toBe(0.41);
  });
});

describe('judgeTargets', () => {
  it('passes a run within every target', () => {
    const targets = judgeTargets(summarizeBench(measured()));
    expect(targets.map((target) => [target.target, target.pass])).toEqual([
      ['staging throughput ≥ 0.6× ceiling', true],
      ['whole load ≤ 3× ceiling time', true],
      ['≥ 3× faster than plain SQL', true],
      ['transform ≤ 1.5× star ceiling', true],
      ['small load (wall) < 0.5 s', true],
      ['loader peak RSS ≤ 256 MB', true],
      ['second load ≤ 1 s', true],
      ['checks ≤ 1× ceiling time', true],
    ]);
  });

  it('fails each target that a run misses, and only those', () => {
    const slow = measured({
      firstLoad: loadOf({
        stage: { seconds: 9, records: 1_000_000, staged: 1_000_000, rejected: 0, bytes: 1 },
        loadSeconds: 20,
        maxRssBytes: 300 * 1024 * 1024,
      }),
      secondLoad: loadOf({ wallSeconds: 2.5 }),
      checks: { seconds: 3.6, checks: 30, failed: 1, warned: 0, errored: 0 },
      starCeiling: { seconds: 1, rows: 1_600_000, bytes: 200_000_000 },
      peer: { seconds: 40, copySeconds: 5, songplays: 800_000, users: 700, songs: 10_000, time: 790_000 },
      smallLoadRuns: [0.8, 0.7, 0.75],
    });
    const targets = judgeTargets(summarizeBench(slow));
    expect(targets.filter((target) => !target.pass).map((target) => target.target)).toEqual([
      'staging throughput ≥ 0.6× ceiling',
      'whole load ≤ 3× ceiling time',
      '≥ 3× faster than plain SQL',
      'transform ≤ 1.5× star ceiling',
      'small load (wall) < 0.5 s',
      'loader peak RSS ≤ 256 MB',
      'second load ≤ 1 s',
      'checks ≤ 1× ceiling time',
    ]);
    expect(targets[0]!.measured).toBeCloseTo(1_000_000 / 9 / (1_000_000 / 3.5));
  });
});

describe('formatBenchTable', () => {
  it('prints every stage against the ceiling and says FAIL for a missed target', () => {
    const measurements = measured({ secondLoad: loadOf({ wallSeconds: 2.5 }) });
    const figures = summarizeBench(measurements);
    const text = formatBenchTable({
      date: '2026-11-22T00:00:00.000Z',
      size: 'M',
      seed: 42,
      dataset: {
        events: 1_000_000,
        songs: 10_000,
        songFiles: 10_000,
        logFiles: 30,
        sourceBytes: 4e8,
        eventSourceBytes: 3.9e8,
        copyBytes: 2.5e8,
      },
      figures,
      targets: judgeTargets(figures),
      firstLoadServerLog: {
        slowStatements: [{ ms: 2500, statement: 'INSERT INTO time SELECT 1' }],
        checkpoints: ['wal'],
      },
      measurements,
      code: { commit: 'abc1234', loaderChanges: false, loader: 'packages/loader' },
      loaderWorkers: null,
      machine: { cpu: 'Test CPU', cores: 2, memoryGiB: 8, os: 'linux', node: 'v20.20.0', loadAverage: 0.1 },
      postgres: { version: 'PostgreSQL 18.1', settings: { server_version: '18.1' } },
    });
    expect(text).toMatch(/^ceiling: COPY FREEZE +3\.50 +285,714 +111\.4 +1\.00× +1\.00×$/m);
    expect(text).toMatch(/^validate \+ stage +4\.00 +252,500 +100\.0 +1\.14× +0\.88×$/m);
    expect(text).toMatch(/^second load ≤ 1 s +2\.50 s +1\.00 s +FAIL$/m);
    expect(text).toMatch(/^≥ 3× faster than plain SQL +3\.75× +3\.00× +PASS$/m);
    expect(text).toContain('source read once before the load, untimed: 10,030 files, 468 MB in 1.25 s');
    expect(text).toContain('star ceiling: 1,600,000 final star rows');
    expect(text).toContain('transform 3.00 s = 1.20× that');
    expect(text).toContain('plain-SQL peer (\\copy raw lines + INSERT … SELECT): 30.00 s');
    expect(text).toContain(
      'small load (sparkify load of a real-sample-sized source, process start to exit): median 0.41 s of 5 runs',
    );
    expect(text).toMatch(/^loader peak RSS ≤ 256 MB +200 MB +256 MB +PASS$/m);
    expect(text).toContain('FAIL: 1 of 8 targets not met');
    expect(text).not.toContain('the machine was busy');
    expect(text).toContain("the load's slowest statements (server time); checkpoints during the load: wal:");
    expect(text).toMatch(/^ +2\.50 s {2}INSERT INTO time SELECT 1$/m);
    expect(text).toContain('Test CPU, 2 cores, 8.0 GiB, Node v20.20.0, PostgreSQL 18.1');
  });
});
