import { LoaderError, type LoadOptions, type LoadProgress, type LoadResult } from '@sparkify/loader';
import { alertMessage, type WebhookMessage } from '@sparkify/quality';

/**
 * A count with thousands separators (12,345), as toLocaleString('en-US') writes a whole number, without its first
 * call loading ICU's locale data (40 ms of every load's summary).
 */
const number = (value: number) =>
  Number.isInteger(value) ? String(value).replace(/\B(?=(\d{3})+$)/g, ',') : value.toLocaleString('en-US');
const megabytes = (bytes: number, unit = true) => `${(bytes / 1024 / 1024).toFixed(1)}${unit ? ' MB' : ''}`;

const seconds = (value: number) =>
  value < 60
    ? `${value.toFixed(1)} s`
    : `${Math.floor(value / 60)} min ${String(Math.round(value % 60)).padStart(2, '0')} s`;

/** A bar of `width` cells filled to `share` (0..1). */
export function progressBar(share: number, width = 20): string {
  const filled = Math.round(Math.min(1, Math.max(0, share)) * width);
  return `${'█'.repeat(filled)}${'░'.repeat(width - filled)}`;
}

/**
 * One progress line (rewritten in place with \r on a terminal): while staging a bar by bytes (song files are
 * many and tiny, so a count of objects says little about the time left) with the percentage, rate, elapsed time
 * and ETA; while transforming the current step with its running timer. `elapsed` counts from the load's start,
 * `stepElapsed` from the step's.
 */
export function formatProgress(progress: LoadProgress, elapsed: number, stepElapsed = elapsed): string {
  if (progress.stage === 'list') return `listing… ${number(progress.objects)} objects, ${seconds(elapsed)}`;
  if (progress.stage === 'transform') {
    const step =
      progress.step === 'starting'
        ? 'starting'
        : progress.step === 'ledger'
          ? 'writing the ledger'
          : progress.step;
    return `transforming into the star schema: ${step}, ${seconds(stepElapsed)} (load ${seconds(elapsed)})`;
  }
  const total = Math.max(progress.bytesTotal, progress.bytes);
  const share =
    total > 0 ? progress.bytes / total : progress.objectsDone / Math.max(1, progress.objectsTotal);
  const rate = stepElapsed > 0 ? progress.bytes / stepElapsed : 0;
  const eta =
    rate > 0 && total > progress.bytes
      ? seconds((total - progress.bytes) / rate)
      : share >= 1
        ? '0.0 s'
        : '?';
  return (
    `staging ${progressBar(share)} ${String(Math.floor(share * 100)).padStart(3)}%  ` +
    `${megabytes(progress.bytes, false)}/${megabytes(total)}  ${megabytes(rate)}/s  ` +
    `elapsed ${seconds(stepElapsed)}  ETA ${eta}  ·  ` +
    `${number(progress.objectsDone)}/${number(progress.objectsTotal)} objects, ${number(progress.records)} records`
  );
}

function row(cells: string[], widths: number[]): string {
  return cells
    .map((cell, index) => (index === 0 ? cell.padEnd(widths[index]!) : cell.padStart(widths[index]!)))
    .join('  ');
}

/** A signed change: +5, −3 (a real minus sign), 0. */
const signed = (value: number) => (value < 0 ? `−${number(-value)}` : value > 0 ? `+${number(value)}` : '0');

/** The human summary of a load: per stage objects, records, rejects, seconds and MB, then each table before → after. */
export function formatLoadSummary(result: LoadResult, warehouseLabel: string): string {
  const { list, stage, transform } = result.stages;
  const lines: string[] = [];
  const run = result.runId === null ? '' : ` (run ${result.runId})`;
  if (result.status === 'nothing-new') {
    lines.push(
      `Nothing new in ${result.source}: ${number(result.plan.skipped)} objects already loaded${run}.`,
    );
    return lines.join('\n');
  }
  const verb = result.status === 'failed' ? 'Load FAILED' : 'Loaded';
  lines.push(`${verb}: ${result.source} → ${warehouseLabel}${run}`);
  const widths = [10, 9, 12, 9, 8, 9, 7];
  lines.push(row(['stage', 'objects', 'records', 'rejected', 'seconds', 'MB', 'MB/s'], widths));
  lines.push(row(['list', number(list.objects), '-', '-', list.seconds.toFixed(2), '-', '-'], widths));
  lines.push(
    row(
      [
        'stage',
        number(result.plan.toLoad),
        number(stage.records),
        number(stage.rejected),
        stage.seconds.toFixed(2),
        megabytes(stage.bytes, false),
        stage.seconds > 0 ? megabytes(stage.bytes / stage.seconds, false) : '-',
      ],
      widths,
    ),
  );
  if (result.status !== 'failed') {
    lines.push(
      row(['transform', '-', number(stage.staged), '-', transform.seconds.toFixed(2), '-', '-'], widths),
    );
    if (transform.tables.length > 0) {
      const tableWidths = [10, 12, 12, 10];
      lines.push('', row(['table', 'before', 'after', 'change'], tableWidths));
      for (const { table, before, after } of transform.tables) {
        lines.push(row([table, number(before), number(after), signed(after - before)], tableWidths));
      }
    }
    const detail = [
      `${number(transform.nextsongStaged)} NextSong staged`,
      ...(transform.songplaysRematched
        ? [`${number(transform.songplaysRematched)} songplays re-matched`]
        : []),
      `${number(transform.usersWritten)} users written`,
      `${number(transform.artistsWritten)} artists written`,
    ];
    lines.push(detail.join(' · '));
    if (transform.nextsongStaged > 0) {
      // Every staged NextSong event is exactly one of these (ledger_nextsong_outcomes checks it).
      lines.push(
        `NextSong events: ${number(transform.nextsongNew)} new · ${number(transform.nextsongUnchanged)} ` +
          `re-delivered unchanged · ${number(transform.nextsongReplaced)} replaced by a corrected file · ` +
          `${number(transform.nextsongConflicting)} conflicting` +
          (transform.nextsongConflicting > 0
            ? ' (the object with the greatest key wins; the others are kept in etl_play_alternates)'
            : ''),
      );
    }
    if (transform.songplaysRemoved > 0)
      lines.push(
        `${number(transform.songplaysRemoved)} songplays taken back from the earlier versions of corrected files.`,
      );
    if (result.plan.skipped > 0)
      lines.push(`${number(result.plan.skipped)} objects skipped (already loaded).`);
    if (stage.rejected > 0)
      lines.push(`${number(stage.rejected)} bad records quarantined in etl_rejects (run ${result.runId}).`);
  }
  lines.push(...formatUnknownKeys(result));
  if (result.retries > 0) lines.push(`${number(result.retries)} S3 requests were retried.`);
  return lines.join('\n');
}

