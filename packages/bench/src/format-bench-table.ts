import type { BenchReport, StageFigure } from './bench-result.js';
import type { TargetResult } from './judge-targets.js';

const whole = (value: number) => Math.round(value).toLocaleString('en-US');
const fixed = (value: number, digits: number) => value.toFixed(digits);

function row(cells: readonly string[], widths: readonly number[]): string {
  return cells
    .map((cell, index) => (index === 0 ? cell.padEnd(widths[index]!) : cell.padStart(widths[index]!)))
    .join('  ')
    .trimEnd();
}

function stageCells(figure: StageFigure): string[] {
  return [
    figure.stage,
    fixed(figure.seconds, 2),
    figure.recordsPerSecond === null ? '' : whole(figure.recordsPerSecond),
    figure.mbPerSecond === null ? '' : fixed(figure.mbPerSecond, 1),
    `${fixed(figure.ceilingTimeRatio, 2)}×`,
    figure.ceilingRateRatio === null ? '' : `${fixed(figure.ceilingRateRatio, 2)}×`,
  ];
}

function measuredText(target: TargetResult, value: number): string {
  if (target.unit === '×') return `${fixed(value, 2)}×`;
  if (target.unit === 'MB') return `${whole(value)} MB`;
  return `${fixed(value, 2)} s`;
}

/** The benchmark's report for a terminal: what ran where, each stage against the ceiling, and each target. */
export function formatBenchTable(report: BenchReport): string {
  const { dataset, figures, machine } = report;
  const lines: string[] = [];
  lines.push(
    `Sparkify benchmark, size ${report.size} (seed ${report.seed}): ${whole(dataset.events)} events in ${dataset.logFiles} log files, ` +
      `${whole(dataset.songs)} song files, ${fixed(dataset.sourceBytes / 1e6, 0)} MB of JSON`,
  );
  lines.push(
    `${machine.cpu}, ${machine.cores} cores, ${fixed(machine.memoryGiB, 1)} GiB, Node ${machine.node}, ` +
      `PostgreSQL ${report.postgres.settings.server_version ?? report.postgres.version} (embedded, default durability); ` +
      `load average ${fixed(machine.loadAverage, 2)} at the start`,
  );
  if (machine.loadAverage > machine.cores) {
    lines.push(
      `warning: the machine was busy (load average ${fixed(machine.loadAverage, 2)} on ${machine.cores} cores): ` +
        'every figure is pessimistic; rerun on a quiet machine for the README',
    );
  }
  lines.push(
    `code: ${report.code.commit}, loader ${report.code.loader}${report.code.loaderChanges ? ' WITH UNCOMMITTED CHANGES' : ''}` +
      (report.loaderWorkers === null ? '' : `, --workers ${report.loaderWorkers}`),
  );
  lines.push('');
  const widths = [22, 8, 11, 7, 11, 11];
  lines.push(row(['stage', 'seconds', 'records/s', 'MB/s', 'time/ceil', 'rate/ceil'], widths));
  lines.push(
    row(
      widths.map((width) => '-'.repeat(width)),
      widths,
    ),
  );
  for (const figure of figures.stages) lines.push(row(stageCells(figure), widths));
  lines.push('');
  const load = report.measurements.firstLoad;
  lines.push(
    `loader: peak RSS ${whole(figures.peakRssMb)} MB, ${fixed(load.cpuSeconds, 1)} s CPU in ${fixed(load.loadSeconds, 1)} s ` +
      `(${fixed(figures.loaderCores, 2)} cores busy), ${whole(load.stage.records)} records (${whole(load.stage.rejected)} rejected), ` +
      `${whole(load.transform.songplaysAdded)} songplays; process wall ${fixed(load.wallSeconds, 2)} s`,
  );
  lines.push(
    `ceiling: ${whole(figures.ceiling.records)} rows, ${fixed(figures.ceiling.copyMbPerSecond, 1)} MB/s of COPY text; ` +
      `fastest of ${report.measurements.ceilingRuns.length} runs (${report.measurements.ceilingRuns.map((run) => fixed(run.seconds, 2)).join(', ')} s)`,
  );
  const { starCeiling, peer, smallLoadRuns, warmUp } = report.measurements;
  if (warmUp)
    lines.push(
      `source read once before the load, untimed: ${whole(warmUp.files)} files, ${fixed(warmUp.bytes / 1e6, 0)} MB in ${fixed(warmUp.seconds, 2)} s`,
    );
  lines.push(
    `star ceiling: ${whole(starCeiling.rows)} final star rows COPYed into empty tables with the same keys in ` +
      `${fixed(starCeiling.seconds, 2)} s; transform ${fixed(load.transform.seconds, 2)} s = ${fixed(figures.transformToStarCeiling, 2)}× that`,
  );
  lines.push(
    `plain-SQL peer (\\copy raw lines + INSERT … SELECT): ${fixed(peer.seconds, 2)} s (${fixed(peer.copySeconds, 2)} s of it \\copy), ` +
      `${whole(peer.songplays)} songplays, ${whole(peer.users)} users; the load is ${fixed(figures.peerSpeedup, 2)}× faster`,
  );
  lines.push(
    `small load (sparkify load of a real-sample-sized source, process start to exit): median ${fixed(figures.smallLoadSeconds, 2)} s ` +
      `of ${smallLoadRuns.length} runs (${smallLoadRuns.map((run) => fixed(run, 2)).join(', ')} s)`,
  );
  const checks = report.measurements.checks;
  lines.push(
    `checks: ${checks.checks} checks, ${checks.failed} failed, ${checks.warned} warned, ${checks.errored} errored; ` +
      `second load: ${report.measurements.secondLoad.status}, load() ${fixed(report.measurements.secondLoad.loadSeconds, 2)} s`,
  );
  const serverLog = report.firstLoadServerLog;
  if (serverLog.slowStatements.length > 0 || serverLog.checkpoints.length > 0) {
    lines.push('');
    lines.push(
      `the load's slowest statements (server time)${serverLog.checkpoints.length > 0 ? `; checkpoints during the load: ${serverLog.checkpoints.join(', ')}` : ''}:`,
    );
    for (const slow of serverLog.slowStatements.slice(0, 8)) {
      lines.push(`${fixed(slow.ms / 1000, 2).padStart(7)} s  ${slow.statement.slice(0, 100)}`);
    }
  }
  lines.push('');
  const targetWidths = [34, 9, 7, 6];
  lines.push(row(['target', 'measured', 'limit', 'result'], targetWidths));
  lines.push(
    row(
      targetWidths.map((width) => '-'.repeat(width)),
      targetWidths,
    ),
  );
  for (const target of report.targets) {
    lines.push(
      row(
        [
          target.target,
          measuredText(target, target.measured),
          measuredText(target, target.limit),
          target.pass ? 'PASS' : 'FAIL',
        ],
        targetWidths,
      ),
    );
  }
  const failed = report.targets.filter((target) => !target.pass).length;
  lines.push('');
  lines.push(
    failed === 0 ? 'all targets met' : `FAIL: ${failed} of ${report.targets.length} targets not met`,
  );
  return lines.join('\n');
}
