import { describe, expect, it } from 'vitest';
import { buildSuite } from './build-suite.js';
import { defaultSuite } from './default-suite.js';
import { parseCheckConfig } from './parse-check-config.js';

const config = (value: unknown) => parseCheckConfig(JSON.stringify(value));

describe('defaultSuite', () => {
  const suite = defaultSuite();
  const names = suite.map((check) => check.name);

  it('covers every class the issue asks for', () => {
    expect(names).toEqual(
      expect.arrayContaining([
        'row_count_songplays',
        'row_count_time',
        'not_null_songplays_user_id',
        'unique_songplays_user_id_session_id_item_in_session_start_time',
        'unique_users_user_id',
        'unique_songs_song_id',
        'unique_artists_artist_id',
        'unique_time_start_time',
        'orphans_songplays_user_id',
        'orphans_songplays_song_id',
        'orphans_songplays_artist_id',
        'orphans_songplays_start_time',
        'accepted_values_songplays_level',
        'accepted_values_users_gender',
        'accepted_range_time_hour',
        'ledger_file_accounting',
        'ledger_nextsong_songplays',
        'ledger_nextsong_outcomes',
        'state_play_alternates_have_songplay',
        'match_rate_songplays_song_id',
        'freshness_plays',
        'freshness_loads',
        'volume_nextsong_events',
        'unknown_keys',
        'null_rate',
      ]),
    );
  });

  it('has unique names; the match rate, a gender outside the contract, unknown keys, null rates and the lesser volumes only warn', () => {
    expect(new Set(names).size).toBe(names.length);
    expect(suite.find((check) => check.name === 'match_rate_songplays_song_id')?.severity).toBe('warn');
    expect(suite.filter((check) => check.severity === 'warn').map((check) => check.name)).toEqual([
      'accepted_values_users_gender',
      'match_rate_songplays_song_id',
      'volume_objects',
      'volume_rejects',
      'unknown_keys',
      'null_rate',
    ]);
  });
});

describe('buildSuite', () => {
  it('is the default suite without a config', () => {
    expect(buildSuite().map((check) => check.name)).toEqual(defaultSuite().map((check) => check.name));
  });

  it('replaces a same-named default, drops excluded ones and appends new checks', () => {
    const suite = buildSuite(
      config({
        exclude: ['accepted_values_users_gender'],
        checks: [
          { type: 'row_count', table: 'songplays', min: 1000 },
          {
            type: 'accepted_values',
            table: 'users',
            column: 'level',
            values: ['free', 'paid', 'trial'],
            name: 'levels_with_trial',
          },
        ],
      }),
    );
    const names = suite.map((check) => check.name);
    expect(names).not.toContain('accepted_values_users_gender');
    expect(names.at(-1)).toBe('levels_with_trial');
    expect(names.filter((name) => name === 'row_count_songplays')).toHaveLength(1);
    expect(suite.find((check) => check.name === 'row_count_songplays')?.countExpression).toContain(
      'COUNT(*) < 1000',
    );
  });

  it('runs only the file checks with defaults off', () => {
    const suite = buildSuite(
      config({ defaults: false, checks: [{ type: 'unique', table: 'users', columns: ['user_id'] }] }),
    );
    expect(suite.map((check) => check.name)).toEqual(['unique_users_user_id']);
  });

  it('refuses duplicate names and excludes that name nothing', () => {
    expect(() =>
      buildSuite(
        config({
          checks: [
            { type: 'unique', table: 'users', columns: ['user_id'], name: 'twice' },
            { type: 'unique', table: 'songs', columns: ['song_id'], name: 'twice' },
          ],
        }),
      ),
    ).toThrow(/two checks are named twice/);
    expect(() => buildSuite(config({ exclude: ['no_such_check'] }))).toThrow(
      /no_such_check, which is not a default check/,
    );
  });
});
