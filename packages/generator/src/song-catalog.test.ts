import { describe, expect, it } from 'vitest';
import { createSongCatalog } from './song-catalog.js';
import { songFileKey, songFileText } from './song-file.js';

describe('createSongCatalog', () => {
  const catalog = createSongCatalog(42, 3000, 0.3);
  const songs = Array.from({ length: catalog.songCount }, (_, index) => catalog.songAt(index));

  it('gives every song a unique 18-character track id and song id in the public shape', () => {
    expect(new Set(songs.map((song) => song.trackId)).size).toBe(3000);
    expect(new Set(songs.map((song) => song.songId)).size).toBe(3000);
    for (const song of songs) {
      expect(song.trackId).toMatch(/^TR[A-Z]{5}12[0-9A-F]{9}$/);
      expect(song.songId).toMatch(/^SO[A-Z]{5}12A[0-9A-F]{8}$/);
      expect(song.artist.id).toMatch(/^AR[A-Z]{5}1187[0-9A-F]{7}$/);
    }
  });

  it('plants the announced exact duplicates and no accidental ones', () => {
    const byContent = new Map<string, number>();
    for (const song of songs) {
      const content = `${song.title}\u0000${song.artist.name}\u0000${song.duration}`;
      byContent.set(content, (byContent.get(content) ?? 0) + 1);
    }
    const repeats = [...byContent.values()].reduce((sum, count) => sum + count - 1, 0);
    expect(catalog.duplicateCount).toBe(6);
    expect(repeats).toBe(catalog.duplicateCount);
  });

  it('uses every artist, with the quirks of the public metadata', () => {
    expect(new Set(songs.map((song) => song.artist.id)).size).toBe(catalog.artistCount);
    const share = (test: (index: number) => boolean): number =>
      songs.filter((_, index) => test(index)).length / songs.length;
    expect(share((index) => songs[index]?.artist.latitude === null)).toBeGreaterThan(0.3);
    expect(share((index) => songs[index]?.artist.location === '')).toBeGreaterThan(0.2);
    expect(share((index) => songs[index]?.year === 0)).toBeGreaterThan(0.3);
    expect(songs.some((song) => song.artist.name.includes('/'))).toBe(true);
    expect(songs.some((song) => song.artist.name.includes('&'))).toBe(true);
    expect(songs.some((song) => /[^ -~]/.test(song.artist.name))).toBe(true);
  });

  it('is a pure function of seed and index', () => {
    expect(createSongCatalog(42, 3000, 0.3).songAt(1234)).toEqual(catalog.songAt(1234));
    expect(createSongCatalog(43, 3000, 0.3).songAt(1234).songId).not.toBe(catalog.songAt(1234).songId);
  });
});

describe('song files', () => {
  const catalog = createSongCatalog(7, 200, 0.5);

  it('partitions keys by the 3rd-5th letters of the track id', () => {
    expect(songFileKey('TRAAAAW128F429D538')).toBe('song_data/A/A/A/TRAAAAW128F429D538.json');
    expect(songFileKey('TRXYZAW128F429D538')).toBe('song_data/X/Y/Z/TRXYZAW128F429D538.json');
  });

  it('writes single-line files without a trailing newline and pretty ones over 12 lines, keys in order', () => {
    const songs = Array.from({ length: 200 }, (_, index) => catalog.songAt(index));
    const single = songs.find((song) => !song.pretty);
    const pretty = songs.find((song) => song.pretty);
    const singleText = songFileText(single!);
    const prettyText = songFileText(pretty!);
    expect(singleText).toMatch(/^\{"num_songs": 1, "artist_id": "AR[^"]+", "artist_latitude": /);
    expect(singleText.endsWith('}')).toBe(true);
    expect(prettyText.split('\n')).toHaveLength(13);
    expect(prettyText.startsWith('{\n  "num_songs": 1,\n  "artist_id": ')).toBe(true);
    expect(prettyText.endsWith('\n}\n')).toBe(true);
    for (const text of [singleText, prettyText]) {
      expect(Object.keys(JSON.parse(text) as object)).toEqual([
        'num_songs',
        'artist_id',
        'artist_latitude',
        'artist_longitude',
        'artist_location',
        'artist_name',
        'song_id',
        'title',
        'duration',
        'year',
      ]);
    }
  });
});
