import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ListeningTruth } from '@sparkify/generator';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import {
  AnalyticsError,
  type Answer,
  loadQuestions,
  type Question,
  type Row,
  runQuestions,
} from '../src/index.js';
import { loadedWarehouse, type LoadedWarehouse } from './loaded-warehouse.js';

// Every expected value below comes from the generator's ground truth (summary.listening), never from SQL.
let warehouse: LoadedWarehouse;
let listening: ListeningTruth;
let questions: Question[];
let answers: Map<string, Answer>;

beforeAll(async () => {
  warehouse = await loadedWarehouse(inject('pgUrl'), 'analytics_questions', {
    events: 12_000,
    songs: 300,
    days: 10,
    matchRate: 0.3,
    seed: 'analytics',
  });
  listening = warehouse.truth.listening;
  questions = await loadQuestions();
  const result = await runQuestions(warehouse.db.knex, questions, {
    names: questions.map((question) => question.name),
    limit: 10,
  });
  answers = new Map(result.answers.map((answer) => [answer.name, answer]));
}, 120_000);
afterAll(() => warehouse?.close());

function answer(name: string): Answer {
  const found = answers.get(name);
  if (!found) throw new Error(`no answer for ${name}`);
  return found;
}

const pick = (rows: Row[], ...columns: string[]) =>
  rows.map((row) => Object.fromEntries(columns.map((column) => [column, row[column]])));

/**
 * A top list equals the truth's: the same play counts in the same order, and every row one of the truth's
 * entries with exactly those counts (ties may be ordered differently by the database's collation).
 */
function expectTopList(rows: Row[], truth: Row[], keyColumns: string[]): void {
  expect(rows.map((row) => row['plays'])).toEqual(truth.slice(0, rows.length).map((row) => row['plays']));
  expect(rows).toHaveLength(Math.min(10, truth.length));
  const key = (row: Row) => JSON.stringify(keyColumns.map((column) => row[column]));
  const truthByKey = new Map(truth.map((row) => [key(row), row]));
  for (const row of rows)
    expect(pick([row], ...Object.keys(truthByKey.get(key(row)) ?? {}))).toEqual([truthByKey.get(key(row))]);
}

