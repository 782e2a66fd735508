import { describe, expect, it } from 'vitest';
import { QualityError } from './errors.js';
import { parseCheckConfig } from './parse-check-config.js';

const parseError = (config: unknown): QualityError => {
  try {
    parseCheckConfig(typeof config === 'string' ? config : JSON.stringify(config), 'checks.json');
  } catch (error) {
    if (error instanceof QualityError) return error;
    throw error;
  }
  throw new Error('expected the config to be rejected');
};

describe('parseCheckConfig', () => {
  it('accepts every documented field and defaults to keeping the default suite', () => {
    const config = parseCheckConfig(
      JSON.stringify({
        exclude: ['accepted_values_users_gender'],
        checks: [
          { type: 'row_count', table: 'songplays', min: 1000, max: 5_000_000 },
          { type: 'unique', table: 'users', columns: ['user_id'], severity: 'warn', warnAbove: 3 },
          {
            type: 'sql',
            name: 'no_future_plays',
            sql: "SELECT songplay_id FROM songplays WHERE start_time > '2100-01-01'",
          },
        ],
      }),
    );
    expect(config.defaults).toBe(true);
    expect(config.exclude).toEqual(['accepted_values_users_gender']);
    expect(config.checks.map((check) => check.type)).toEqual(['row_count', 'unique', 'sql']);
  });

  it('names an unknown check type and lists the known ones', () => {
    const error = parseError({ checks: [{ type: 'uniq', table: 'users', columns: ['user_id'] }] });
    expect(error.code).toBe('CHECK_CONFIG_INVALID');
    expect(error.message).toContain('checks.json: checks[0].type: unknown check type "uniq"');
    expect(error.message).toContain('row_count, not_null, unique');
  });

  it('names an unknown key instead of ignoring it', () => {
    const error = parseError({ checks: [{ type: 'not_null', table: 'users', colums: ['user_id'] }] });
    expect(error.message).toMatch(/checks\[0\]: Unrecognized key.*colums/);
    const topLevel = parseError({ check: [] });
    expect(topLevel.message).toMatch(/Unrecognized key.*"check"/);
  });

  it('reports every problem with its path', () => {
    const error = parseError({
      checks: [
        { type: 'not_null', table: 'Users', columns: [] },
        { type: 'match_rate', table: 'songplays', column: 'song_id', min: 2 },
      ],
    });
    expect(error.message).toContain('checks[0].table: a lower-case identifier');
    expect(error.message).toContain('checks[0].columns');
    expect(error.message).toContain('checks[1].min');
  });

  it('rejects contradictions zod shapes cannot see', () => {
    expect(parseError({ checks: [{ type: 'row_count', table: 'users', min: 5, max: 1 }] }).message).toContain(
      'min (5) is above max (1)',
    );
    expect(
      parseError({
        checks: [{ type: 'unique', table: 'users', columns: ['user_id'], severity: 'warn', errorAbove: 1 }],
      }).message,
    ).toContain('errorAbove has no effect with severity "warn"');
  });

  it('says when the file is not JSON', () => {
    expect(parseError('{ checks: ').message).toMatch(/^checks\.json is not valid JSON/);
  });

  it('requires a name for a custom sql check', () => {
    expect(parseError({ checks: [{ type: 'sql', sql: 'SELECT 1' }] }).message).toContain('checks[0].name');
  });
});
