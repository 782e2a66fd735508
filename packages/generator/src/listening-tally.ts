import type { Play } from './play-pool.js';
import type { User } from './user-roster.js';

/** A song as users played it (the log's `song` and `artist`), with how many of its plays match the catalog. */
export interface PlayedSong {
  title: string;
  artist: string;
  plays: number;
  matchedPlays: number;
}

/** An artist as users played it (the log's `artist`). */
export interface PlayedArtist {
  artist: string;
  plays: number;
  matchedPlays: number;
}

/** A catalog song (title + artist + duration) and the plays that match it exactly. */
export interface MatchedSong {
  title: string;
  artist: string;
  /** The catalog artist (artist names are not unique). */
  artistId: string;
  length: number;
  plays: number;
}

/**
 * What the analytics team's questions must answer on this dataset, counted over valid NextSong events (the
 * songplays). Times are UTC; days are `yyyy-mm-dd`; lists are sorted by plays (descending), then by name.
 */
export interface ListeningTruth {
  /** Plays per hour of day, index 0–23. */
  playsByHour: number[];
  /** Plays per weekday, index 0 = Sunday … 6 = Saturday. */
  playsByWeekday: number[];
  /** Plays per calendar day; days without plays are absent. */
  playsByDay: Record<string, number>;
  /** Paid and free plays per calendar day. */
  levelPlaysByDay: Record<string, { paid: number; free: number }>;
  /** Distinct users with at least one play, per calendar day. */
  activeUsersByDay: Record<string, number>;
  /** Plays by the level of the event. */
  playsByLevel: { paid: number; free: number };
  /** userId → plays. */
  playsByUser: Record<string, number>;
  /** location → plays. */
  playsByLocation: Record<string, number>;
  /** Sessions with at least one play (one session = one user + sessionId), their plays, and their total length. */
  sessions: { count: number; plays: number; totalSeconds: number };
  songsAsPlayed: PlayedSong[];
  artistsAsPlayed: PlayedArtist[];
  /** Plays matching a catalog song, per title + artist + duration. */
  matchedSongs: MatchedSong[];
  /** The newest play's `ts` (epoch ms), or null without plays. */
  newestPlayTs: number | null;
}

const dayMs = 86_400_000;
const hourMs = 3_600_000;

/**
 * Counts plays for the analytics questions while the simulator writes, in memory bounded by the user count and
 * the play pool (never by the event count). A user has one session at a time, so sessions are folded as they end.
 */
export class ListeningTally {
  private readonly playsByHour = new Array<number>(24).fill(0);
  private readonly playsByWeekday = new Array<number>(7).fill(0);
  private readonly playsByDayIndex = new Map<number, { plays: number; paid: number; users: number }>();
  private readonly playsByLevel = { paid: 0, free: 0 };
  private readonly userPlays: Uint32Array;
  private readonly userLastDay: Int32Array;
  private readonly userSession: Float64Array;
  private readonly userSessionFirst: Float64Array;
  private readonly userSessionLast: Float64Array;
  private readonly userSessionPlays: Uint32Array;
  private readonly closedSessions = { count: 0, plays: 0, totalSeconds: 0 };
  private readonly playCounts = new Map<Play, { plays: number }>();
  private newestPlayTs: number | null = null;

  constructor(private readonly users: readonly User[]) {
    const count = users.length;
    this.userPlays = new Uint32Array(count);
    this.userLastDay = new Int32Array(count).fill(-1);
    this.userSession = new Float64Array(count).fill(-1);
    this.userSessionFirst = new Float64Array(count);
    this.userSessionLast = new Float64Array(count);
    this.userSessionPlays = new Uint32Array(count);
  }

  /** A valid NextSong event of a logged-in user. */
  play(userIndex: number, level: 'free' | 'paid', ts: number, sessionId: number, play: Play): void {
    const dayIndex = Math.floor(ts / dayMs);
    const hour = Math.floor((ts - dayIndex * dayMs) / hourMs);
    this.playsByHour[hour] = (this.playsByHour[hour] as number) + 1;
    // 1970-01-01 was a Thursday (4).
    const weekday = (dayIndex + 4) % 7;
    this.playsByWeekday[weekday] = (this.playsByWeekday[weekday] as number) + 1;
    let day = this.playsByDayIndex.get(dayIndex);
    if (day === undefined) {
      day = { plays: 0, paid: 0, users: 0 };
      this.playsByDayIndex.set(dayIndex, day);
    }
    day.plays += 1;
    if (level === 'paid') day.paid += 1;
    this.playsByLevel[level] += 1;
    if (userIndex >= 0) {
      this.userPlays[userIndex] = (this.userPlays[userIndex] as number) + 1;
      if (this.userLastDay[userIndex] !== dayIndex) {
        this.userLastDay[userIndex] = dayIndex;
        day.users += 1;
      }
      if (this.userSession[userIndex] !== sessionId) {
        this.foldSession(userIndex);
        this.userSession[userIndex] = sessionId;
        this.userSessionFirst[userIndex] = ts;
        this.userSessionPlays[userIndex] = 0;
      }
      this.userSessionLast[userIndex] = ts;
      this.userSessionPlays[userIndex] = (this.userSessionPlays[userIndex] as number) + 1;
    }
    const counted = this.playCounts.get(play);
    if (counted === undefined) this.playCounts.set(play, { plays: 1 });
    else counted.plays += 1;
    if (this.newestPlayTs === null || ts > this.newestPlayTs) this.newestPlayTs = ts;
  }

