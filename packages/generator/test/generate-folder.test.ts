import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import {
  defectKinds,
  folderSink,
  generateDataset,
  logKeys,
  type GenerateOptions,
  type GenerateSummary,
} from '../src/index.js';
import { lineDefect, readTree, recomputeTruth } from './read-dataset.js';

const scratch = mkdtempSync(join(tmpdir(), 'sparkify-generator-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

let runs = 0;
async function generate(
  options: GenerateOptions,
): Promise<{ summary: GenerateSummary; files: Map<string, Buffer> }> {
  runs += 1;
  const folder = join(scratch, `run-${runs}`);
  const summary = await generateDataset(options, folderSink(folder));
  return { summary, files: readTree(folder) };
}

function logLines(files: Map<string, Buffer>): string[] {
  return [...files]
    .filter(([key]) => key.startsWith('log_data/'))
    .sort(([a], [b]) => a.localeCompare(b))
    .flatMap(([key, body]) => (key.endsWith('.gz') ? gunzipSync(body) : body).toString('utf8').split('\n'));
}

const small: GenerateOptions = { songs: 400, events: 6000, days: 5, seed: 'folder-test' };

describe('generateDataset into a folder', async () => {
  const first = await generate(small);

  it('writes byte-identical files for the same seed and different ones for another seed', async () => {
    const again = await generate(small);
    expect([...again.files.keys()].sort()).toEqual([...first.files.keys()].sort());
    for (const [key, body] of first.files) expect(again.files.get(key)?.equals(body), key).toBe(true);
    const other = await generate({ ...small, seed: 'another seed' });
    expect(logLines(other.files)).not.toEqual(logLines(first.files));
    expect([...other.files.keys()].sort()).not.toEqual([...first.files.keys()].sort());
  });

  it('lays files out as song_data/A/B/C/TR….json and one log_data/yyyy/mm/yyyy-mm-dd-events.json per day', () => {
    const keys = [...first.files.keys()];
    const songKeys = keys.filter((key) => key.startsWith('song_data/'));
    expect(songKeys).toHaveLength(400);
    for (const key of songKeys) {
      const match = /^song_data\/([A-Z])\/([A-Z])\/([A-Z])\/(TR[A-Z0-9]{16})\.json$/.exec(key);
      expect(match, key).not.toBeNull();
      expect(match?.[4]?.slice(2, 5)).toBe(`${match?.[1]}${match?.[2]}${match?.[3]}`);
    }
    expect(keys.filter((key) => key.startsWith('log_data/')).sort()).toEqual([
      'log_data/2018/11/2018-11-01-events.json',
      'log_data/2018/11/2018-11-02-events.json',
      'log_data/2018/11/2018-11-03-events.json',
      'log_data/2018/11/2018-11-04-events.json',
      'log_data/2018/11/2018-11-05-events.json',
    ]);
    expect(first.summary.logKeys).toHaveLength(5);
  });

  it('writes song files both on one line (no trailing newline) and pretty-printed', () => {
    const bodies = [...first.files]
      .filter(([key]) => key.startsWith('song_data/'))
      .map(([, body]) => body.toString('utf8'));
    const pretty = bodies.filter((body) => body.startsWith('{\n  "num_songs": 1,'));
    const single = bodies.filter((body) => body.startsWith('{"num_songs": 1, ') && !body.includes('\n'));
    expect(pretty.length + single.length).toBe(400);
    expect(pretty.length / 400).toBeGreaterThan(0.2);
    expect(pretty.length / 400).toBeLessThan(0.4);
  });

  it('writes log lines with exactly the 18 keys in sample order and every quirk of the public logs', () => {
    const lines = logLines(first.files);
    expect(lines).toHaveLength(6000);
    const events = lines.map((line) => JSON.parse(line) as Record<string, unknown>);
    for (const event of events) expect(Object.keys(event)).toEqual([...logKeys]);
    const loggedIn = lines.filter((line) => line.includes('"auth":"Logged In"'));
    expect(loggedIn.every((line) => /"registration":\d{13}\.0,/.test(line))).toBe(true);
    // Every user agent is a JSON string whose slashes are all escaped.
    const agents = loggedIn.map((line) => /"userAgent":("(?:[^"\\]|\\.)*")/.exec(line)?.[1] ?? '');
    expect(agents.every((agent) => agent.includes('\\/') && !/[^\\]\//.test(agent))).toBe(true);
    expect(lines.some((line) => line.includes('"userAgent":"\\"Mozilla\\/5.0 ('))).toBe(true);
    const loggedOut = events.filter((event) => event.auth === 'Logged Out');
    expect(loggedOut.length).toBeGreaterThan(0);
    for (const event of loggedOut)
      expect(event).toMatchObject({
        userId: '',
        firstName: null,
        lastName: null,
        gender: null,
        registration: null,
      });
    expect(
      lines.some(
        (line) => /"artist":"[^"]*\\u00c3\\u0083/.test(line) || /"song":"[^"]*\\u00c3\\u0083/.test(line),
      ),
    ).toBe(true);
    const nextSong = events.filter((event) => event.page === 'NextSong').length / events.length;
    expect(nextSong).toBeGreaterThan(0.7);
    expect(nextSong).toBeLessThan(0.9);
    const pageNames = new Set(events.map((event) => event.page));
    for (const page of [
      'Home',
      'Login',
      'Logout',
      'Settings',
      'Upgrade',
      'Downgrade',
      'Submit Upgrade',
      'Help',
      'About',
      'Error',
    ]) {
      expect(pageNames, page).toContain(page);
    }
    for (const event of events.filter((entry) => entry.page !== 'NextSong')) {
      expect(event).toMatchObject({ artist: null, song: null, length: null });
    }
  });

  it('keeps timestamps inside each UTC day and sorted within its file', () => {
    for (const [key, body] of first.files) {
      if (!key.startsWith('log_data/')) continue;
      const dayStart = Date.parse(`${key.slice(-22, -12)}T00:00:00Z`);
      const stamps = body
        .toString('utf8')
        .split('\n')
        .map((line) => (JSON.parse(line) as { ts: number }).ts);
      expect(
        stamps.every((ts) => ts >= dayStart && ts < dayStart + 86_400_000),
        key,
      ).toBe(true);
      expect([...stamps].sort((a, b) => a - b)).toEqual(stamps);
    }
  });

  it('never repeats a (sessionId, itemInSession) pair, and items grow within a session', () => {
    const events = logLines(first.files).map(
      (line) => JSON.parse(line) as { sessionId: number; itemInSession: number },
    );
    expect(new Set(events.map((event) => `${event.sessionId}/${event.itemInSession}`)).size).toBe(
      events.length,
    );
    const lastItem = new Map<number, number>();
    for (const event of events) {
      expect(event.itemInSession).toBeGreaterThan(lastItem.get(event.sessionId) ?? -1);
      lastItem.set(event.sessionId, event.itemInSession);
    }
  });

  it('has users going free → paid → free over time', () => {
    const levels = new Map<string, string[]>();
    for (const line of logLines(first.files)) {
      const event = JSON.parse(line) as { userId: string; level: string };
      if (event.userId === '') continue;
      const history = levels.get(event.userId) ?? [];
      if (history.at(-1) !== event.level) history.push(event.level);
      levels.set(event.userId, history);
    }
    expect([...levels.values()].some((history) => history.join(',').includes('free,paid,free'))).toBe(true);
    expect([...levels.values()].some((history) => history.join(',').includes('paid,free,paid'))).toBe(true);
  });

  it('reports ground truth equal to what reading the files back finds', () => {
    const truth = recomputeTruth(first.files);
    const { summary } = first;
    expect(summary).toMatchObject({
      songFiles: truth.songFiles,
      logFiles: truth.logFiles,
      bytes: truth.bytes,
      songs: truth.songs,
      artists: truth.artists,
      duplicateSongs: truth.duplicateSongs,
      events: truth.events,
      validEvents: truth.validEvents,
      nextSongEvents: truth.nextSongEvents,
      matchedPlays: truth.matchedPlays,
      distinctPlayTimes: truth.distinctPlayTimes,
      users: truth.users,
      defectCount: 0,
    });
    expect(summary.latestLevels).toEqual(truth.latestLevels);
    expect(summary.duplicateSongs).toBeGreaterThan(0);
    expect(new Set(Object.values(summary.latestLevels))).toEqual(new Set(['free', 'paid']));
  });

  it('matches about the requested share of plays to a song, exactly on title + artist + duration', async () => {
    expect(first.summary.matchedPlays / first.summary.nextSongEvents).toBeGreaterThan(0.03);
    expect(first.summary.matchedPlays / first.summary.nextSongEvents).toBeLessThan(0.07);
    const many = await generate({ ...small, matchRate: 0.5 });
    expect(many.summary.matchedPlays).toBe(recomputeTruth(many.files).matchedPlays);
    expect(many.summary.matchedPlays / many.summary.nextSongEvents).toBeGreaterThan(0.45);
  });

  it('plants defects at the requested rate, cycling kinds, each reported at its key and line', async () => {
    const { summary, files } = await generate({ ...small, defectRate: 0.01 });
    expect(summary.defectCount).toBe(60);
    expect(summary.defects).toHaveLength(60);
    for (const kind of defectKinds) expect(summary.defectsByKind[kind]).toBe(10);
    const truth = recomputeTruth(files);
    expect(truth.defects).toEqual(summary.defects);
    expect(summary).toMatchObject({
      events: 6000,
      validEvents: 5940,
      nextSongEvents: truth.nextSongEvents,
      users: truth.users,
    });
    expect(summary.latestLevels).toEqual(truth.latestLevels);
    for (const defect of summary.defects) {
      const line = files.get(defect.key)?.toString('utf8').split('\n')[defect.line - 1] ?? '';
      expect(lineDefect(line)).toBe(defect.kind);
    }
  });

  it('writes gzip files whose content is the plain dataset', async () => {
    const zipped = await generate({ ...small, gzip: true });
    expect([...zipped.files.keys()].filter((key) => key.endsWith('.json.gz'))).toHaveLength(5);
    expect(logLines(zipped.files)).toEqual(logLines(first.files));
    expect(zipped.summary.bytes).toBe(recomputeTruth(zipped.files).bytes);
  });

  it('rejects impossible options with a message naming the option', async () => {
    await expect(generate({ events: -1 })).rejects.toThrow(/events must be a whole number/);
    await expect(generate({ matchRate: 2 })).rejects.toThrow(/matchRate must be a share/);
    await expect(generate({ startDate: '2018-13-45' })).rejects.toThrow(/startDate/);
    await expect(generate({ startDate: '2018-02-31' })).rejects.toThrow(/startDate/);
  });
});
