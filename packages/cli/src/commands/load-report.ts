import { LoaderError, type LoadOptions, type LoadProgress, type LoadResult } from '@sparkify/loader';
import { alertMessage, type WebhookMessage } from '@sparkify/quality';

const number = (value: number) => value.toLocaleString('en-US');
const megabytes = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;

/** One progress line for a terminal (rewritten in place with \r). */
export function formatProgress(progress: LoadProgress, startedAt: number): string {
  if (progress.stage === 'list') return `listing… ${number(progress.objects)} objects`;
  if (progress.stage === 'transform') return 'transforming into the star schema…';
  const elapsed = Math.max(0.001, (performance.now() - startedAt) / 1000);
  return (
    `staging ${number(progress.objectsDone)}/${number(progress.objectsTotal)} objects, ` +
    `${number(progress.records)} records, ${(progress.bytes / 1024 / 1024 / elapsed).toFixed(1)} MB/s`
  );
}

function row(cells: string[], widths: number[]): string {
  return cells
    .map((cell, index) => (index === 0 ? cell.padEnd(widths[index]!) : cell.padStart(widths[index]!)))
    .join('  ');
}

/** The human summary of a load: per stage objects, records, rejects and seconds, then what changed. */
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
  const widths = [10, 9, 12, 10, 8];
  lines.push(row(['stage', 'objects', 'records', 'rejected', 'seconds'], widths));
  lines.push(row(['list', number(list.objects), '-', '-', list.seconds.toFixed(2)], widths));
  const rate = stage.seconds > 0 ? ` ${(stage.bytes / 1024 / 1024 / stage.seconds).toFixed(1)} MB/s` : '';
  lines.push(
    row(
      [
        'stage',
        number(result.plan.toLoad),
        number(stage.records),
        number(stage.rejected),
        stage.seconds.toFixed(2),
      ],
      widths,
    ) + `  ${megabytes(stage.bytes)}${rate}`,
  );
  if (result.status !== 'failed') {
    lines.push(row(['transform', '-', number(stage.staged), '-', transform.seconds.toFixed(2)], widths));
    const signed = (value: number) => (value < 0 ? `−${number(-value)}` : `+${number(value)}`);
    lines.push(
      `songplays ${signed(transform.songplaysAdded)} (${number(transform.nextsongStaged)} NextSong staged` +
        `${transform.songplaysRematched ? `, ${number(transform.songplaysRematched)} re-matched` : ''})` +
        ` · users ${number(transform.usersWritten)} written · songs ${signed(transform.songsAdded)}` +
        ` · artists ${number(transform.artistsWritten)} written · time ${signed(transform.timeAdded)}`,
    );
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
  }
  return lines.join('\n');
}

/** The alert for a failed load: where from, where to, and what went wrong (the first lines of the error). */
export function loadAlert(
  warehouseLabel: string,
  settings: Pick<LoadOptions, 'source'>,
  outcome: LoadResult | unknown,
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
