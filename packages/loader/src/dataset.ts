import { type Dialect, stagingDocuments, stagingEvents, stagingSongs, type Table } from '@sparkify/schema';

/** The two source datasets and where they live below a source root. */
export type Dataset = 'songs' | 'events';

export const datasets: readonly Dataset[] = ['songs', 'events'];

export const datasetFolder: Record<Dataset, string> = { songs: 'song_data/', events: 'log_data/' };

export const stagingTable: Record<Dataset, Table> = { songs: stagingSongs, events: stagingEvents };

/** Every table a load stages a dataset in on a dialect: the typed table, then (Redshift) the raw and the documents. */
export function stagingTablesOf(dataset: Dataset, dialect: Dialect): string[] {
  const { raw, docs } = stagingDocuments[dataset];
  return [stagingTable[dataset].name, ...(dialect === 'redshift' ? [raw] : []), docs];
}

/** An object is data when it is JSON, optionally gzip-compressed; anything else under a prefix is ignored. */
export function isDataKey(key: string): boolean {
  return /\.json(\.gz)?$/i.test(key);
}

/**
 * Whether an object is gzip-compressed, by its name in any case (`.json.GZ` too): the one rule every source and
 * the Redshift COPY (GZIP in its manifest's COPY) follow, so a listed object is never read compressed as JSON.
 */
export function isGzipKey(key: string): boolean {
  return /\.gz$/i.test(key);
}
