import { composeLogLine, logFieldsOf, loggedOutActor, noPlay } from './log-line.js';
import type { LogTally } from './log-tally.js';
import { pages, pickLoggedInPage, pickLoggedOutPage, type Page } from './page-mix.js';
import { defectKinds, plantDefect } from './plant-defect.js';
import type { DayPlan } from './plan-days.js';
import type { Play, PlayPool } from './play-pool.js';
import { Prng } from './prng.js';
import type { User } from './user-roster.js';

/** What the simulator needs; everything random comes from `seed`. */
export interface SimulatorOptions {
  seed: string | number;
  users: User[];
  plays: PlayPool;
  /** Share of NextSong events that play a catalog song. */
  matchRate: number;
  /** Share of lines replaced by a bad record. */
  defectRate: number;
  /** The millisecond every timestamp of the dataset ends with (the public logs all end in 796). */
  msOffset: number;
  /** Average events per day; sets how many sessions run at once so that plays come ~4 minutes apart. */
  eventsPerDay: number;
  tally: LogTally;
}

/** A session in progress; `remaining === 0` means the slot is free for the next session. */
interface SessionSlot {
  user: User | null;
  sessionId: number;
  item: number;
  remaining: number;
  /** Logged-out events still to come after a Logout, the last of them a Login. */
  loggedOutSteps: number;
  nextPage: Page | null;
}

const secondsPerDay = 86_400;
const guestSessionShare = 0.03;
const meanSessionLength = 25;

/**
 * Simulates the app's users one event at a time, in timestamp order, and writes each event as a log line.
 *
 * Events of day d take the seconds floor(86400 · (k + u) / n) for k = 0..n-1, so they are sorted, inside
 * the day, and sometimes tied. Each event goes to one of a fixed number of concurrent session slots, chosen at
 * random; a slot whose session has ended starts a new session for an idle user (a user never has two sessions
 * at once), so memory stays constant however many events are written. Session ids only grow, and a session
 * may run past midnight into the next day's file.
 */
export class EventSimulator {
  private readonly random: Prng;
  private readonly slots: SessionSlot[];
  private readonly idleUsers: Int32Array;
  private idleCount: number;
  private nextSessionId: number;
  private eventNumber = 0;
  private day: DayPlan | null = null;
  private dayEvent = 0;
  /** A line made but not yet copied because the previous chunk was full. */
  private pendingLine: string | null = null;

  constructor(private readonly options: SimulatorOptions) {
    this.random = Prng.derive(options.seed, 'events');
    const userCount = options.users.length;
    const wanted = Math.round((options.eventsPerDay * 230) / secondsPerDay);
    const slotCount = Math.max(1, Math.min(wanted, Math.floor(userCount / 2)));
    this.slots = Array.from({ length: slotCount }, () => ({
      user: null,
      sessionId: 0,
      item: 0,
      remaining: 0,
      loggedOutSteps: 0,
      nextPage: null,
    }));
    this.idleUsers = Int32Array.from({ length: userCount }, (_, index) => index);
    this.idleCount = userCount;
    this.nextSessionId = 1 + this.random.int(50);
  }

  /** Lines produced so far, over all days. */
  get eventsWritten(): number {
    return this.eventNumber;
  }

  /** Begins the file of one day. */
  startDay(day: DayPlan): void {
    this.day = day;
    this.dayEvent = 0;
  }

  /**
   * The next lines of the current day's file as bytes (at most `maxBytes`), or null when the day is written.
   * Lines are separated by '\n' with none after the last one, as in the public files. Each line is copied
   * into the buffer as it is made: flattening one large string of concatenated lines costs more than making them.
   */
  nextChunk(maxBytes: number): Buffer | null {
    const day = this.day;
    if (day === null || (this.dayEvent >= day.events && this.pendingLine === null)) return null;
    const chunk = Buffer.allocUnsafe(maxBytes);
    let used = 0;
    for (;;) {
      let line = this.pendingLine;
      if (line === null) {
        if (this.dayEvent >= day.events) break;
        line = (this.dayEvent === 0 ? '' : '\n') + this.nextLine(day);
        this.dayEvent += 1;
      }
      if (line.length > maxBytes - used) {
        if (used === 0)
          throw new RangeError(`a log line of ${line.length} bytes does not fit a ${maxBytes}-byte chunk`);
        this.pendingLine = line;
        break;
      }
      this.pendingLine = null;
      used += chunk.write(line, used, 'latin1');
    }
    return chunk.subarray(0, used);
  }