describe('each question on a generated dataset equals the generator ground truth', () => {
  it('the dataset is big enough to mean something', () => {
    expect(warehouse.truth.nextSongEvents).toBeGreaterThan(8000);
    expect(warehouse.truth.matchedPlays).toBeGreaterThan(1000);
  });

  it('most-played-songs: as played, with matched plays per song and the match rate', () => {
    const songs = answer('most-played-songs');
    expectTopList(
      songs.rows,
      listening.songsAsPlayed.map((song) => ({
        title: song.title,
        artist: song.artist,
        plays: song.plays,
        matched_plays: song.matchedPlays,
      })),
      ['title', 'artist'],
    );
    expect(songs.matchRate).toEqual({
      plays: warehouse.truth.nextSongEvents,
      matchedPlays: warehouse.truth.matchedPlays,
      rate: warehouse.truth.matchedPlays / warehouse.truth.nextSongEvents,
    });
  });

  it('most-played-songs-in-catalogue: only matched plays, beside the as-played answer', () => {
    const catalogue = answer('most-played-songs').catalogue;
    expect(catalogue?.name).toBe('most-played-songs-in-catalogue');
    expectTopList(
      catalogue?.rows ?? [],
      listening.matchedSongs.map((song) => ({ title: song.title, artist: song.artist, plays: song.plays })),
      ['title', 'artist', 'plays'],
    );
    const asPlayedTop = listening.songsAsPlayed.slice(0, 10).map((song) => song.plays);
    const matchedTop = listening.matchedSongs.slice(0, 10).map((song) => song.plays);
    expect(catalogue?.sameAsPlayed).toBe(false);
    expect(asPlayedTop).not.toEqual(matchedTop);
  });

  it('most-played-artists and its catalogue answer', () => {
    const artists = answer('most-played-artists');
    expectTopList(
      artists.rows,
      listening.artistsAsPlayed.map((artist) => ({
        artist: artist.artist,
        plays: artist.plays,
        matched_plays: artist.matchedPlays,
      })),
      ['artist'],
    );
    expect(artists.matchRate?.matchedPlays).toBe(warehouse.truth.matchedPlays);
    // Catalogue artists are artist_ids: two artists may share a name.
    const byArtist = new Map<string, { artist_id: string; artist: string; plays: number }>();
    for (const song of listening.matchedSongs) {
      const entry = byArtist.get(song.artistId) ?? {
        artist_id: song.artistId,
        artist: song.artist,
        plays: 0,
      };
      entry.plays += song.plays;
      byArtist.set(song.artistId, entry);
    }
    const matchedArtists = [...byArtist.values()].sort((a, b) => b.plays - a.plays);
    expectTopList(artists.catalogue?.rows ?? [], matchedArtists, ['artist_id']);
  });

  it('plays-by-hour and peak-hour', () => {
    expect(pick(answer('plays-by-hour').rows, 'hour', 'plays')).toEqual(
      listening.playsByHour.map((plays, hour) => ({ hour, plays })).filter((row) => row.plays > 0),
    );
    const peakPlays = Math.max(...listening.playsByHour);
    const peakHour = listening.playsByHour.indexOf(peakPlays);
    expect(answer('peak-hour').rows).toEqual([
      { hour: peakHour, plays: peakPlays, share_of_plays: peakPlays / warehouse.truth.nextSongEvents },
    ]);
  });

  it('plays-by-weekday', () => {
    const names = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];
    expect(answer('plays-by-weekday').rows).toEqual(
      listening.playsByWeekday
        .map((plays, weekday) => ({ weekday, weekday_name: names[weekday], plays }))
        .filter((row) => row.plays > 0),
    );
  });

  it('plays-by-day, daily-active-users and paid-vs-free-by-day', () => {
    expect(answer('plays-by-day').rows).toEqual(
      Object.entries(listening.playsByDay).map(([day, plays]) => ({ day, plays })),
    );
    expect(answer('daily-active-users').rows).toEqual(
      Object.entries(listening.activeUsersByDay).map(([day, active_users]) => ({ day, active_users })),
    );
    expect(answer('paid-vs-free-by-day').rows).toEqual(
      Object.entries(listening.levelPlaysByDay).map(([day, plays]) => ({
        day,
        paid_plays: plays.paid,
        free_plays: plays.free,
      })),
    );
  });

  it('paid-vs-free', () => {
    const total = warehouse.truth.nextSongEvents;
    const expected = (['paid', 'free'] as const)
      .map((level) => ({
        level,
        plays: listening.playsByLevel[level],
        share_of_plays: listening.playsByLevel[level] / total,
      }))
      .sort((a, b) => b.plays - a.plays);
    expect(answer('paid-vs-free').rows).toEqual(expected);
  });

  it('most-active-users (ties broken by user id)', () => {
    const expected = Object.entries(listening.playsByUser)
      .map(([userId, plays]) => ({ user_id: Number(userId), plays }))
      .sort((a, b) => b.plays - a.plays || a.user_id - b.user_id)
      .slice(0, 10);
    expect(pick(answer('most-active-users').rows, 'user_id', 'plays')).toEqual(expected);
    for (const row of answer('most-active-users').rows)
      expect(row['current_level']).toBe(warehouse.truth.latestLevels[String(row['user_id'])]);
  });

  it('sessions: count, average plays and minutes', () => {
    const { count, plays, totalSeconds } = listening.sessions;
    const [row] = answer('sessions').rows;
    expect(row?.['sessions']).toBe(count);
    expect(row?.['average_plays']).toBeCloseTo(plays / count, 9);
    expect(row?.['average_minutes']).toBeCloseTo(totalSeconds / 60 / count, 6);
  });

  it('top-locations', () => {
    const truth = Object.entries(listening.playsByLocation)
      .map(([location, plays]) => ({ location, plays }))
      .sort((a, b) => b.plays - a.plays);
    expectTopList(answer('top-locations').rows, truth, ['location']);
  });

  it('match-rate', () => {
    const { nextSongEvents, matchedPlays } = warehouse.truth;
    expect(answer('match-rate').rows).toEqual([
      { plays: nextSongEvents, matched_plays: matchedPlays, match_rate: matchedPlays / nextSongEvents },
    ]);
  });

  it('freshness: the newest play and the one successful load', () => {
    const [row] = answer('freshness').rows;
    const newest = new Date(listening.newestPlayTs ?? 0).toISOString().replace('T', ' ').slice(0, 19);
    expect(row).toMatchObject({
      newest_play: newest,
      plays: warehouse.truth.nextSongEvents,
      successful_loads: 1,
    });
    expect(row?.['last_load_finished']).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/);
  });
});

