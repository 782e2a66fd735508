import type { Writable } from 'node:stream';

/** Where a dataset goes: a folder or an S3 prefix. Keys are relative (`song_data/A/B/C/TR….json`). */
export interface DatasetSink {
  /** Where the objects land, for messages: a folder path or `s3://bucket/prefix`. */
  readonly location: string;
  /**
   * Stores one small object. Resolves as soon as the sink can take another (writes overlap up to its
   * concurrency); a failure surfaces from a later call or from `flush`.
   */
  putObject(key: string, body: Buffer): Promise<void>;
  /** A stream that stores one large object; the object is complete once the stream emits 'finish'. */
  openStream(key: string): Writable;
  /** Waits for every pending write; rejects with the first failure. */
  flush(): Promise<void>;
}
