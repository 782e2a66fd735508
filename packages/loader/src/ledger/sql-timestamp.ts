/** A Date as a UTC `YYYY-MM-DD HH:MM:SS.mmm` literal for TIMESTAMP columns, whatever the server's time zone. */
export function sqlTimestamp(date: Date): string {
  return date.toISOString().replace('T', ' ').replace('Z', '');
}

/**
 * Reads back a TIMESTAMP written by `sqlTimestamp`. The driver parses a timestamp without time zone as local
 * time; its wall-clock fields are UTC, so they are taken as UTC whatever the process's time zone.
 */
export function readSqlTimestamp(value: Date | string): Date {
  if (typeof value === 'string') return new Date(`${value.replace(' ', 'T').replace(/Z?$/, '')}Z`);
  return new Date(
    Date.UTC(
      value.getFullYear(),
      value.getMonth(),
      value.getDate(),
      value.getHours(),
      value.getMinutes(),
      value.getSeconds(),
      value.getMilliseconds(),
    ),
  );
}