  private foldSession(userIndex: number): void {
    const plays = this.userSessionPlays[userIndex] as number;
    if (plays === 0) return;
    this.closedSessions.count += 1;
    this.closedSessions.plays += plays;
    this.closedSessions.totalSeconds +=
      ((this.userSessionLast[userIndex] as number) - (this.userSessionFirst[userIndex] as number)) / 1000;
  }

  /** The truth so far. */
  truth(): ListeningTruth {
    const sessions = { ...this.closedSessions };
    const playsByUser: Record<string, number> = {};
    const playsByLocation: Record<string, number> = {};
    this.users.forEach((user, index) => {
      const plays = this.userSessionPlays[index] as number;
      if (plays > 0) {
        sessions.count += 1;
        sessions.plays += plays;
        sessions.totalSeconds +=
          ((this.userSessionLast[index] as number) - (this.userSessionFirst[index] as number)) / 1000;
      }
      const userPlays = this.userPlays[index] as number;
      if (userPlays === 0) return;
      playsByUser[user.id] = userPlays;
      const location = JSON.parse(user.actor.text.location) as string;
      playsByLocation[location] = (playsByLocation[location] ?? 0) + userPlays;
    });

    const playsByDay: Record<string, number> = {};
    const levelPlaysByDay: Record<string, { paid: number; free: number }> = {};
    const activeUsersByDay: Record<string, number> = {};
    for (const [dayIndex, day] of [...this.playsByDayIndex].sort(([a], [b]) => a - b)) {
      const date = new Date(dayIndex * dayMs).toISOString().slice(0, 10);
      playsByDay[date] = day.plays;
      levelPlaysByDay[date] = { paid: day.paid, free: day.plays - day.paid };
      activeUsersByDay[date] = day.users;
    }

    const songs = new Map<string, PlayedSong>();
    const artists = new Map<string, PlayedArtist>();
    const matched = new Map<string, MatchedSong>();
    for (const [play, { plays }] of this.playCounts) {
      // What the loader stores: the JSON string values, decoded.
      const title = JSON.parse(play.text.song) as string;
      const artist = JSON.parse(play.text.artist) as string;
      const length = Number(play.text.length);
      const matchedPlays = play.matched ? plays : 0;
      const songKey = JSON.stringify([title, artist]);
      const song = songs.get(songKey) ?? { title, artist, plays: 0, matchedPlays: 0 };
      song.plays += plays;
      song.matchedPlays += matchedPlays;
      songs.set(songKey, song);
      const byArtist = artists.get(artist) ?? { artist, plays: 0, matchedPlays: 0 };
      byArtist.plays += plays;
      byArtist.matchedPlays += matchedPlays;
      artists.set(artist, byArtist);
      if (play.matched) {
        const key = JSON.stringify([title, artist, length]);
        const entry = matched.get(key) ?? { title, artist, artistId: play.artistId ?? '', length, plays: 0 };
        entry.plays += plays;
        matched.set(key, entry);
      }
    }
    const byPlays = <T extends { plays: number }>(name: (item: T) => string) => {
      return (a: T, b: T) => b.plays - a.plays || compareText(name(a), name(b));
    };

    return {
      playsByHour: [...this.playsByHour],
      playsByWeekday: [...this.playsByWeekday],
      playsByDay,
      levelPlaysByDay,
      activeUsersByDay,
      playsByLevel: { ...this.playsByLevel },
      playsByUser,
      playsByLocation,
      sessions,
      songsAsPlayed: [...songs.values()].sort(byPlays((song) => `${song.title}\u0000${song.artist}`)),
      artistsAsPlayed: [...artists.values()].sort(byPlays((artist) => artist.artist)),
      matchedSongs: [...matched.values()].sort(byPlays((song) => `${song.title}\u0000${song.artist}`)),
      newestPlayTs: this.newestPlayTs,
    };
  }
}

/** Code-unit order, the same for every locale (tests compare with a database's C-collated ORDER BY apart). */
function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
