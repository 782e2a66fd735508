import type { FieldProblem } from './validate-record.js';

/** What the record checks beyond the JSON Schema may be told: where real data varies. */
export interface RecordRules {
  /** Event times (`ts`, epoch milliseconds) before this are refused as probably being seconds. */
  minEventTimeMs: number;
  /** Keys the format does not know make the record bad (default: counted, then ignored). */
  strictKeys: boolean;
}

/** 2000-01-01T00:00:00Z: Sparkify's events are all later; a `ts` in seconds reads as January 1970. */
export const DEFAULT_MIN_EVENT_TIME_MS = Date.UTC(2000, 0, 1);

/** The rules used when a load sets none. */
export const defaultRecordRules: RecordRules = {
  minEventTimeMs: DEFAULT_MIN_EVENT_TIME_MS,
  strictKeys: false,
};

const COLON = 0x3a;
// With the u flag a surrogate pair is one code point, so this matches only a lone (unpaired) surrogate.
const LONE_SURROGATE = /\p{Cs}/u;
/** A `\u` escape of a surrogate (either half), in the record's text. */
const SURROGATE_ESCAPE = /\\u[dD][89a-fA-F]/;
/** A `\u` escape of a colon, in the record's text. */
const ESCAPED_COLON = /\\u003[aA]/;

function colonsIn(text: string): number {
  let count = 0;
  for (let at = text.indexOf(':'); at !== -1; at = text.indexOf(':', at + 1)) count += 1;
  return count;
}

function keysIn(record: object): number {
  let count = 0;
  for (const _key in record) count += 1;
  return count;
}

/**
 * Keys of a flat record plus the colons inside its keys and string values. Without a `\u003a` escape a string's
 * colons are the same raw and decoded, so the text holds at least this many; a nested value returns Infinity
 * (its colons are not counted here), which sends the record to the exact scan.
 */
function expectedColons(record: object): number {
  let count = 0;
  for (const key in record) {
    const value = (record as Record<string, unknown>)[key];
    count += key.includes(':') ? 1 + colonsIn(key) : 1;
    if (typeof value === 'string') {
      if (value.includes(':')) count += colonsIn(value);
    } else if (value !== null && typeof value === 'object') return Number.POSITIVE_INFINITY;
  }
  return count;
}

