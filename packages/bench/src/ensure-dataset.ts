import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { folderSink, generateDataset, type GenerateProgress } from '@sparkify/generator';
import type { BenchSize } from './bench-size.js';

/** A generated dataset in the cache, and what the generator said about it. */
export interface CachedDataset {
  /** The source root: song_data/ and log_data/ below it. */
  folder: string;
  options: { events: number; songs: number; days: number; seed: number; startDate?: string };
  songFiles: number;
  logFiles: number;
  logKeys: string[];
  /** Bytes of source JSON, songs and logs. */
  bytes: number;
  events: number;
  nextSongEvents: number;
  matchedPlays: number;
  users: number;
  /** Seconds the generation took, or null when the cache already held the dataset. */
  generateSeconds: number | null;
}

const markerName = 'dataset.json';

/**
 * Returns the dataset for a size and seed, generating it into `folder` first unless a complete one is there.
 * The marker file is written last, so an interrupted generation is redone rather than measured.
 */
export async function ensureDataset(
  folder: string,
  size: BenchSize,
  seed: number,
  onProgress?: (progress: GenerateProgress) => void,
  startDate?: string,
): Promise<CachedDataset> {
  const options = {
    events: size.events,
    songs: size.songs,
    days: size.days,
    seed,
    ...(startDate === undefined ? {} : { startDate }),
  };
  const marker = join(folder, markerName);
  if (existsSync(marker)) {
    const cached = JSON.parse(readFileSync(marker, 'utf8')) as CachedDataset;
    if (JSON.stringify(cached.options) === JSON.stringify(options)) {
      return { ...cached, folder, generateSeconds: null };
    }
  }
  rmSync(folder, { recursive: true, force: true });
  const began = performance.now();
  const summary = await generateDataset(options, folderSink(folder), onProgress);
  const dataset: CachedDataset = {
    folder,
    options,
    songFiles: summary.songFiles,
    logFiles: summary.logFiles,
    logKeys: summary.logKeys,
    bytes: summary.bytes,
    events: summary.events,
    nextSongEvents: summary.nextSongEvents,
    matchedPlays: summary.matchedPlays,
    users: summary.users,
    generateSeconds: (performance.now() - began) / 1000,
  };
  writeFileSync(marker, `${JSON.stringify(dataset, null, 2)}\n`);
  return dataset;
}
