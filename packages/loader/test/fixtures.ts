import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { gzipSync } from 'node:zlib';
import type { Knex } from 'knex';
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

export interface FixtureFiles {
  /** path relative to the root -> content */
  [path: string]: string | Buffer;
}

/** Writes files below a new temporary root and returns it. */
export function writeFixture(files: FixtureFiles): string {
  const root = mkdtempSync(join(tmpdir(), 'sparkify-loader-'));
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), content);
  }
  return root;
}

export const ndjson = (records: readonly unknown[]) => records.map((record) => JSON.stringify(record)).join('\n');
export const gz = (text: string) => gzipSync(Buffer.from(text));

let counter = 0;
/** Runs load() on the postgres target with test defaults. */
export function loadInto(knex: Knex, options: Partial<LoadOptions> & Pick<LoadOptions, 'source'>): Promise<LoadResult> {
  counter += 1;
  return load({
    knex,
    dialect: 'postgres',
    holder: { holder: `test-${process.pid}-${counter}`, host: hostname(), pid: process.pid },
    isProcessAlive: () => true,
    ...options,
  });
}

/** Every star table's rows (songplay_id excluded: a surrogate), sorted, for comparing two warehouses. */
export async function starSnapshot(knex: Knex): Promise<Record<string, unknown[]>> {
  const tables = {
    songplays:
      'SELECT start_time, user_id, level, song_id, artist_id, session_id, item_in_session, location, user_agent FROM songplays ORDER BY session_id, item_in_session',
    users: 'SELECT * FROM users ORDER BY user_id',
    songs: 'SELECT * FROM songs ORDER BY song_id',
    artists: 'SELECT * FROM artists ORDER BY artist_id',
    time: 'SELECT * FROM time ORDER BY start_time',
  };
  const snapshot: Record<string, unknown[]> = {};
  for (const [name, sql] of Object.entries(tables)) snapshot[name] = (await knex.raw<{ rows: unknown[] }>(sql)).rows;
  return snapshot;
}
