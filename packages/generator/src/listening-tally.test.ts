import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import type { DatasetSink } from './dataset-sink.js';
import { generateDataset } from './generate-dataset.js';

/** Discards the bytes: only the summary matters here. */
const nowhere: DatasetSink = {
  location: 'nowhere',
  putObject: () => Promise.resolve(),
  flush: () => Promise.resolve(),
  openStream: () => new Writable({ write: (_chunk, _encoding, done) => done() }),
};

describe('the listening truth', () => {
  it('accounts for every play once in each breakdown', async () => {
    const summary = await generateDataset(
      { events: 5000, songs: 200, days: 5, matchRate: 0.2, seed: 3 },
      nowhere,
    );
    const { listening, nextSongEvents, matchedPlays } = summary;
    const sum = (values: number[]) => values.reduce((total, value) => total + value, 0);
    expect(nextSongEvents).toBeGreaterThan(2000);
    expect(sum(listening.playsByHour)).toBe(nextSongEvents);
    expect(sum(listening.playsByWeekday)).toBe(nextSongEvents);
    expect(sum(Object.values(listening.playsByDay))).toBe(nextSongEvents);
    expect(Object.keys(listening.playsByDay)).toEqual([
      '2018-11-01',
      '2018-11-02',
      '2018-11-03',
      '2018-11-04',
      '2018-11-05',
    ]);
    expect(listening.playsByLevel.paid + listening.playsByLevel.free).toBe(nextSongEvents);
    expect(sum(Object.values(listening.playsByUser))).toBe(nextSongEvents);
    expect(sum(Object.values(listening.playsByLocation))).toBe(nextSongEvents);
    expect(listening.sessions.plays).toBe(nextSongEvents);
    expect(sum(listening.songsAsPlayed.map((song) => song.plays))).toBe(nextSongEvents);
    expect(sum(listening.songsAsPlayed.map((song) => song.matchedPlays))).toBe(matchedPlays);
    expect(sum(listening.artistsAsPlayed.map((artist) => artist.plays))).toBe(nextSongEvents);
    expect(sum(listening.matchedSongs.map((song) => song.plays))).toBe(matchedPlays);
    for (const day of Object.keys(listening.playsByDay)) {
      expect(listening.activeUsersByDay[day]).toBeLessThanOrEqual(summary.users);
      const levels = listening.levelPlaysByDay[day];
      expect((levels?.paid ?? 0) + (levels?.free ?? 0)).toBe(listening.playsByDay[day]);
    }
    // Sorted by plays, most first.
    const plays = listening.songsAsPlayed.map((song) => song.plays);
    expect(plays).toEqual([...plays].sort((a, b) => b - a));
  });
});
