import { LoaderError } from '../errors.js';

/** A parsed `s3://bucket/prefix`. */
export interface S3Location {
  bucket: string;
  prefix: string;
}

const BUCKET = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;

/** True for an `s3://` location (anything else is a local folder). */
export function isS3Url(location: string): boolean {
  return /^s3:\/\//i.test(location);
}

/**
 * Parses `s3://bucket/prefix`. A prefix that is a folder gets its trailing slash, so that `log_data` never also
 * matches `log_data_old/` (an S3 prefix is a plain string match, as in Redshift's COPY).
 */
export function parseS3Url(location: string, { folder = true } = {}): S3Location {
  const match = /^s3:\/\/([^/]+)\/?(.*)$/i.exec(location);
  if (!match || !BUCKET.test(match[1]!)) {
    throw new LoaderError('SOURCE_INVALID', `"${location}" is not an S3 location like s3://bucket/prefix/`);
  }
  let prefix = match[2]!;
  if (folder && prefix.length > 0 && !prefix.endsWith('/')) prefix += '/';
  return { bucket: match[1]!, prefix };
}

/** Joins a location and a relative path with exactly one slash. */
export function joinLocation(location: string, path: string): string {
  return `${location.replace(/\/+$/, '')}/${path.replace(/^\/+/, '')}`;
}
