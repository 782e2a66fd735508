import { encodeJsonString } from './encode-json-string.js';
import type { Song } from './song-catalog.js';

/** The object key of a song: partitioned by the 3rd, 4th and 5th letters of its track id. */
export function songFileKey(trackId: string): string {
  return `song_data/${trackId[2]}/${trackId[3]}/${trackId[4]}/${trackId}.json`;
}

/**
 * The text of a song file as the Million Song subset has it (Python's json.dumps): either one line with
 * `", "`/`": "` separators and no trailing newline, or pretty-printed with two-space indents and a final newline.
 */
export function songFileText(song: Song): string {
  const text = (value: string): string => encodeJsonString(value, { escapeSlashes: false });
  const fields: Array<[string, string]> = [
    ['num_songs', '1'],
    ['artist_id', text(song.artist.id)],
    ['artist_latitude', song.artist.latitude === null ? 'null' : String(song.artist.latitude)],
    ['artist_longitude', song.artist.longitude === null ? 'null' : String(song.artist.longitude)],
    ['artist_location', text(song.artist.location)],
    ['artist_name', text(song.artist.name)],
    ['song_id', text(song.songId)],
    ['title', text(song.title)],
    ['duration', String(song.duration)],
    ['year', String(song.year)],
  ];
  const pairs = fields.map(([key, value]) => `"${key}": ${value}`);
  return song.pretty ? `{\n  ${pairs.join(',\n  ')}\n}\n` : `{${pairs.join(', ')}}`;
}
