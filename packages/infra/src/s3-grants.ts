import { InfraError } from './errors.js';

/** What the COPY role may read: a prefix (everything below it) or one object. */
export interface CopyRead {
  bucket: string;
  /** The key prefix ('' for the whole bucket) or, for an object, its key. */
  key: string;
  kind: 'prefix' | 'object';
  /** Why the role reads it ("song data", "manifests"), for the plan summary. */
  purpose: string;
}

/** The S3 locations the loader's settings name; each optional, local folders are left out by the caller. */
export interface CopyLocations {
  songData?: string;
  logData?: string;
  /** Where the loader writes its manifests. */
  manifestPrefix?: string;
}

const BUCKET = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;

/**
 * Parses `s3://bucket/key`. A prefix gets its trailing slash (as the loader does), so that `log_data` does not
 * also grant `log_data_old/`: an S3 prefix, in a policy as in a listing, is a plain string match.
 */
export function parseCopyRead(url: string, kind: CopyRead['kind'], purpose: string): CopyRead {
  const match = /^s3:\/\/([^/]+)\/?(.*)$/i.exec(url);
  if (!match || !BUCKET.test(match[1]!)) {
    throw new InfraError(
      'SETTINGS_INVALID',
      `${purpose}: "${url}" is not an S3 location like s3://bucket/prefix/`,
    );
  }
  let key = match[2]!;
  // Policy resources treat * and ? as wildcards; a location holding them would grant more than it names.
  if (/[*?]/.test(key)) {
    throw new InfraError(
      'SETTINGS_INVALID',
      `${purpose}: "${url}" holds a wildcard (* or ?); name a plain prefix`,
    );
  }
  if (kind === 'object' && (key === '' || key.endsWith('/'))) {
    throw new InfraError('SETTINGS_INVALID', `${purpose}: "${url}" names a folder, expected an object`);
  }
  if (kind === 'prefix' && key !== '' && !key.endsWith('/')) key += '/';
  return { bucket: match[1]!, key, kind, purpose };
}

/** The reads COPY needs for a loader configuration: song and log data and the manifests. */
export function copyReadsFor(locations: CopyLocations): CopyRead[] {
  const reads: CopyRead[] = [];
  if (locations.songData) reads.push(parseCopyRead(locations.songData, 'prefix', 'song data'));
  if (locations.logData) reads.push(parseCopyRead(locations.logData, 'prefix', 'log data'));
  if (locations.manifestPrefix) reads.push(parseCopyRead(locations.manifestPrefix, 'prefix', 'manifests'));
  return reads;
}

/** One IAM policy statement, in CloudFormation's JSON shape. */
export interface PolicyStatementJson {
  Sid: string;
  Effect: 'Allow';
  Action: string | string[];
  Resource: string | string[];
  Condition?: Record<string, Record<string, string[]>>;
}

function objectArn(read: CopyRead): string {
  return read.kind === 'object'
    ? `arn:aws:s3:::${read.bucket}/${read.key}`
    : `arn:aws:s3:::${read.bucket}/${read.key}*`;
}

/**
 * The least-privilege statements of the COPY role: s3:GetObject on exactly the configured prefixes and objects,
 * s3:ListBucket on their buckets only for those prefixes (an `s3:prefix` condition), and kms:Decrypt on the
 * source key when one is given. Nothing else: no s3:*, no Resource "*".
 */
export function copyRoleStatements(reads: readonly CopyRead[], kmsKeyArn?: string): PolicyStatementJson[] {
  if (reads.length === 0) return [];
  const statements: PolicyStatementJson[] = [
    {
      Sid: 'ReadConfiguredObjects',
      Effect: 'Allow',
      Action: 's3:GetObject',
      Resource: [...new Set(reads.map(objectArn))],
    },
  ];
  const buckets = [...new Set(reads.map((read) => read.bucket))];
  buckets.forEach((bucket, index) => {
    const prefixes = reads.filter((read) => read.bucket === bucket);
    const wholeBucket = prefixes.some((read) => read.kind === 'prefix' && read.key === '');
    const statement: PolicyStatementJson = {
      Sid: `ListConfiguredPrefixes${index + 1}`,
      Effect: 'Allow',
      Action: 's3:ListBucket',
      Resource: `arn:aws:s3:::${bucket}`,
    };
    if (!wholeBucket) {
      const values = prefixes.flatMap((read) =>
        read.kind === 'prefix' ? [read.key, `${read.key}*`] : [read.key],
      );
      statement.Condition = { StringLike: { 's3:prefix': [...new Set(values)] } };
    }
    statements.push(statement);
  });
  if (kmsKeyArn) {
    statements.push({
      Sid: 'DecryptSourceObjects',
      Effect: 'Allow',
      Action: 'kms:Decrypt',
      Resource: kmsKeyArn,
    });
  }
  return statements;
}
