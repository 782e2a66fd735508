import { Prng } from './prng.js';
import { vocabulary } from './vocabulary.js';

/** One artist as the song metadata describes it. */
export interface Artist {
  index: number;
  id: string;
  name: string;
  location: string;
  latitude: number | null;
  longitude: number | null;
}

/** One song object (one `song_data/.../TR….json` file). */
export interface Song {
  index: number;
  trackId: string;
  songId: string;
  title: string;
  /** Seconds with at most five decimals; `durationUnits / 100000`. */
  duration: number;
  /** The duration in 1e-5 s. Catalog songs always have an even count, songs only heard in the logs an odd one. */
  durationUnits: number;
  year: number;
  artist: Artist;
  /** Written pretty-printed over 12 lines instead of on one line. */
  pretty: boolean;
}

/** The song metadata of a dataset, computed item by item so that any size fits in constant memory. */
export interface SongCatalog {
  songCount: number;
  artistCount: number;
  /** How many songs repeat the title, artist and duration of an earlier song under a new song_id. */
  duplicateCount: number;
  songAt(index: number): Song;
  artistAt(index: number): Artist;
}

/** Track, song and artist ids spend five letters on the item's index, so that is the most songs a dataset holds. */
export const maxSongs = 26 ** 5;

/** The catalog of a seed: every song and artist is a pure function of (seed, index). */
export function createSongCatalog(
  seed: string | number,
  songCount: number,
  prettyShare: number,
): SongCatalog {
  // About 1.6 songs per artist, as in the public Million Song subset.
  const artistCount = songCount === 0 ? 0 : Math.max(1, Math.ceil(songCount / 1.6));
  const duplicateCount = songCount >= 4 ? Math.max(1, Math.floor(songCount / 500)) : 0;
  const firstDuplicate = songCount - duplicateCount;
  const duplicateStride = duplicateCount === 0 ? 0 : Math.floor(firstDuplicate / duplicateCount);
  const idOffsets = Prng.derive(seed, 'id-offsets');
  const trackOffset = idOffsets.int(maxSongs);
  const songOffset = idOffsets.int(maxSongs);
  const artistOffset = idOffsets.int(maxSongs);

  const artistAt = (index: number): Artist => {
    const random = Prng.derive(seed, 'artist', index);
    const hasCoordinates = random.chance(0.5);
    return {
      index,
      id: `AR${letters(scramble(index, artistOffset))}1187${hexChars(random, 7)}`,
      name: artistName(random),
      location: random.chance(0.4) ? '' : random.pick(vocabulary.artistLocations),
      latitude: hasCoordinates ? round5(random.float() * 120 - 50) : null,
      longitude: hasCoordinates ? round5(random.float() * 300 - 150) : null,
    };
  };

  const songAt = (index: number): Song => {
    const random = Prng.derive(seed, 'song', index);
    const own = {
      index,
      trackId: `TR${letters(scramble(index, trackOffset))}12${hexChars(random, 9)}`,
      songId: `SO${letters(scramble(index, songOffset))}12A${hexChars(random, 8)}`,
      pretty: random.chance(prettyShare),
    };
    if (index >= firstDuplicate) {
      // A planted exact duplicate: same title, artist and duration as an earlier original, new ids.
      const original = songAt((index - firstDuplicate) * duplicateStride);
      return { ...original, ...own };
    }
    // The first artistCount songs use every artist once, so the distinct artist count is exactly artistCount.
    const artistIndex = index < artistCount ? index : random.int(artistCount);
    const durationUnits = 2 * (1_500_000 + random.int(28_500_000));
    return {
      ...own,
      title: songTitle(random),
      duration: durationUnits / 100_000,
      durationUnits,
      year: random.chance(0.5) ? 0 : 1950 + random.int(61),
      artist: artistAt(artistIndex),
    };
  };

  return { songCount, artistCount, duplicateCount, songAt, artistAt };
}

/** An artist name: bands, people, collaborations with `/` and `&`, and some non-ASCII names. */
export function artistName(random: Prng): string {
  const roll = random.float();
  if (roll < 0.06) return random.pick(vocabulary.nonAsciiArtists);
  const band = (): string =>
    `${random.chance(0.4) ? 'The ' : ''}${random.pick(vocabulary.artistWords)} ${random.pick(vocabulary.artistWords)}`;
  const person = (): string =>
    `${random.pick(vocabulary.artistFirstNames)} ${random.pick(vocabulary.lastNames)}`;
  if (roll < 0.1) return `${person()} / ${person()}`;
  if (roll < 0.14) return `${person()} & The ${random.pick(vocabulary.artistWords)}`;
  if (roll < 0.16) return `${random.pick(vocabulary.artistWords)}/${random.pick(vocabulary.artistWords)}`;
  return random.chance(0.5) ? band() : person();
}

/** A song title: word pairs, sometimes a release suffix, a `/` medley or a non-ASCII title. */
export function songTitle(random: Prng): string {
  const roll = random.float();
  if (roll < 0.05) return random.pick(vocabulary.nonAsciiTitles);
  const phrase = (): string => {
    const first = random.pick(vocabulary.titleWords);
    const words = random.int(3);
    let title = first;
    for (let word = 0; word < words; word += 1) title += ` ${random.pick(vocabulary.titleWords)}`;
    return title;
  };
  if (roll < 0.08) return `${phrase()} / ${phrase()}`;
  if (roll < 0.1) return `I Didn't Mean To ${phrase()}`;
  return random.chance(0.15) ? `${phrase()}${random.pick(vocabulary.titleSuffixes)}` : phrase();
}

/** A bijection of [0, 26^5): the multiplier is coprime with 26^5, so distinct indexes give distinct ids. */
function scramble(index: number, offset: number): number {
  return (index * 7_368_787 + offset) % maxSongs;
}

function letters(value: number): string {
  let text = '';
  let rest = value;
  for (let position = 0; position < 5; position += 1) {
    text = String.fromCharCode(65 + (rest % 26)) + text;
    rest = Math.floor(rest / 26);
  }
  return text;
}

function hexChars(random: Prng, count: number): string {
  let text = '';
  for (let position = 0; position < count; position += 1) text += '0123456789ABCDEF'[random.int(16)];
  return text;
}

function round5(value: number): number {
  return Math.round(value * 100_000) / 100_000;
}