  private nextLine(day: DayPlan): string {
    const { random, options } = this;
    const second = Math.floor((secondsPerDay * (this.dayEvent + random.float())) / day.events);
    const ts = day.startMs + second * 1000 + options.msOffset;
    const slot = this.slots[random.int(this.slots.length)] as SessionSlot;
    if (slot.remaining === 0) this.startSession(slot);
    const user = slot.user;
    const loggedIn = user !== null && slot.loggedOutSteps === 0;
    const page = this.choosePage(slot, loggedIn);
    const level = user === null ? 'free' : user.level;
    const play = page === pages.nextSong ? this.choosePlay() : null;
    const actor = loggedIn ? user.actor : loggedOutActor;
    const event = { level, itemInSession: slot.item, sessionId: slot.sessionId, ts };
    const playText = play ?? noPlay;
    this.advance(slot, page, loggedIn);

    const eventNumber = this.eventNumber;
    this.eventNumber += 1;
    // Exactly floor(events · rate) defects, evenly spread: line k is bad when floor(k · rate) steps up.
    const defectsBefore = Math.floor(eventNumber * options.defectRate);
    if (Math.floor((eventNumber + 1) * options.defectRate) > defectsBefore) {
      const kind = defectKinds[defectsBefore % defectKinds.length] as (typeof defectKinds)[number];
      options.tally.defect({ key: day.key, line: this.dayEvent + 1, kind });
      return plantDefect(kind, logFieldsOf(actor, page, playText, event));
    }
    options.tally.event(loggedIn ? user.index : -1, level, ts, event.sessionId, play);
    return composeLogLine(actor, page, playText, event);
  }

  private choosePage(slot: SessionSlot, loggedIn: boolean): Page {
    const random = this.random;
    if (slot.user === null) return pickLoggedOutPage(random);
    if (!loggedIn) return slot.loggedOutSteps === 1 ? pages.login : pages.home;
    if (slot.nextPage !== null) return slot.nextPage;
    if (slot.item === 0) return random.chance(0.5) ? pages.home : pages.nextSong;
    return pickLoggedInPage(random, slot.user.level);
  }

  /** Applies an event's consequences: level changes, logging out and back in, the end of the session. */
  private advance(slot: SessionSlot, page: Page, loggedIn: boolean): void {
    const random = this.random;
    const user = slot.user;
    slot.nextPage = null;
    if (user !== null && !loggedIn) {
      slot.loggedOutSteps -= 1;
      // The simulator shows Home right after a Login.
      if (slot.loggedOutSteps === 0) slot.nextPage = pages.home;
    } else if (user !== null) {
      if (page === pages.upgrade && random.chance(0.45)) slot.nextPage = pages.submitUpgrade;
      else if (page === pages.downgrade && random.chance(0.35)) slot.nextPage = pages.submitDowngrade;
      else if (page === pages.submitUpgrade) user.level = 'paid';
      else if (page === pages.submitDowngrade) user.level = 'free';
      else if (page === pages.logout) slot.loggedOutSteps = 2 + random.int(2);
    }
    slot.item += 1;
    slot.remaining -= 1;
    if (slot.remaining === 0 && user !== null) {
      this.idleUsers[this.idleCount] = user.index;
      this.idleCount += 1;
    }
  }

  private startSession(slot: SessionSlot): void {
    const random = this.random;
    slot.sessionId = this.nextSessionId;
    this.nextSessionId += 1 + random.int(3);
    slot.item = 0;
    slot.loggedOutSteps = 0;
    slot.nextPage = null;
    if (random.chance(guestSessionShare) || this.idleCount === 0) {
      slot.user = null;
      slot.remaining = 1 + random.int(4);
      return;
    }
    const pick = random.int(this.idleCount);
    const userIndex = this.idleUsers[pick] as number;
    this.idleCount -= 1;
    this.idleUsers[pick] = this.idleUsers[this.idleCount] as number;
    slot.user = this.options.users[userIndex] as User;
    slot.remaining = 1 + Math.floor(-Math.log(1 - random.float()) * (meanSessionLength - 1));
  }

  private choosePlay(): Play {
    const random = this.random;
    const { matched, unmatched } = this.options.plays;
    const pool = matched.length > 0 && random.chance(this.options.matchRate) ? matched : unmatched;
    // Squaring the roll makes a few songs popular and most rare.
    const roll = random.float();
    return pool[Math.floor(roll * roll * pool.length)] as Play;
  }
}
