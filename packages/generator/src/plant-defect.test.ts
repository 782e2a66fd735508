import { describe, expect, it } from 'vitest';
import { actorSegments, logFieldsOf, noPlay } from './log-line.js';
import { pages } from './page-mix.js';
import { defectKinds, plantDefect } from './plant-defect.js';

const actor = actorSegments({
  auth: '"Logged In"',
  firstName: '"Kaylee"',
  gender: '"F"',
  lastName: '"Summers"',
  location: '"Phoenix-Mesa-Scottsdale, AZ"',
  registration: '1540344794796.0',
  userAgent: '"Mozilla\\/5.0"',
  userId: '"8"',
});
const fields = logFieldsOf(actor, pages.home, noPlay, {
  level: 'paid',
  itemInSession: 2,
  sessionId: 139,
  ts: 1541106132796,
});

describe('plantDefect', () => {
  it('breaks each record in the way its kind names', () => {
    const lines = Object.fromEntries(defectKinds.map((kind) => [kind, plantDefect(kind, fields)]));
    expect(() => JSON.parse(lines['truncated-line'] as string) as unknown).toThrow();
    const parse = (kind: string): Record<string, unknown> =>
      JSON.parse(lines[kind] as string) as Record<string, unknown>;
    expect(parse('ts-as-string').ts).toBe('1541106132796');
    expect(parse('session-id-fraction').sessionId).toBe(139.5);
    expect(Object.keys(parse('missing-key'))).toHaveLength(17);
    expect(parse('missing-key')).not.toHaveProperty('level');
    expect(parse('next-song-without-song')).toMatchObject({ page: 'NextSong', song: null });
    expect(typeof parse('next-song-without-song').artist).toBe('string');
    expect(parse('user-id-not-digits').userId).toBe('user-8');
  });

  it('changes nothing else on the line', () => {
    const parsed = JSON.parse(plantDefect('ts-as-string', fields)) as Record<string, unknown>;
    expect({ ...parsed, ts: 1541106132796 }).toEqual(
      JSON.parse(
        `{${Object.entries(fields)
          .map(([key, value]) => `"${key}":${value}`)
          .join(',')}}`,
      ),
    );
  });
});
