import { stagingEvents, stagingSongs, type Table } from '@sparkify/schema';

/** The two source datasets and where they live below a source root. */
export type Dataset = 'songs' | 'events';

export const datasets: readonly Dataset[] = ['songs', 'events'];

export const datasetFolder: Record<Dataset, string> = { songs: 'song_data/', events: 'log_data/' };

export const stagingTable: Record<Dataset, Table> = { songs: stagingSongs, events: stagingEvents };

/** An object is data when it is JSON, optionally gzip-compressed; anything else under a prefix is ignored. */
export function isDataKey(key: string): boolean {
  return /\.json(\.gz)?$/i.test(key);
}
