import { encodeJsonString } from './encode-json-string.js';
import { playSegments, type PlaySegments } from './log-line.js';
import { mojibake } from './mojibake.js';
import { Prng } from './prng.js';
import { artistName, songTitle, type SongCatalog } from './song-catalog.js';

/** The `artist`, `song` and `length` of a NextSong event, already encoded as log JSON text. */
export interface Play extends PlaySegments {
  /** Title + artist name + duration equal those of at least one catalog song. */
  matched: boolean;
  /** The artist_id of the catalog song a matched play matches (duplicates of a song share its artist). */
  artistId?: string;
}

/** The songs users play: some from the catalog (matching it exactly), most heard only in the logs. */
export interface PlayPool {
  matched: readonly Play[];
  unmatched: readonly Play[];
}

/** Bounds the pools so that memory does not grow with the catalog or the event count. */
const maxPoolSize = 20_000;

/**
 * Builds the plays of a dataset. Catalog plays come only from songs whose title and artist name are ASCII:
 * the logs double-encode every non-ASCII name, so such a play could never match its song. Songs heard only in
 * the logs get an odd duration in 1e-5 s (catalog songs have even ones), so they can never match by accident.
 */
export function createPlayPool(seed: string | number, catalog: SongCatalog): PlayPool {
  const matched: Play[] = [];
  const candidates = Math.min(catalog.songCount, maxPoolSize);
  for (let candidate = 0; candidate < candidates; candidate += 1) {
    const song = catalog.songAt(Math.floor((candidate * catalog.songCount) / candidates));
    if (!isAscii(song.title) || !isAscii(song.artist.name)) continue;
    matched.push({
      ...logPlay(song.artist.name, song.title, song.durationUnits, true),
      artistId: song.artist.id,
    });
  }
  const unmatched: Play[] = [];
  const unmatchedSize = Math.min(maxPoolSize, Math.max(1_000, 3 * catalog.songCount));
  for (let index = 0; index < unmatchedSize; index += 1) {
    const random = Prng.derive(seed, 'unheard-song', index);
    const durationUnits = 2 * (1_500_000 + random.int(28_500_000)) + 1;
    unmatched.push(logPlay(artistName(random), songTitle(random), durationUnits, false));
  }
  return { matched, unmatched };
}

function logPlay(artist: string, title: string, durationUnits: number, matched: boolean): Play {
  const text = {
    artist: encodeJsonString(mojibake(artist), { escapeSlashes: true }),
    song: encodeJsonString(mojibake(title), { escapeSlashes: true }),
    length: String(durationUnits / 100_000),
  };
  return { ...playSegments(text), matched };
}

function isAscii(text: string): boolean {
  return /^[\x20-\x7e]*$/.test(text);
}
