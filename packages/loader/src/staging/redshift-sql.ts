import { quoteLiteral, stagingEvents, stagingSongs } from '@sparkify/schema';
import type { Dataset } from '../dataset.js';
import { LoaderError } from '../errors.js';
import { copyColumns } from '../records/encode-record.js';
import type { SourceObject } from '../sources/source.js';

/**
 * Quotes a string as a literal for COPY (which cannot take bind parameters), with the one rule every package
 * shares (`quoteLiteral` of `@sparkify/schema`); only validated, loader-made values reach it, and a backslash or
 * control character is a CONFIG_INVALID rather than a guess.
 */
export function sqlLiteral(value: string): string {
  return quoteLiteral(value, (problem) => new LoaderError('CONFIG_INVALID', problem));
}

/** A Redshift COPY manifest naming exactly the planned objects, each mandatory (a missing one fails the COPY). */
export function buildManifest(objects: readonly SourceObject[]): string {
  return `${JSON.stringify({ entries: objects.map((object) => ({ url: object.key, mandatory: true })) }, null, 2)}\n`;
}

/** The JSONPaths file for events, generated from the catalog: element i feeds COPY column i. */
export function buildEventsJsonPaths(): string {
  const paths = stagingEvents.columns
    .filter((column) => column.jsonKey !== undefined)
    .map((column) => `$['${column.jsonKey}']`);
  return `${JSON.stringify({ jsonpaths: paths }, null, 2)}\n`;
}

export interface CopyStatementOptions {
  dataset: Dataset;
  manifestUrl: string;
  /** Events: the JSONPaths file's URL; songs use 'auto' (their keys are already the column names). */
  jsonPathsUrl?: string;
  iamRoleArn: string;
  region?: string;
  /** Bad records tolerated (as --max-errors): the COPY's MAXERROR is one more. */
  maxErrors: number;
  gzip: boolean;
}

const ARN = /^arn:aws[a-z-]*:iam::\d{12}:role\/[\w+=,.@\-/]{1,512}$/;
const REGION = /^[a-z]{2}(-gov|-iso[a-z]?)?-[a-z]+-\d$/;

/** The COPY for one dataset and one manifest, with every literal validated and quoted; no bind parameters. */
export function buildCopyStatement(options: CopyStatementOptions): string {
  if (!ARN.test(options.iamRoleArn)) {
    throw new LoaderError(
      'CONFIG_INVALID',
      'iamRoleArn: expected an IAM role ARN like arn:aws:iam::123456789012:role/name',
    );
  }
  if (options.region !== undefined && !REGION.test(options.region)) {
    throw new LoaderError('CONFIG_INVALID', 'region: expected an AWS region like us-west-2');
  }
  if (!Number.isInteger(options.maxErrors) || options.maxErrors < 0 || options.maxErrors > 99_999) {
    throw new LoaderError('CONFIG_INVALID', 'maxErrors: expected a whole number from 0 to 99999 on Redshift');
  }
  const table = options.dataset === 'events' ? stagingEvents.name : stagingSongs.name;
  const format =
    options.dataset === 'events' ? sqlLiteral(requireUrl(options.jsonPathsUrl, 'jsonPathsUrl')) : `'auto'`;
  return [
    `COPY ${table} (${copyColumns(options.dataset).join(', ')})`,
    `FROM ${sqlLiteral(requireUrl(options.manifestUrl, 'manifestUrl'))}`,
    `IAM_ROLE ${sqlLiteral(options.iamRoleArn)}`,
    `FORMAT AS JSON ${format}`,
    'MANIFEST',
    ...(options.region ? [`REGION ${sqlLiteral(options.region)}`] : []),
    ...(options.gzip ? ['GZIP'] : []),
    `TIMEFORMAT 'epochmillisecs'`,
    'COMPUPDATE OFF',
    'STATUPDATE OFF',
    // Redshift fails a COPY once the error count reaches MAXERROR: tolerating n bad records takes n + 1.
    `MAXERROR ${Math.min(options.maxErrors + 1, 100_000)}`,
  ].join('\n');
}

function requireUrl(url: string | undefined, name: string): string {
  if (!url || !/^s3:\/\/[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]\/./.test(url)) {
    throw new LoaderError('CONFIG_INVALID', `${name}: expected an s3://bucket/key URL`);
  }
  return url;
}

/** Rows loaded by the last COPY of this session (read only after it succeeded). */
export const lastCopyCountSql = 'SELECT pg_last_copy_count() AS loaded';

/** Load errors of the last COPY on a provisioned cluster. */
export const loadErrorsSql = `
SELECT TRIM(filename) AS object_key, line_number, TRIM(colname) AS field, err_code,
       TRIM(err_reason) AS reason, TRIM(raw_line) AS raw
FROM stl_load_errors
WHERE query = pg_last_copy_id()
ORDER BY starttime, line_number`;

/** Load errors of the last COPY on Redshift Serverless (STL views are provisioned-only). */
export const serverlessLoadErrorsSql = `
SELECT TRIM(file_name) AS object_key, line_number, TRIM(column_name) AS field, error_code AS err_code,
       TRIM(error_message) AS reason, '' AS raw
FROM sys_load_error_detail
WHERE query_id = (SELECT MAX(query_id) FROM sys_load_history WHERE session_id = pg_backend_pid())
ORDER BY start_time, line_number`;

/** Lines each file of the last COPY contributed (provisioned clusters). */
export const loadCommitsSql = `
SELECT TRIM(filename) AS object_key, SUM(lines_scanned) AS lines
FROM stl_load_commits
WHERE query = pg_last_copy_id()
GROUP BY 1`;
