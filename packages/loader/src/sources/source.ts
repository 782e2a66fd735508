import type { Dataset } from '../dataset.js';

/** One source object: where it is (printable, unique), its version tag and size. */
export interface SourceObject {
  dataset: Dataset;
  /** `s3://bucket/key` or a path relative to the local source root, with forward slashes. */
  key: string;
  /** S3's ETag, or size + mtime for a local file: a change makes the object new again. */
  etag: string;
  size: number;
}

/** Where the data comes from: an S3 prefix or a local folder per dataset. */
export interface Source {
  /** A printable description of the locations. */
  readonly description: string;
  /** Every data object of a dataset (`.json` / `.json.gz`), sorted by key; pages through large listings. */
  list(dataset: Dataset): AsyncIterable<SourceObject>;
  /** The object's bytes, decompressed when it is gzip; retried and resumed where the store allows. */
  read(object: SourceObject): AsyncIterable<Buffer>;
  /** How many requests were retried so far (for the summary). */
  readonly retries: number;
}
