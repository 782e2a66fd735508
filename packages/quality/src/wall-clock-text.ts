/**
 * The text of a TIMESTAMP value as the database holds it ("2018-11-01 21:01:46.796"). node-pg parses a
 * TIMESTAMP (no time zone) into a Date in the process's local zone, so the local getters give the stored text back.
 */
export function wallClockText(value: Date): string {
  const pad = (n: number, width = 2) => String(n).padStart(width, '0');
  return (
    `${value.getFullYear()}-${pad(value.getMonth() + 1)}-${pad(value.getDate())} ` +
    `${pad(value.getHours())}:${pad(value.getMinutes())}:${pad(value.getSeconds())}.${pad(value.getMilliseconds(), 3)}`
  );
}
