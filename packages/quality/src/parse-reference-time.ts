import { QualityError } from './errors.js';

const DATE_TIME =
  /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,3}))?)?)?(Z|[+-]\d{2}:?\d{2})?$/i;

/**
 * The reference time a check run judges freshness against (`--as-of`): a date (`2018-12-01`, 00:00 UTC of that
 * day) or a date and time (`2018-11-30T18:00`, `2018-11-30 18:00:00Z`, `2018-11-30T20:00+02:00`); without a
 * zone it is UTC, like the warehouse's timestamps. Anything else throws CHECK_CONFIG_INVALID naming the text.
 * @example parseReferenceTime('2018-12-01') // 2018-12-01T00:00:00.000Z
 */
export function parseReferenceTime(text: string, name = '--as-of'): Date {
  const match = DATE_TIME.exec(text.trim());
  const invalid = () =>
    new QualityError(
      'CHECK_CONFIG_INVALID',
      `${name}: expected a date (2018-12-01, meaning 00:00 UTC) or a date and time (2018-11-30T18:00, UTC unless a zone like Z or +02:00 is given), got "${text}"`,
    );
  if (!match) throw invalid();
  const [, year, month, day, hour = '00', minute = '00', second = '00', fraction = '0', zone = 'Z'] = match;
  const offset = zone.toUpperCase() === 'Z' ? 'Z' : zone.replace(/^([+-]\d{2}):?(\d{2})$/, '$1:$2');
  const iso = `${year}-${month}-${day}T${hour}:${minute}:${second}.${fraction.padEnd(3, '0')}${offset}`;
  const date = new Date(iso);
  // Date rolls 2018-02-31 over into March and accepts hour 24; a real wall-clock time reads back unchanged.
  const wall = new Date(`${year}-${month}-${day}T${hour}:${minute}:${second}Z`);
  if (
    Number.isNaN(date.getTime()) ||
    Number.isNaN(wall.getTime()) ||
    wall.toISOString().slice(0, 19) !== `${year}-${month}-${day}T${hour}:${minute}:${second}`
  ) {
    throw invalid();
  }
  return date;
}

/** A timestamp the database returned as wall-clock text ("2018-11-01 21:01:46.796"), which is UTC, as a Date. */
export function utcFromWallClock(text: string): Date {
  return new Date(`${text.trim().replace(' ', 'T')}Z`);
}

/** A Date as the warehouse's UTC wall-clock text, to the second: "2018-11-30 23:58:12". */
export function utcText(date: Date): string {
  return date.toISOString().slice(0, 19).replace('T', ' ');
}
