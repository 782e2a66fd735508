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
 * A duration for people, in its two largest units: "36 h" reads as "1 d 12 h", "90 m" as "1 h 30 m".
 * @example formatDuration(129_600_000) // "1 d 12 h"
 */
export function formatDuration(ms: number): string {
  const absolute = Math.abs(ms);
  if (absolute < 1000) return `${Math.round(absolute)} ms`;
  const parts: string[] = [];
  let rest = Math.floor(absolute / 1000) * 1000;
  for (const unit of ['d', 'h', 'm', 's'] as const) {
    const whole = Math.floor(rest / UNIT_MS[unit]);
    if (whole > 0) parts.push(`${whole} ${unit}`);
    rest -= whole * UNIT_MS[unit];
  }
  return parts.slice(0, 2).join(' ');
}
