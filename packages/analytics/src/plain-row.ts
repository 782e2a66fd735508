import type { Value } from './run-questions.js';

const pad = (value: number) => String(value).padStart(2, '0');

/**
 * A row from a knex query builder with plain values: node-postgres reads zone-less timestamps in the local time
 * zone, so the local getters give back the stored (UTC) wall clock; counts that arrive as strings (bigint)
 * become numbers for the columns named.
 */
export function plainRow(
  raw: Record<string, unknown>,
  numericColumns: readonly string[],
): Record<string, Value> {
  const row: Record<string, Value> = {};
  for (const [column, value] of Object.entries(raw)) {
    if (value === null || value === undefined) row[column] = null;
    else if (value instanceof Date) {
      row[column] =
        `${value.getFullYear()}-${pad(value.getMonth() + 1)}-${pad(value.getDate())} ` +
        `${pad(value.getHours())}:${pad(value.getMinutes())}:${pad(value.getSeconds())}`;
    } else if (numericColumns.includes(column)) row[column] = Number(value);
    else if (typeof value === 'number' || typeof value === 'string' || typeof value === 'boolean')
      row[column] = value;
    else row[column] = String(value);
  }
  return row;
}

/** Seconds between two wall-clock texts (`yyyy-mm-dd hh:mm:ss`), or null when one is missing. */
export function secondsBetween(start: Value, end: Value): number | null {
  if (typeof start !== 'string' || typeof end !== 'string') return null;
  const ms = Date.parse(`${end.replace(' ', 'T')}Z`) - Date.parse(`${start.replace(' ', 'T')}Z`);
  return Number.isNaN(ms) ? null : ms / 1000;
}
