import type { ListeningTally, ListeningTruth } from './listening-tally.js';
import { defectKinds, type DefectKind, type PlantedDefect } from './plant-defect.js';
import type { Play } from './play-pool.js';

/** The ground truth of the log files, counted over valid events only (planted defects are listed apart). */
export interface LogTruth {
  /** Log lines written, defects included. */
  events: number;
  /** Lines that are good events: `events - defectCount`. */
  validEvents: number;
  nextSongEvents: number;
  /** NextSong events whose song + artist + length equal title + artist_name + duration of at least one song. */
  matchedPlays: number;
  /** Distinct `ts` of NextSong events: the rows the `time` dimension gets. */
  distinctPlayTimes: number;
  /** Distinct non-empty userId on any page. */
  users: number;
  /** userId → level of the user's latest event (by ts, then sessionId, then itemInSession). */
  latestLevels: Record<string, 'free' | 'paid'>;
  defectCount: number;
  defectsByKind: Record<DefectKind, number>;
  /** The first `maxListedDefects` defects, in file order. */
  defects: PlantedDefect[];
  /** What the analytics questions must answer (plays per hour, top songs as played, sessions, …). */
  listening: ListeningTruth;
}

/** How many planted defects a summary lists one by one. */
export const maxListedDefects = 1000;

const levelCodes = { free: 1, paid: 2 } as const;

/**
 * Counts what a loader should find while the simulator writes, in memory bounded by the user count.
 * Events arrive in (ts, sessionId, itemInSession) order per user, so "latest" is simply "last seen".
 */
export class LogTally {
  private events = 0;
  private nextSongEvents = 0;
  private matchedPlays = 0;
  private distinctPlayTimes = 0;
  private lastPlayTs = -1;
  private readonly latestLevel: Uint8Array;
  private defectCount = 0;
  private readonly defectsByKind = Object.fromEntries(defectKinds.map((kind) => [kind, 0])) as Record<
    DefectKind,
    number
  >;
  private readonly defects: PlantedDefect[] = [];

  constructor(
    userCount: number,
    private readonly listening: ListeningTally,
  ) {
    this.latestLevel = new Uint8Array(userCount);
  }

  /** A good event; `userIndex` is -1 when logged out. */
  event(userIndex: number, level: 'free' | 'paid', ts: number, sessionId: number, play: Play | null): void {
    this.events += 1;
    if (userIndex >= 0) this.latestLevel[userIndex] = levelCodes[level];
    if (play === null) return;
    this.nextSongEvents += 1;
    if (play.matched) this.matchedPlays += 1;
    this.listening.play(userIndex, level, ts, sessionId, play);
    if (ts !== this.lastPlayTs) {
      this.distinctPlayTimes += 1;
      this.lastPlayTs = ts;
    }
  }

  /** A bad line that replaced an event. */
  defect(defect: PlantedDefect): void {
    this.events += 1;
    this.defectCount += 1;
    this.defectsByKind[defect.kind] += 1;
    if (this.defects.length < maxListedDefects) this.defects.push(defect);
  }

  /** The ground truth so far; `userIdOf` maps a user index to its userId. */
  truth(userIdOf: (index: number) => string): LogTruth {
    const latestLevels: Record<string, 'free' | 'paid'> = {};
    let users = 0;
    this.latestLevel.forEach((code, index) => {
      if (code === 0) return;
      users += 1;
      latestLevels[userIdOf(index)] = code === levelCodes.paid ? 'paid' : 'free';
    });
    return {
      events: this.events,
      validEvents: this.events - this.defectCount,
      nextSongEvents: this.nextSongEvents,
      matchedPlays: this.matchedPlays,
      distinctPlayTimes: this.distinctPlayTimes,
      users,
      latestLevels,
      defectCount: this.defectCount,
      defectsByKind: { ...this.defectsByKind },
      defects: [...this.defects],
      listening: this.listening.truth(),
    };
  }
}
