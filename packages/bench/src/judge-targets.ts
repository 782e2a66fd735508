import type { BenchFigures } from './bench-result.js';

/** One target of issue 5, judged. */
export interface TargetResult {
  target: string;
  measured: number;
  limit: number;
  unit: '×' | 'MB' | 's';
  pass: boolean;
}

/** The targets: staging rate, whole-load time, loader memory, incremental no-op load, check suite. */
export function judgeTargets(figures: BenchFigures): TargetResult[] {
  const atLeast = (
    target: string,
    measured: number,
    limit: number,
    unit: TargetResult['unit'],
  ): TargetResult => ({
    target,
    measured,
    limit,
    unit,
    pass: measured >= limit,
  });
  const atMost = (
    target: string,
    measured: number,
    limit: number,
    unit: TargetResult['unit'],
  ): TargetResult => ({
    target,
    measured,
    limit,
    unit,
    pass: measured <= limit,
  });
  return [
    atLeast('staging throughput ≥ 0.8× ceiling', figures.stage.ceilingRateRatio ?? 0, 0.8, '×'),
    atMost('whole load ≤ 2.5× ceiling time', figures.wholeLoad.ceilingTimeRatio, 2.5, '×'),
    atMost('loader peak RSS ≤ 256 MB', figures.peakRssMb, 256, 'MB'),
    atMost('second load ≤ 2 s', figures.secondLoad.seconds, 2, 's'),
    atMost('checks ≤ 1× ceiling time', figures.checks.ceilingTimeRatio, 1, '×'),
  ];
}
