/** A Date as a UTC `YYYY-MM-DD HH:MM:SS.mmm` literal for TIMESTAMP columns, whatever the server's time zone. */
export function sqlTimestamp(date: Date): string {
  return date.toISOString().replace('T', ' ').replace('Z', '');
}
