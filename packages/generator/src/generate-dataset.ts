import { once } from 'node:events';
import type { Writable } from 'node:stream';
import { finished } from 'node:stream/promises';
import { createGzip } from 'node:zlib';
import type { DatasetSink } from './dataset-sink.js';
import { EventSimulator } from './event-simulator.js';
import {
  resolveGenerateOptions,
  type GenerateOptions,
  type ResolvedGenerateOptions,
} from './generate-options.js';
import { ListeningTally } from './listening-tally.js';
import { LogTally, type LogTruth } from './log-tally.js';
import { planDays } from './plan-days.js';
import { createPlayPool } from './play-pool.js';
import { Prng } from './prng.js';
import { createSongCatalog } from './song-catalog.js';
import { songFileKey, songFileText } from './song-file.js';
import { createUserRoster } from './user-roster.js';

/**
 * What was written, and the ground truth a loader's result must equal. Log counts describe valid events only;
 * planted defects are counted and located apart.
 */
export interface GenerateSummary extends LogTruth {
  options: ResolvedGenerateOptions;
  /** Where the dataset went. */
  location: string;
  songFiles: number;
  logFiles: number;
  /** Keys of the log files, in day order. */
  logKeys: string[];
  /** Bytes stored (log files after compression when gzip is on). */
  bytes: number;
  /** Song objects = distinct song_id. */
  songs: number;
  /** Distinct artist_id among the songs. */
  artists: number;
  /** Songs that repeat another song's title + artist + duration under a different song_id. */
  duplicateSongs: number;
}

/** Progress of a run: `done` of `total` song files or log events. */
export interface GenerateProgress {
  phase: 'songs' | 'logs';
  done: number;
  total: number;
}

/** Bytes per write: large enough to amortise stream overhead, small enough to keep memory flat. */
const chunkBytes = 1 << 20;
const songProgressEvery = 1000;

/**
 * Writes a whole Sparkify dataset (song files, then one log file per day) into a sink and returns its summary.
 * Same options and seed, same bytes. Memory does not grow with the event count: each day's file is produced
 * chunk by chunk and written with backpressure, and song files are produced one at a time.
 */
export async function generateDataset(
  options: GenerateOptions,
  sink: DatasetSink,
  onProgress?: (progress: GenerateProgress) => void,
): Promise<GenerateSummary> {
  const resolved = resolveGenerateOptions(options);
  const { seed } = resolved;
  let bytes = 0;

  const catalog = createSongCatalog(seed, resolved.songs, resolved.prettyShare);
  const artistSeen = new Uint8Array(catalog.artistCount);
  let artists = 0;
  for (let index = 0; index < catalog.songCount; index += 1) {
    const song = catalog.songAt(index);
    // Every character is ASCII (non-ASCII is \u-escaped), so latin1 is an exact and fast encoding.
    const body = Buffer.from(songFileText(song), 'latin1');
    bytes += body.length;
    if (artistSeen[song.artist.index] === 0) {
      artistSeen[song.artist.index] = 1;
      artists += 1;
    }
    await sink.putObject(songFileKey(song.trackId), body);
    if ((index + 1) % songProgressEvery === 0 || index + 1 === catalog.songCount) {
      onProgress?.({ phase: 'songs', done: index + 1, total: catalog.songCount });
    }
  }

  // Song uploads overlap; settle them before the logs so that a failure names a song file, not a later object.
  await sink.flush();

  const days = planDays(resolved);
  const firstDayMs = (days[0] as { startMs: number }).startMs;
  const msOffset = Prng.derive(seed, 'ms-offset').int(1000);
  const users = createUserRoster(seed, resolved.users, firstDayMs, msOffset);
  const tally = new LogTally(users.length, new ListeningTally(users));
  const simulator = new EventSimulator({
    seed,
    users,
    plays: createPlayPool(seed, catalog),
    matchRate: resolved.matchRate,
    defectRate: resolved.defectRate,
    msOffset,
    eventsPerDay: resolved.events / resolved.days,
    tally,
  });
  for (const day of days) {
    simulator.startDay(day);
    const target = sink.openStream(day.key);
    let input: Writable = target;
    let stored: Promise<void> = finished(target);
    if (resolved.gzip) {
      const gzip = createGzip({ level: 6 });
      gzip.on('data', (compressed: Buffer) => {
        bytes += compressed.length;
      });
      gzip.pipe(target);
      input = gzip;
      stored = Promise.all([finished(gzip), finished(target)]).then(() => undefined);
    }
    // Marks a failure as handled until it is awaited below; the await still throws it.
    stored.catch(() => undefined);
    for (
      let chunk = simulator.nextChunk(chunkBytes);
      chunk !== null;
      chunk = simulator.nextChunk(chunkBytes)
    ) {
      if (!resolved.gzip) bytes += chunk.length;
      if (!input.write(chunk)) await Promise.race([once(input, 'drain'), stored]);
      onProgress?.({ phase: 'logs', done: simulator.eventsWritten, total: resolved.events });
    }
    input.end();
    await stored;
  }
  await sink.flush();

  return {
    options: resolved,
    location: sink.location,
    songFiles: catalog.songCount,
    logFiles: days.length,
    logKeys: days.map((day) => day.key),
    bytes,
    songs: catalog.songCount,
    artists,
    duplicateSongs: catalog.duplicateCount,
    ...tally.truth((index) => (users[index] as { id: string }).id),
  };
}