describe('parameters', () => {
  it('--since/--until keep the plays of those days only (both inclusive), bound as parameters', async () => {
    const days = Object.keys(listening.playsByDay);
    const [since, until] = [days[2] as string, days[4] as string];
    const sent: { sql: string; bindings: unknown[] }[] = [];
    const record = (query: { sql: string; bindings: unknown[] }) => sent.push(query);
    warehouse.db.knex.on('query', record);
    const result = await runQuestions(warehouse.db.knex, questions, {
      names: ['plays-by-day', 'match-rate'],
      since,
      until,
    }).finally(() => warehouse.db.knex.off('query', record));
    expect(result.answers[0]?.rows).toEqual(
      days.slice(2, 5).map((day) => ({ day, plays: listening.playsByDay[day] })),
    );
    const expectedPlays = days.slice(2, 5).reduce((sum, day) => sum + (listening.playsByDay[day] ?? 0), 0);
    expect(result.answers[1]?.rows[0]?.['plays']).toBe(expectedPlays);
    for (const query of sent) {
      expect(query.sql).not.toContain(since);
      expect(query.bindings).toContain(`${since} 00:00:00`);
    }
    expect(result.parameters).toMatchObject({ since, until, limit: 10 });
  });

  it('--limit bounds the top lists', async () => {
    const result = await runQuestions(warehouse.db.knex, questions, {
      names: ['most-played-songs'],
      limit: 3,
    });
    expect(result.answers[0]?.rows.map((row) => row['plays'])).toEqual(
      listening.songsAsPlayed.slice(0, 3).map((song) => song.plays),
    );
  });

  it('refuses bad dates, an empty range and bad limits, naming the option', async () => {
    const ask = (options: object) => runQuestions(warehouse.db.knex, questions, options);
    await expect(ask({ since: '2018-02-31' })).rejects.toThrow(
      /--since: expected a date like 2018-11-01, got "2018-02-31"/,
    );
    await expect(ask({ since: '2018-11-05', until: '2018-11-01' })).rejects.toThrow(
      /--until 2018-11-01 is before --since/,
    );
    await expect(ask({ limit: 0 })).rejects.toMatchObject({ code: 'PARAMETER_INVALID' });
    await expect(ask({ names: ['no-such-question'] })).rejects.toThrow(
      /no question named "no-such-question"; known: most-played-songs/,
    );
  });
});

describe("a user's own questions folder", () => {
  let folder: string;
  beforeAll(() => {
    folder = mkdtempSync(join(tmpdir(), 'analytics-own-'));
  });
  afterAll(() => rmSync(folder, { recursive: true, force: true }));

  it('is listed after the built-in questions and runs with the same parameters', async () => {
    writeFileSync(
      join(folder, 'plays-of-paid-users.sql'),
      `-- title: Plays of paid users
-- answers: how many plays paid users made in the period
SELECT COUNT(*) AS plays
FROM songplays
WHERE level = 'paid'
  AND start_time >= CAST(:since AS TIMESTAMP) AND start_time < CAST(:until AS TIMESTAMP);
`,
    );
    const all = await loadQuestions(folder);
    const own = all.at(-1);
    expect(own).toMatchObject({
      name: 'plays-of-paid-users',
      title: 'Plays of paid users',
      answers: 'how many plays paid users made in the period',
      source: join(folder, 'plays-of-paid-users.sql'),
    });
    const result = await runQuestions(warehouse.db.knex, all, { names: ['plays-of-paid-users'] });
    expect(result.answers[0]?.rows).toEqual([{ plays: listening.playsByLevel.paid }]);
  });

  it('a failing question names itself and its file', async () => {
    writeFileSync(join(folder, 'broken.sql'), 'SELECT no_such_column FROM songplays');
    const all = await loadQuestions(folder);
    const error = await runQuestions(warehouse.db.knex, all, { names: ['broken'] }).catch(
      (caught: unknown) => caught,
    );
    expect(error).toBeInstanceOf(AnalyticsError);
    expect(error).toMatchObject({ code: 'QUESTION_FAILED' });
    expect((error as Error).message).toContain(`question broken (${join(folder, 'broken.sql')}) failed`);
  });
});
