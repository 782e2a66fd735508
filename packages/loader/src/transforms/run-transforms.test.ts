import { describe, expect, it } from 'vitest';
import { planTransform, starTableChange } from './run-transforms.js';

const shapes = [false, true].flatMap((fullRefresh) =>
  [false, true].flatMap((songsLoaded) =>
    [false, true].flatMap((eventsLoaded) =>
      [false, true].map((hadSongplays) => ({ fullRefresh, songsLoaded, eventsLoaded, hadSongplays })),
    ),
  ),
);
const planned = [
  ...new Set(shapes.flatMap((shape) => planTransform(shape).map((statement) => statement.sql))),
];

describe('the star tables sizes after a transform', () => {
  it('names the table and direction of inserts and deletes, and nothing else', () => {
    expect(starTableChange('\nINSERT INTO songplays (start_time) SELECT 1')).toEqual({
      table: 'songplays',
      sign: 1,
    });
    expect(starTableChange('DELETE FROM time WHERE 1 = 0')).toEqual({ table: 'time', sign: -1 });
    expect(starTableChange('DELETE FROM users')).toEqual({ table: 'users', sign: -1 });
    expect(starTableChange('INSERT INTO etl_song_keys (song_id) SELECT 1')).toBeUndefined();
    expect(starTableChange('INSERT INTO songs_next (song_id) SELECT 1')).toBeUndefined();
    expect(starTableChange('UPDATE songplays SET song_id = NULL')).toBeUndefined();
    expect(starTableChange('SELECT 1 FROM songplays')).toBeUndefined();
  });

  // Every planned statement that changes how many rows a star table holds must be one starTableChange reads:
  // an INSERT INTO or DELETE FROM at its start. Anything else (a TRUNCATE, a CTE before the INSERT) would leave
  // the reported size wrong.
  it('reads the effect on the star of every statement a transform plans', () => {
    expect(planned.length).toBeGreaterThan(40);
    for (const sql of planned) {
      const writes = [...sql.matchAll(/\b(INSERT\s+INTO|DELETE\s+FROM|TRUNCATE|MERGE\s+INTO)\s+(\w+)/gi)]
        .map((match) => match[2]!.toLowerCase())
        .filter((table) => ['songplays', 'users', 'songs', 'artists', 'time'].includes(table));
      expect(writes.length, sql).toBeLessThanOrEqual(1);
      expect(starTableChange(sql)?.table, sql).toBe(writes[0]);
    }
  });
});