function pointerPart(key: string): string {
  return key.replace(/~/g, '~0').replace(/\//g, '~1');
}

/** The index of the quote closing the string that opens at `open`. */
function closingQuote(text: string, open: number): number {
  let close = text.indexOf('"', open + 1);
  for (;;) {
    let backslashes = 0;
    while (text.charCodeAt(close - 1 - backslashes) === 0x5c) backslashes += 1;
    if (backslashes % 2 === 0) return close;
    close = text.indexOf('"', close + 1);
  }
}

interface Frame {
  /** Keys seen so far in this object; null for an array. */
  keys: Set<string> | null;
  path: string;
  lastKey: string;
  index: number;
}

/**
 * Scans JSON text (already known to parse) for an object that names the same key twice; returns the first such
 * key as a JSON pointer (its object's path and the key) or null. Strings are skipped with indexOf, so the scan
 * costs little more than a pass over the structure; keys are compared decoded (`"a"` and `"\u0061"` are one key).
 */
export function scanDuplicateKey(text: string): string | null {
  const frames: Frame[] = [];
  let frame: Frame | undefined;
  const childPath = (): string =>
    frame ? `${frame.path}/${frame.keys ? pointerPart(frame.lastKey) : String(frame.index)}` : '';
  for (let at = 0; at < text.length; at += 1) {
    const code = text.charCodeAt(at);
    if (code === 0x22) {
      const close = closingQuote(text, at);
      if (frame?.keys) {
        let next = close + 1;
        for (let c = text.charCodeAt(next); c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d;) {
          next += 1;
          c = text.charCodeAt(next);
        }
        if (text.charCodeAt(next) === COLON) {
          const raw = text.slice(at + 1, close);
          const key = raw.includes('\\') ? (JSON.parse(`"${raw}"`) as string) : raw;
          if (frame.keys.has(key)) return `${frame.path}/${pointerPart(key)}`;
          frame.keys.add(key);
          frame.lastKey = key;
        }
      }
      at = close;
    } else if (code === 0x7b || code === 0x5b) {
      const opened: Frame = {
        keys: code === 0x7b ? new Set() : null,
        path: childPath(),
        lastKey: '',
        index: 0,
      };
      if (frame) frames.push(frame);
      frame = opened;
    } else if (code === 0x7d || code === 0x5d) {
      frame = frames.pop();
    } else if (code === 0x2c && frame && !frame.keys) {
      frame.index += 1;
    }
  }
  return null;
}

/**
 * Finds a key named twice in the record's text. JSON.parse keeps the last value silently, so such a record is
 * ambiguous. Cheap for the flat objects of the format: the text's colons are its keys' colons plus those inside
 * its strings; when there are no more than the parsed record accounts for, no key can repeat. Only otherwise (a
 * duplicate, a `\u` escape, a nested value) is the text scanned.
 */
export function findDuplicateKey(text: string, record: unknown): string | null {
  if (record === null || typeof record !== 'object') return null;
  // Only an escaped colon (\u003a) can make a decoded string hold more colons than its text: other escapes (the
  // \u00e9 of names written by ensure_ascii JSON writers) leave the count exact.
  if (ESCAPED_COLON.test(text)) return scanDuplicateKey(text);
  const colons = colonsIn(text);
  // Most records: one colon per key, none inside strings.
  if (colons <= keysIn(record) || colons <= expectedColons(record)) return null;
  return scanDuplicateKey(text);
}

function escapeSurrogates(value: string): string {
  return value.replace(
    /[\ud800-\udfff]/g,
    (unit) => `\\u${unit.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}

/**
 * Finds a string (value or key) holding a lone UTF-16 surrogate, which `\ud800`-style escapes can produce but
 * which is not text: no database column can store it faithfully. Cheap: only text with a `\u` escape can.
 */
export function findLoneSurrogate(text: string, record: unknown): FieldProblem | null {
  // Decoded UTF-8 holds no lone surrogate: only a \ud800-\udfff escape can give one (a pair is two of them).
  if (!SURROGATE_ESCAPE.test(text)) return null;
  const visit = (value: unknown, path: string): FieldProblem | null => {
    if (typeof value === 'string') {
      return !LONE_SURROGATE.test(value)
        ? null
        : {
            field: path || null,
            reason: `holds a lone UTF-16 surrogate (${JSON.stringify(escapeSurrogates(value).slice(0, 60))}), which is not text`,
          };
    }
    if (value === null || typeof value !== 'object') return null;
    for (const [key, child] of Object.entries(value)) {
      const childPath = `${path}/${pointerPart(key)}`;
      if (LONE_SURROGATE.test(key)) {
        return { field: childPath, reason: 'is a key holding a lone UTF-16 surrogate, which is not text' };
      }
      const found = visit(child, childPath);
      if (found) return found;
    }
    return null;
  };
  return visit(record, '');
}

/**
 * Refuses an event time that is plausibly in seconds: 1541106106 (seconds) read as milliseconds is January 1970,
 * which passes a range check and would silently put every play in the wrong year.
 */
export function checkEventTime(ts: number, rules: RecordRules): FieldProblem | null {
  if (ts >= rules.minEventTimeMs) return null;
  const bound = new Date(rules.minEventTimeMs).toISOString();
  const asSeconds = ts * 1000 <= 8_640_000_000_000_000 ? new Date(ts * 1000).toISOString() : undefined;
  return {
    field: '/ts',
    reason:
      `is ${ts}, before ${bound}: ts is epoch milliseconds, and this looks like seconds` +
      `${asSeconds ? ` (${asSeconds} if it were)` : ''}; if such early events are real, lower the bound (--min-event-time)`,
  };
}
