import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { gzipSync } from 'node:zlib';
import type { Knex } from 'knex';
import { afterAll, inject } from 'vitest';
import { createTestDatabase, type TestDatabase } from '@sparkify/testkit';
import { migrateTo } from '@sparkify/schema';
import { load, type LoadOptions, type LoadResult } from '../src/index.js';

/** A song object with every key of the format. */
export function song(overrides: Partial<Record<string, unknown>> = {}): Record<string, unknown> {
  return {
    num_songs: 1,
    artist_id: 'ARTIST00000000001',
    artist_latitude: null,
    artist_longitude: null,
    artist_location: '',
    artist_name: 'Artist One',
    song_id: 'SONG000000000001',
    title: 'Title One',
    duration: 200.5,
    year: 2001,
    ...overrides,
  };
}

let item = 0;
/** A NextSong event with every key of the format, in the sample's key order. */
export function play(overrides: Partial<Record<string, unknown>> = {}): Record<string, unknown> {
  item += 1;
  return {
    artist: 'Artist One',
    auth: 'Logged In',
    firstName: 'Ann',
    gender: 'F',
    itemInSession: item,
    lastName: 'Lee',
    length: 200.5,
    level: 'free',
    location: 'Somewhere, CA',
    method: 'PUT',
    page: 'NextSong',
    registration: 1540919166796.0,
    sessionId: 7,
    song: 'Title One',
    status: 200,
    ts: 1541106106796,
    userAgent: '"Mozilla/5.0"',
    userId: '10',
    ...overrides,
  };
}

/** A non-NextSong event (Home by default). */
export function visit(overrides: Partial<Record<string, unknown>> = {}): Record<string, unknown> {
  return play({ artist: null, song: null, length: null, page: 'Home', method: 'GET', ...overrides });
}

/** A page visit by a logged-out user: empty userId, no names or gender. */
export function loggedOutVisit(overrides: Partial<Record<string, unknown>> = {}): Record<string, unknown> {
  return visit({
    userId: '',
    firstName: null,
    lastName: null,
    gender: null,
    auth: 'Logged Out',
    ...overrides,
  });
}

export interface FixtureFiles {
  /** path relative to the root -> content */
  [path: string]: string | Buffer;
}

const temporaryFolders: string[] = [];
// Every temporary folder of a test file goes when the file is done (a full run makes a few hundred).
afterAll(() => {
  for (const folder of temporaryFolders.splice(0)) rmSync(folder, { recursive: true, force: true });
});

/** A new empty folder under the system's temporary folder, removed after the test file. */
export function temporaryFolder(prefix: string): string {
  const folder = mkdtempSync(join(tmpdir(), prefix));
  temporaryFolders.push(folder);
  return folder;
}

/** Writes files below a new temporary root and returns it. */
export function writeFixture(files: FixtureFiles): string {
  const root = temporaryFolder('sparkify-loader-');
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), content);
  }
  return root;
}

export const ndjson = (records: readonly unknown[]) =>
  records.map((record) => JSON.stringify(record)).join('\n');
export const gz = (text: string) => gzipSync(Buffer.from(text));

let counter = 0;
/** Runs load() on the postgres target with test defaults. */
export function loadInto(
  knex: Knex,
  options: Partial<LoadOptions> & Pick<LoadOptions, 'source'>,
): Promise<LoadResult> {
  counter += 1;
  return load({
    knex,
    dialect: 'postgres',
    holder: { holder: `test-${process.pid}-${counter}`, host: hostname(), pid: process.pid },
    isProcessAlive: () => true,
    ...options,
  });
}

export { starSnapshot } from '@sparkify/testkit';

/** Fresh migrated warehouses for one test file (a database each), all dropped after the file. */
export function migratedWarehouses(prefix: string): () => Promise<TestDatabase> {
  const databases: TestDatabase[] = [];
  afterAll(async () => {
    for (const db of databases) await db.drop();
  });
  return async () => {
    const db = await createTestDatabase(inject('pgUrl'), prefix);
    await migrateTo(db.knex, { dialect: 'postgres' });
    databases.push(db);
    return db;
  };
}

/**
 * A small multi-day dataset built by rule (not the generator): users changing level, plays that match songs,
 * plays that do not, logged-out visits. Returned as per-day and per-song files so tests can batch them.
 */
export function smallDataset(): { songFiles: FixtureFiles; dayFiles: Record<string, string> } {
  const songFiles: FixtureFiles = {};
  const songs = Array.from({ length: 6 }, (_, index) =>
    song({
      song_id: `SONG0000000000${index}`,
      artist_id: `ARTIST0000000000${index % 3}`,
      artist_name: `Artist ${index % 3}`,
      artist_location: index % 2 ? 'Austin, TX' : '',
      artist_latitude: index % 2 ? 30.2 : null,
      artist_longitude: index % 2 ? -97.7 : null,
      title: `Song ${index}`,
      duration: 100 + index,
    }),
  );
  songs.forEach((record, index) => {
    songFiles[`song_data/A/${'ABC'[index % 3]}/X/TRX${index}.json`] = JSON.stringify(
      record,
      null,
      index % 2 ? 2 : 0,
    );
  });
  const dayFiles: Record<string, string> = {};
  let session = 100;
  for (let day = 1; day <= 3; day += 1) {
    const lines: unknown[] = [];
    const base = Date.UTC(2018, 10, day);
    for (let user = 1; user <= 5; user += 1) {
      session += 1;
      const level = (user + day) % 2 ? 'paid' : 'free';
      lines.push(
        loggedOutVisit({
          sessionId: session,
          itemInSession: 0,
          ts: base + user * 1000,
        }),
      );
      for (let position = 1; position <= 4; position += 1) {
        const index = (user + position + day) % 8;
        const matches = index < 6;
        lines.push(
          play({
            userId: String(user),
            firstName: `User${user}`,
            level,
            sessionId: session,
            itemInSession: position,
            ts: base + user * 1000 + position * 60_000,
            song: matches ? `Song ${index}` : `Unknown ${index}`,
            artist: matches ? `Artist ${index % 3}` : 'Nobody',
            length: matches ? 100 + index : 99,
          }),
        );
      }
    }
    dayFiles[`log_data/2018/11/2018-11-0${day}-events.json`] = ndjson(lines);
  }
  return { songFiles, dayFiles };
}