/**
 * The keys this load met that the format does not know (schema drift): new ones first, each with where it was
 * first seen and how many records carried it, so a renamed or added field is noticed the day it arrives.
 */
export function formatUnknownKeys(result: LoadResult): string[] {
  if (result.unknownKeys.length === 0) return [];
  const keys = [...result.unknownKeys].sort((a, b) => Number(b.new) - Number(a.new));
  const fresh = keys.filter((key) => key.new).length;
  const lines = [
    `${number(keys.length)} JSON key${keys.length === 1 ? '' : 's'} not in the format` +
      `${fresh > 0 ? ` (${number(fresh)} new)` : ''}: ignored (--strict-keys makes them bad records)`,
  ];
  for (const key of keys.slice(0, 20)) {
    lines.push(
      `  ${key.new ? 'NEW ' : ''}${key.dataset}.${key.name}: ${number(key.records)} record${key.records === 1 ? '' : 's'}, ` +
        `first in ${key.objectKey} line ${key.line}`,
    );
  }
  if (keys.length > 20)
    lines.push(`  … ${number(keys.length - 20)} more (etl_unknown_keys, run ${result.runId})`);
  return lines;
}

/** The --dry-run plan: objects to load and to skip, and for redshift the exact SQL and manifests. */
export function formatDryRun(result: LoadResult, showAll: boolean): string {
  const plan = result.dryRun;
  if (!plan) return '';
  const lines = [`Dry run: ${result.source} (${result.target}); nothing will be changed.`];
  const list = (title: string, keys: string[]) => {
    lines.push(`${title}: ${number(keys.length)}`);
    const shown = showAll ? keys : keys.slice(0, 20);
    for (const key of shown) lines.push(`  ${key}`);
    if (shown.length < keys.length)
      lines.push(`  … ${number(keys.length - shown.length)} more (--verbose lists all)`);
  };
  list(
    'to load',
    plan.toLoad.map((object) => object.key),
  );
  list(
    'to skip (already loaded)',
    plan.skipped.map((object) => object.key),
  );
  if (plan.redshift) {
    lines.push('', '-- objects written to S3 before the COPY:');
    for (const upload of plan.redshift.uploads) lines.push(`-- ${upload.url}`, upload.body.trimEnd());
    lines.push('', '-- statements (run-<id> is the run id the ledger assigns):');
    for (const statement of plan.redshift.statements) lines.push(`${statement.sql};`);
    lines.push(
      '',
      '-- then the transform, in one transaction with the ledger writes (as planned for these objects;',
      '-- the re-matching of earlier plays runs only when songplays already holds rows):',
    );
    let step = '';
    for (const statement of plan.transform) {
      if (statement.step !== step) {
        step = statement.step;
        lines.push(`-- ${step}`);
      }
      lines.push(`${statement.sql.trim()};`);
      if (statement.fillsLoadObjects)
        lines.push(
          "-- INSERT INTO load_objects (object_id, dataset) VALUES (<object id>, 'songs'|'events'), …;",
        );
    }
  }
  return lines.join('\n');
}

/**
 * The alert for a failed load: where from, where to, and what went wrong (the first lines of the error).
 * `outcome` is the failed run's LoadResult, or whatever the load threw.
 */
export function loadAlert(
  warehouseLabel: string,
  settings: Pick<LoadOptions, 'source'>,
  outcome: unknown,
): WebhookMessage {
  const result = outcome as Partial<LoadResult>;
  const isResult = typeof result === 'object' && result !== null && 'stages' in result;
  const source =
    (isResult ? result.source : undefined) ??
    settings.source.source ??
    [settings.source.songData, settings.source.logData].filter(Boolean).join(' + ');
  const code = isResult ? result.error?.code : outcome instanceof LoaderError ? outcome.code : 'ERROR';
  const message = isResult ? (result.error?.message ?? 'failed') : (outcome as Error).message;
  const run = isResult && result.runId !== null && result.runId !== undefined ? ` (run ${result.runId})` : '';
  return alertMessage(`sparkify load FAILED on ${warehouseLabel}`, [
    `source ${source}${run}`,
    `*${code ?? 'ERROR'}*: ${message.split('\n').slice(0, 12).join('\n')}`,
  ]);
}
