import type { BenchFigures } from './bench-result.js';

/** One target of the performance issues, judged. */
export interface TargetResult {
  target: string;
  measured: number;
  limit: number;
  unit: '×' | 'MB' | 's';
  pass: boolean;
}

/**
 * The targets: staging rate, whole-load time against the COPY ceiling and against the plain-SQL peer, the transform
 * against the star ceiling, the small load, loader memory, the unchanged-source re-run, the check suite.
 */
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
    atLeast('staging throughput ≥ 0.6× ceiling', figures.stage.ceilingRateRatio ?? 0, 0.6, '×'),
    atMost('whole load ≤ 3× ceiling time', figures.wholeLoad.ceilingTimeRatio, 3, '×'),
    atLeast('≥ 3× faster than plain SQL', figures.peerSpeedup, 3, '×'),
    atMost('transform ≤ 1.5× star ceiling', figures.transformToStarCeiling, 1.5, '×'),
    atMost('small load (wall) < 0.5 s', figures.smallLoadSeconds, 0.5, 's'),
    atMost('loader peak RSS ≤ 256 MB', figures.peakRssMb, 256, 'MB'),
    atMost('second load ≤ 1 s', figures.secondLoad.seconds, 1, 's'),
    atMost('checks ≤ 1× ceiling time', figures.checks.ceilingTimeRatio, 1, '×'),
  ];
}
