import { quoteLiteral, stagingDocuments } from '@sparkify/schema';
import type { Dataset } from '../dataset.js';
import { LoaderError } from '../errors.js';
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

export interface CopyStatementOptions {
  dataset: Dataset;
  manifestUrl: string;
  iamRoleArn: string;
  region?: string;
  /** Bad records tolerated (as --max-errors): the COPY's MAXERROR is one more. */
  maxErrors: number;
  gzip: boolean;
}

const ARN = /^arn:aws[a-z-]*:iam::\d{12}:role\/[\w+=,.@\-/]{1,512}$/;
const REGION = /^[a-z]{2}(-gov|-iso[a-z]?)?-[a-z]+-\d$/;

/**
 * The COPY for one dataset and one manifest, with every literal validated and quoted; no bind parameters. It
 * loads each record whole into the dataset's raw table (one SUPER column, `FORMAT JSON 'noshred'`): typed
 * columns would let COPY refuse a bad value with a vaguer error, or accept one the JSON Schemas refuse, where the
 * validation pass that follows names the field and the rule (https://docs.aws.amazon.com/redshift/latest/dg/copy_json.html).
 * COPY still refuses what is not JSON, with its line number (SYS_LOAD_ERROR_DETAIL).
 */
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
  return [
    `COPY ${stagingDocuments[options.dataset].raw}`,
    `FROM ${sqlLiteral(requireUrl(options.manifestUrl, 'manifestUrl'))}`,
    `IAM_ROLE ${sqlLiteral(options.iamRoleArn)}`,
    `FORMAT AS JSON 'noshred'`,
    'MANIFEST',
    ...(options.region ? [`REGION ${sqlLiteral(options.region)}`] : []),
    ...(options.gzip ? ['GZIP'] : []),
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

/**
 * Read before and after every COPY: pg_last_copy_id() is not updated by a COPY that fails before loading
 * (syntax, IAM role, region, privileges), so an unchanged id means there is no load record of this COPY to read,
 * and reading one anyway would find the previous COPY's (https://docs.aws.amazon.com/redshift/latest/dg/PG_LAST_COPY_ID.html).
 * GETDATE() is the statement's start time on the cluster's clock, the lower bound the SYS views are checked against.
 */
export const copyMarkSql = 'SELECT pg_last_copy_id() AS copy_id, GETDATE() AS at';

const TIMESTAMP = /^\d{4}-\d\d-\d\d[ T]\d\d:\d\d:\d\d(\.\d{1,6})?$/;

function copyIdText(copyId: number | '<copy id>'): string {
  if (copyId === '<copy id>') return copyId;
  if (!Number.isSafeInteger(copyId)) throw new LoaderError('COPY_FAILED', `not a copy id: ${copyId}`);
  return String(copyId);
}

function timestampLiteral(at: string): string {
  if (at === '<before copy>') return `'${at}'`;
  if (!TIMESTAMP.test(at)) throw new LoaderError('COPY_FAILED', `not a cluster timestamp: ${at}`);
  return sqlLiteral(at);
}

/**
 * This COPY's row of SYS_LOAD_HISTORY (provisioned, Serverless and concurrency scaling alike). The SYS_LOAD_DETAIL
 * page keys the SYS views by `query_id = pg_last_copy_id()`, while SYS_QUERY_HISTORY says SYS query ids are not
 * STL query ids; so the row must be this session's COPY into this table that started after the mark taken just
 * before it, and among those the one whose query_id is the copy id when there is one, else the latest: robust to
 * both readings, and a backend pid reused by a later session cannot match an earlier COPY.
 */
export function loadHistorySql(options: {
  copyId: number | '<copy id>';
  table: string;
  startedAfter: string;
}): string {
  const id = copyIdText(options.copyId);
  return `
SELECT query_id, TRIM(table_name) AS table_name, start_time, TRIM(status) AS status, loaded_rows, error_count
FROM sys_load_history
WHERE start_time >= ${timestampLiteral(options.startedAfter)}
  AND TRIM(table_name) IN (${sqlLiteral(options.table)}, ${sqlLiteral(`public.${options.table}`)})
  AND session_id = pg_backend_pid()
ORDER BY CASE WHEN query_id = ${id} THEN 0 ELSE 1 END, start_time DESC
LIMIT 1`;
}

/** The load errors of one COPY, by the SYS query id its SYS_LOAD_HISTORY row gave. */
export function loadErrorDetailSql(queryId: number | '<copy id>'): string {
  return `
SELECT TRIM(file_name) AS object_key, line_number, TRIM(column_name) AS field, error_code,
       TRIM(error_message) AS reason
FROM sys_load_error_detail
WHERE query_id = ${copyIdText(queryId)}
ORDER BY file_name, line_number`;
}

/** Lines each file of one COPY was scanned for, by the SYS query id its SYS_LOAD_HISTORY row gave. */
export function loadDetailSql(queryId: number | '<copy id>'): string {
  return `
SELECT TRIM(file_name) AS object_key, SUM(lines_scanned) AS lines
FROM sys_load_detail
WHERE query_id = ${copyIdText(queryId)}
GROUP BY 1`;
}

/**
 * Hides credentials in a message Redshift sent back about a COPY: key pairs, session tokens and CREDENTIALS
 * strings can be echoed in syntax errors. An IAM role ARN is not a secret and stays.
 */
export function redactCopyMessage(text: string): string {
  return text
    .replace(/(aws_secret_access_key|aws_access_key_id|token)=[^;'\s]*/gi, '$1=***')
    .replace(/(SECRET_ACCESS_KEY|ACCESS_KEY_ID|SESSION_TOKEN)\s+'[^']*'/gi, "$1 '***'");
}
