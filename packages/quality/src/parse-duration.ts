const UNIT_MS = { w: 604_800_000, d: 86_400_000, h: 3_600_000, m: 60_000, s: 1000 } as const;
type Unit = keyof typeof UNIT_MS;

/** "36h", "2d", "1d12h", "90m", "1w": whole numbers with units, largest first. */
const SIMPLE = /^(?:(\d+)w)?(?:(\d+)d)?(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?$/;
/** ISO 8601 durations without years and months (their length varies): P2D, PT36H, P1DT12H, P1W. */
const ISO = /^P(?:(\d+)W)?(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)S)?)?$/;

/** What a duration field accepts, for error messages. */
export const durationHint = 'a duration like 36h, 2d, 1d12h, 90m or ISO 8601 PT36H / P2D';

/**
 * A duration in milliseconds, or undefined when the text is not one: `36h`, `2d`, `1d12h`, `90m`, `45s`, `1w`,
 * or ISO 8601 `PT36H`, `P2D`, `P1DT12H` (no years or months: their length varies). Zero is not a duration.
 * @example parseDuration('1d12h') // 129600000
 */
export function parseDuration(text: string): number | undefined {
  const trimmed = text.trim();
  const match = SIMPLE.exec(trimmed.toLowerCase()) ?? ISO.exec(trimmed.toUpperCase());
  if (!match) return undefined;
  const units: Unit[] = ['w', 'd', 'h', 'm', 's'];
  const ms = units.reduce((sum, unit, index) => sum + Number(match[index + 1] ?? 0) * UNIT_MS[unit], 0);
  return ms > 0 && Number.isSafeInteger(ms) ? ms : undefined;
}

/**
 * A duration for people, in its largest unit and the next one: "36 h" reads as "1 d 12 h", "90 m" as "1 h 30 m",
 * 5 days and 1 minute as "5 d" (the minute is below the precision shown).
 * @example formatDuration(129_600_000) // "1 d 12 h"
 */
export function formatDuration(ms: number): string {
  const absolute = Math.abs(ms);
  if (absolute < 1000) return `${Math.round(absolute)} ms`;
  const units = ['d', 'h', 'm', 's'] as const;
  const first = units.findIndex((unit) => absolute >= UNIT_MS[unit]);
  const major = units[first]!;
  const whole = Math.floor(absolute / UNIT_MS[major]);
  const minor = units[first + 1];
  const rest = minor ? Math.floor((absolute - whole * UNIT_MS[major]) / UNIT_MS[minor]) : 0;
  return rest > 0 && minor ? `${whole} ${major} ${rest} ${minor}` : `${whole} ${major}`;
}
