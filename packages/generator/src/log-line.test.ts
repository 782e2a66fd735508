import { describe, expect, it } from 'vitest';
import {
  actorSegments,
  composeLogLine,
  formatLogLine,
  logFieldsOf,
  logKeys,
  loggedOutActor,
  noPlay,
  playSegments,
} from './log-line.js';
import { pages } from './page-mix.js';

const walter = actorSegments({
  auth: '"Logged In"',
  firstName: '"Walter"',
  gender: '"M"',
  lastName: '"Frye"',
  location: '"San Francisco-Oakland-Hayward, CA"',
  registration: '1540919166796.0',
  userAgent: '"\\"Mozilla\\/5.0 (Macintosh)\\""',
  userId: '"39"',
});
const play = playSegments({ artist: '"Des\'ree"', song: '"You Gotta Be"', length: '246.30812' });
const event = { level: 'free', itemInSession: 1, sessionId: 139, ts: 1541106106796 } as const;

describe('composeLogLine', () => {
  it('writes the same text as the field-by-field formatter, for every kind of actor and page', () => {
    for (const actor of [walter, loggedOutActor]) {
      for (const [page, played] of [
        [pages.nextSong, play],
        [pages.home, noPlay],
        [pages.logout, noPlay],
      ] as const) {
        for (const level of ['free', 'paid'] as const) {
          const parts = { ...event, level };
          expect(composeLogLine(actor, page, played, parts)).toBe(
            formatLogLine(logFieldsOf(actor, page, played, parts)),
          );
        }
      }
    }
  });

  it('matches a real logged-in NextSong line of the public sample byte for byte', () => {
    expect(composeLogLine(walter, pages.nextSong, play, event)).toBe(
      '{"artist":"Des\'ree","auth":"Logged In","firstName":"Walter","gender":"M","itemInSession":1,"lastName":"Frye",' +
        '"length":246.30812,"level":"free","location":"San Francisco-Oakland-Hayward, CA","method":"PUT","page":"NextSong",' +
        '"registration":1540919166796.0,"sessionId":139,"song":"You Gotta Be","status":200,"ts":1541106106796,' +
        '"userAgent":"\\"Mozilla\\/5.0 (Macintosh)\\"","userId":"39"}',
    );
  });

  it('writes logged-out events with null person fields and an empty userId, keys in sample order', () => {
    const line = composeLogLine(loggedOutActor, pages.home, noPlay, event);
    const parsed = JSON.parse(line) as Record<string, unknown>;
    expect(Object.keys(parsed)).toEqual([...logKeys]);
    expect(parsed).toMatchObject({
      auth: 'Logged Out',
      firstName: null,
      gender: null,
      registration: null,
      userAgent: null,
      userId: '',
    });
  });
});

describe('formatLogLine', () => {
  it('can leave out one key', () => {
    const parsed = JSON.parse(
      formatLogLine(logFieldsOf(walter, pages.home, noPlay, event), 'level'),
    ) as object;
    expect(Object.keys(parsed)).toEqual(logKeys.filter((key) => key !== 'level'));
  });
});
