import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { logKeys, type DefectKind, type PlantedDefect } from '../src/index.js';

/** Every file under a folder, key → bytes, keys with forward slashes. */
export function readTree(root: string): Map<string, Buffer> {
  const files = new Map<string, Buffer>();
  const walk = (folder: string): void => {
    for (const entry of readdirSync(folder, { withFileTypes: true })) {
      const path = join(folder, entry.name);
      if (entry.isDirectory()) walk(path);
      else files.set(relative(root, path).split('\\').join('/'), readFileSync(path));
    }
  };
  walk(root);
  return files;
}

/** What a careful reader finds in a dataset, computed only from the bytes (the summary is never consulted). */
export interface RecomputedTruth {
  songFiles: number;
  logFiles: number;
  bytes: number;
  songs: number;
  artists: number;
  duplicateSongs: number;
  events: number;
  validEvents: number;
  nextSongEvents: number;
  matchedPlays: number;
  distinctPlayTimes: number;
  users: number;
  latestLevels: Record<string, string>;
  defects: PlantedDefect[];
  /** Every valid event's (sessionId, itemInSession), for the uniqueness check. */
  eventIds: string[];
}

/** Classifies a log line the way a strict loader would; null when the line is a good event. */
export function lineDefect(line: string): DefectKind | null {
  let event: Record<string, unknown>;
  try {
    event = JSON.parse(line) as Record<string, unknown>;
  } catch {
    return 'truncated-line';
  }
  if (Object.keys(event).join() !== logKeys.join()) return 'missing-key';
  if (!Number.isInteger(event.ts)) return 'ts-as-string';
  if (!Number.isInteger(event.sessionId)) return 'session-id-fraction';
  if (event.page === 'NextSong' && event.song === null) return 'next-song-without-song';
  if (typeof event.userId !== 'string' || !/^\d*$/.test(event.userId)) return 'user-id-not-digits';
  return null;
}

/** Reads song and log files back and recomputes the ground truth the generator claims. */
export function recomputeTruth(files: Map<string, Buffer>): RecomputedTruth {
  const songContents = new Set<string>();
  const songIds = new Set<string>();
  const artistIds = new Set<string>();
  let duplicateSongs = 0;
  let bytes = 0;
  let songFiles = 0;
  const logs: Array<[string, string]> = [];
  for (const [key, body] of files) {
    bytes += body.length;
    if (key.startsWith('song_data/')) {
      songFiles += 1;
      const song = JSON.parse(body.toString('utf8')) as Record<string, unknown>;
      const content = `${String(song.title)}\u0000${String(song.artist_name)}\u0000${String(song.duration)}`;
      if (songContents.has(content)) duplicateSongs += 1;
      songContents.add(content);
      songIds.add(String(song.song_id));
      artistIds.add(String(song.artist_id));
    } else {
      logs.push([key, (key.endsWith('.gz') ? gunzipSync(body) : body).toString('utf8')]);
    }
  }
  logs.sort(([a], [b]) => a.localeCompare(b));

  let events = 0;
  let nextSongEvents = 0;
  let matchedPlays = 0;
  const playTimes = new Set<number>();
  const latest = new Map<string, { order: [number, number, number]; level: string }>();
  const defects: PlantedDefect[] = [];
  const eventIds: string[] = [];
  for (const [key, text] of logs) {
    if (text === '') continue;
    text.split('\n').forEach((line, index) => {
      events += 1;
      const defect = lineDefect(line);
      if (defect !== null) {
        defects.push({ key, line: index + 1, kind: defect });
        return;
      }
      const event = JSON.parse(line) as Record<string, string | number | null>;
      const ts = event.ts as number;
      const sessionId = event.sessionId as number;
      const item = event.itemInSession as number;
      eventIds.push(`${sessionId}/${item}`);
      if (event.page === 'NextSong') {
        nextSongEvents += 1;
        playTimes.add(ts);
        if (
          songContents.has(`${String(event.song)}\u0000${String(event.artist)}\u0000${String(event.length)}`)
        )
          matchedPlays += 1;
      }
      const userId = event.userId as string;
      if (userId === '') return;
      const order: [number, number, number] = [ts, sessionId, item];
      const previous = latest.get(userId);
      if (previous === undefined || compareOrder(order, previous.order) > 0)
        latest.set(userId, { order, level: String(event.level) });
    });
  }
  return {
    songFiles,
    logFiles: logs.length,
    bytes,
    songs: songIds.size,
    artists: artistIds.size,
    duplicateSongs,
    events,
    validEvents: events - defects.length,
    nextSongEvents,
    matchedPlays,
    distinctPlayTimes: playTimes.size,
    users: latest.size,
    latestLevels: Object.fromEntries([...latest].map(([userId, { level }]) => [userId, level])),
    defects,
    eventIds,
  };
}

function compareOrder(a: [number, number, number], b: [number, number, number]): number {
  return a[0] - b[0] || a[1] - b[1] || a[2] - b[2];
}
