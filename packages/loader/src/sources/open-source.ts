import type { S3Client } from '@aws-sdk/client-s3';
import { resolve } from 'node:path';
import type { Dataset } from '../dataset.js';
import { datasetFolder } from '../dataset.js';
import { LoaderError } from '../errors.js';
import { localSource } from './local-source.js';
import { isS3Url, joinLocation } from './s3-location.js';
import { s3Source } from './s3-source.js';
import type { Source } from './source.js';

/** Where to load from: one root with song_data/ and log_data/ below it, or one location per dataset. */
export interface SourceSpec {
  source?: string;
  songData?: string;
  logData?: string;
}

/** The location of each dataset, from a root or from the two explicit locations. */
export function datasetLocations(spec: SourceSpec): Record<Dataset, string> {
  if (spec.songData && spec.logData) return { songs: spec.songData, events: spec.logData };
  if (spec.source) {
    return {
      songs: spec.songData ?? joinLocation(spec.source, datasetFolder.songs),
      events: spec.logData ?? joinLocation(spec.source, datasetFolder.events),
    };
  }
  throw new LoaderError(
    'SOURCE_INVALID',
    'No source: pass --source <s3://bucket/prefix | folder> (holding song_data/ and log_data/), or both song and log locations',
  );
}

/** Builds the Source for a spec; S3 locations need the caller's S3 client. */
export function openSource(spec: SourceSpec, s3Client?: S3Client): Source {
  const locations = datasetLocations(spec);
  const remote = [isS3Url(locations.songs), isS3Url(locations.events)];
  if (remote[0] !== remote[1]) {
    throw new LoaderError('SOURCE_INVALID', 'Song and log data must both be on S3 or both be local folders');
  }
  if (remote[0]) {
    if (!s3Client) throw new LoaderError('SOURCE_INVALID', 'An S3 source needs an S3 client');
    return s3Source({ client: s3Client, locations });
  }
  const root = resolve(spec.source ?? '.');
  return localSource({ songs: resolve(locations.songs), events: resolve(locations.events) }, root);
}
