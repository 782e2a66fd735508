import { isUtf8 } from 'node:buffer';
import { type Dataset, stagingTable } from '../dataset.js';
import { recordRules, type RecordRule } from '../validation/record-rules.js';
import type { RecordRules } from './ambiguous-json.js';
import { schemaDocuments } from './validate-record.js';

/**
 * Encodes one line of JSON text straight from its bytes into a COPY row: the fast path of a record of the format's
 * known shape (a flat object of its own keys, each once, holding strings, numbers and nulls that keep every rule).
 * It never refuses a record: anything it is not sure of (an unknown or repeated key, a value that breaks a rule, a
 * `\u` escape of a surrogate, an exponent, JSON it does not parse) is left to encodeRecord, which stays the
 * reference and says what is wrong. For every record it accepts it writes exactly the bytes encodeRecord would.
 */
export interface FastEncoder {
  /** The most bytes one row can take for a line of `lineBytes` bytes (with the tail and the newline). */
  maxRowBytes(lineBytes: number, tailBytes: number): number;
  /**
   * Writes the row of `line[start, end)` at `out[at]` (`maxRowBytes` free), then `tail` and a newline; returns
   * where the row ends, or -1 when encodeRecord must judge the record (the bytes written past `at` are garbage).
   */
  encode(line: Buffer, start: number, end: number, out: Buffer, at: number, tail: Buffer): number;
}

const MISSING = 0;
const NULL = 1;
const STRING = 2;
const NUMBER = 3;

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COLON = 0x3a;
const COMMA = 0x2c;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const MINUS = 0x2d;
const DOT = 0x2e;
const ZERO = 0x30;
const NINE = 0x39;
const TAB = 0x09;
const NEWLINE = 0x0a;

const isDigit = (code: number) => code >= ZERO && code <= NINE;
const isSpace = (code: number) => code === 0x20 || code === TAB || code === NEWLINE || code === 0x0d;

/**
 * Digits beyond which a number is left to encodeRecord. Up to 15 significant digits, a decimal without an exponent
 * survives the trip through a double unchanged (DBL_DIG), so its COPY text is its JSON text without the trailing
 * zeros of its fraction: what `String(JSON.parse(text))` gives.
 */
const MAX_DIGITS = 15;
/** `String()` writes 1e-7 and smaller with an exponent: at most this many zeros may follow the point of a `0.`. */
const MAX_LEADING_FRACTION_ZEROS = 5;

function hexValue(code: number): number {
  if (code >= ZERO && code <= NINE) return code - ZERO;
  const lower = code | 0x20;
  if (lower >= 0x61 && lower <= 0x66) return lower - 0x61 + 10;
  return -1;
}

/** What the scan of one line found for each known key; reused from line to line. */
interface Scan {
  kind: Uint8Array;
  /** A string: its opening quote; a number: its first byte (the sign or a digit). */
  start: Int32Array;
  /** A string: its closing quote; a number: the end of its integer digits. */
  end: Int32Array;
  /** A number: the end of its fraction without trailing zeros (`end` when nothing is left of it). */
  fractionEnd: Int32Array;
  /** A number: the end of its JSON text. */
  textEnd: Int32Array;
  /** A number, for comparing with whole limits: its value, the fraction counted as one half. */
  value: Float64Array;
  /** A string holds an escape. */
  escaped: Uint8Array;
  /** A string's UTF-8 bytes and code points, decoded. */
  bytes: Int32Array;
  chars: Int32Array;
}

type Check = (line: Buffer, scan: Scan) => boolean;

/** Kinds of value, as bits of a key's allowed types. */
const ALLOWS_NULL = 1;
const ALLOWS_STRING = 2;
const ALLOWS_FRACTION = 4;
const ALLOWS_WHOLE = 8;

const typeBits: Record<string, number> = {
  null: ALLOWS_NULL,
  string: ALLOWS_STRING,
  number: ALLOWS_FRACTION | ALLOWS_WHOLE,
  integer: ALLOWS_WHOLE,
};

/** The bits of the JSON Schema types a rule allows (types the scan never reads, such as boolean, allow nothing). */
const bitsOfTypes = (types: readonly string[]): number =>
  types.reduce((bits, type) => bits | (typeBits[type] ?? 0), 0);

/** The bit of the kind of value a present key holds. */
function kindBit(scan: Scan, key: number): number {
  switch (scan.kind[key]) {
    case NULL:
      return ALLOWS_NULL;
    case STRING:
      return ALLOWS_STRING;
    default:
      return scan.fractionEnd[key] === scan.end[key] ? ALLOWS_WHOLE : ALLOWS_FRACTION;
  }
}

function equalBytes(line: Buffer, start: number, end: number, bytes: Buffer): boolean {
  if (end - start !== bytes.length) return false;
  for (let index = 0; index < bytes.length; index += 1)
    if (line[start + index] !== bytes[index]) return false;
  return true;
}

/** A check that holds for a record, or false when encodeRecord must judge it (it may still be valid). */
function checkOf(rule: RecordRule, indexOf: (key: string) => number): Check {
  const { violation, when } = rule;
  const check = valueCheck(violation, indexOf);
  if (!when) return check;
  const key = indexOf(when.key);
  const equals = Buffer.from(when.equals);
  // The schema's `if` holds only for a string equal to the constant; otherwise its `then` does not apply.
  return (line, scan) => {
    if (scan.kind[key] !== STRING) return true;
    // An escape in the condition's value: whether it equals is not worth working out here.
    if (scan.escaped[key]) return false;
    if (!equalBytes(line, scan.start[key]! + 1, scan.end[key]!, equals)) return true;
    return check(line, scan);
  };
}

function rangeCheck(key: number, limit: number, above: boolean): Check {
  // A whole limit compares exactly with the value whose fraction counts as one half; others parse the text.
  if (Number.isSafeInteger(limit)) {
    return above
      ? (_line, scan) => scan.kind[key] !== NUMBER || scan.value[key]! <= limit
      : (_line, scan) => scan.kind[key] !== NUMBER || scan.value[key]! >= limit;
  }
  const exact = (line: Buffer, scan: Scan) =>
    Number(line.toString('latin1', scan.start[key], scan.textEnd[key]));
  return above
    ? (line, scan) => scan.kind[key] !== NUMBER || exact(line, scan) <= limit
    : (line, scan) => scan.kind[key] !== NUMBER || exact(line, scan) >= limit;
}

function valueCheck(violation: RecordRule['violation'], indexOf: (key: string) => number): Check {
  switch (violation.kind) {
    case 'not-object':
      // The scan reads nothing but an object.
      return () => true;
    case 'missing': {
      const key = indexOf(violation.key);
      return (_line, scan) => scan.kind[key] !== MISSING;
    }
    case 'type': {
      const key = indexOf(violation.key);
      const allowed = bitsOfTypes(violation.types);
      return (_line, scan) => scan.kind[key] === MISSING || (kindBit(scan, key) & allowed) !== 0;
    }
    case 'enum': {
      const key = indexOf(violation.key);
      const values = violation.values.map((value) => Buffer.from(value));
      return (line, scan) =>
        scan.kind[key] === MISSING ||
        (scan.kind[key] === STRING &&
          !scan.escaped[key] &&
          values.some((value) => equalBytes(line, scan.start[key]! + 1, scan.end[key]!, value)));
    }
    case 'minimum':
      return rangeCheck(indexOf(violation.key), violation.limit, false);
    case 'maximum':
      return rangeCheck(indexOf(violation.key), violation.limit, true);
    case 'min-length': {
      const key = indexOf(violation.key);
      return (_line, scan) => scan.kind[key] !== STRING || scan.chars[key]! >= violation.min;
    }
    case 'pattern': {
      const key = indexOf(violation.key);
      const pattern = new RegExp(violation.pattern, 'u');
      return (line, scan) =>
        scan.kind[key] !== STRING ||
        (!scan.escaped[key] && pattern.test(line.toString('utf8', scan.start[key]! + 1, scan.end[key])));
    }
    case 'max-bytes': {
      const key = indexOf(violation.key);
      return (_line, scan) => scan.kind[key] !== STRING || scan.bytes[key]! <= violation.max;
    }
  }
}

/**
 * The unconditional rules of each key as tables (one loop over the keys checks them all, instead of a call per
 * rule): presence, types, text lengths and whole-number bounds.
 */
interface KeyLimits {
  required: Uint8Array;
  allowed: Uint8Array;
  minChars: Int32Array;
  maxBytes: Int32Array;
  minimum: Float64Array;
  maximum: Float64Array;
}

/** Splits the rules into the tables of KeyLimits and the rest (conditions, enums, patterns, other bounds). */
function tabulate(
  rules: readonly RecordRule[],
  indexOf: (key: string) => number,
  size: number,
): { limits: KeyLimits; others: RecordRule[] } {
  const limits: KeyLimits = {
    required: new Uint8Array(size),
    allowed: new Uint8Array(size).fill(0xff),
    minChars: new Int32Array(size),
    maxBytes: new Int32Array(size).fill(0x7fffffff),
    minimum: new Float64Array(size).fill(Number.NEGATIVE_INFINITY),
    maximum: new Float64Array(size).fill(Number.POSITIVE_INFINITY),
  };
  const others: RecordRule[] = [];
  for (const rule of rules) {
    const { violation } = rule;
    if (rule.when || violation.kind === 'not-object') {
      if (violation.kind !== 'not-object') others.push(rule);
      continue;
    }
    const key = indexOf(violation.key);
    switch (violation.kind) {
      case 'missing':
        limits.required[key] = 1;
        break;
      case 'type':
        limits.allowed[key]! &= bitsOfTypes(violation.types);
        break;
      case 'min-length':
        limits.minChars[key] = Math.max(limits.minChars[key]!, violation.min);
        break;
      case 'max-bytes':
        limits.maxBytes[key] = Math.min(limits.maxBytes[key]!, violation.max);
        break;
      case 'minimum':
      case 'maximum':
        if (!Number.isSafeInteger(violation.limit)) others.push(rule);
        else if (violation.kind === 'minimum')
          limits.minimum[key] = Math.max(limits.minimum[key]!, violation.limit);
        else limits.maximum[key] = Math.min(limits.maximum[key]!, violation.limit);
        break;
      default:
        others.push(rule);
    }
  }
  return { limits, others };
}

/** Whether every key keeps its tabulated rules. */
function withinLimits(scan: Scan, limits: KeyLimits, size: number): boolean {
  for (let key = 0; key < size; key += 1) {
    const kind = scan.kind[key];
    if (kind === MISSING) {
      if (limits.required[key]) return false;
      continue;
    }
    if (!(limits.allowed[key]! & kindBit(scan, key))) return false;
    if (kind === STRING) {
      if (scan.chars[key]! < limits.minChars[key]! || scan.bytes[key]! > limits.maxBytes[key]!) return false;
    } else if (kind === NUMBER) {
      const value = scan.value[key]!;
      if (value < limits.minimum[key]! || value > limits.maximum[key]!) return false;
    }
  }
  return true;
}

/** Compiles the fast path of a dataset's records under the load's rules (see FastEncoder). */
export function compileFastEncoder(dataset: Dataset, rules: RecordRules): FastEncoder {
  const schema = schemaDocuments[dataset] as { properties?: Record<string, unknown>; required?: string[] };
  const ruleList = recordRules(dataset, rules);
  const names: string[] = [...Object.keys(schema.properties ?? {})];
  const indexOf = (key: string): number => {
    let index = names.indexOf(key);
    if (index < 0) index = names.push(key) - 1;
    return index;
  };
  for (const key of schema.required ?? []) indexOf(key);
  // Every key a rule names gets its index first, so that the tables are sized for all of them.
  for (const rule of ruleList) {
    if ('key' in rule.violation) indexOf(rule.violation.key);
    if (rule.when) indexOf(rule.when.key);
  }
  const keyCount = names.length;
  const { limits, others } = tabulate(ruleList, indexOf, keyCount);
  const checks = others.map((rule) => checkOf(rule, indexOf));
  // A key that only a rule names is not one the format knows (unknown-keys.ts): its records go the long way.
  const known = Object.keys(schema.properties ?? {}).length;
  const keyBytes: readonly Buffer[] = names.slice(0, known).map((name) => Buffer.from(name));
  const columns = stagingTable[dataset].columns
    .filter((column) => column.jsonKey !== undefined)
    .map((column) => {
      const index = names.indexOf(column.jsonKey!);
      return index < known ? index : -1;
    });
  const scan: Scan = {
    kind: new Uint8Array(keyCount),
    start: new Int32Array(keyCount),
    end: new Int32Array(keyCount),
    fractionEnd: new Int32Array(keyCount),
    textEnd: new Int32Array(keyCount),
    value: new Float64Array(keyCount),
    escaped: new Uint8Array(keyCount),
    bytes: new Int32Array(keyCount),
    chars: new Int32Array(keyCount),
  };
  /** The line holds a byte above 0x7f (only ever inside a string: elsewhere the scan refuses it). */
  let high = false;

  /** The index of the known key whose name is `line[start, end)`, -1 for another. */
  const findKey = (line: Buffer, start: number, end: number): number => {
    for (let index = 0; index < keyBytes.length; index += 1) {
      if (equalBytes(line, start, end, keyBytes[index]!)) return index;
    }
    return -1;
  };

  /** Scans the string opening at `open`: returns its closing quote, or -1. Records what it holds under `key`. */
  const scanString = (line: Buffer, open: number, end: number, key: number): number => {
    let at = open + 1;
    // How many bytes shorter the decoded string is than its text (escapes), and its continuation bytes.
    let saved = 0;
    let continuations = 0;
    let escaped = 0;
    for (;;) {
      let code = 0;
      // The common run: printable ASCII.
      while (at < end && (code = line[at]!) >= 0x20 && code < 0x80 && code !== QUOTE && code !== BACKSLASH)
        at += 1;
      if (at >= end) return -1;
      if (code === QUOTE) break;
      if (code === BACKSLASH) {
        if (at + 1 >= end) return -1;
        const escape = line[at + 1]!;
        escaped = 1;
        if (escape === 0x75) {
          if (at + 5 >= end) return -1;
          let point = 0;
          for (let digit = 2; digit < 6; digit += 1) {
            const value = hexValue(line[at + digit]!);
            if (value < 0) return -1;
            point = point * 16 + value;
          }
          // A surrogate, paired or lone: encodeRecord decides.
          if (point >= 0xd800 && point <= 0xdfff) return -1;
          const length = point < 0x80 ? 1 : point < 0x800 ? 2 : 3;
          saved += 6 - length;
          continuations += length - 1;
          at += 6;
          continue;
        }
        if (
          escape !== QUOTE &&
          escape !== BACKSLASH &&
          escape !== 0x2f &&
          escape !== 0x62 &&
          escape !== 0x66 &&
          escape !== 0x6e &&
          escape !== 0x72 &&
          escape !== 0x74
        )
          return -1;
        saved += 1;
        at += 2;
        continue;
      }
      // A raw control character is not JSON.
      if (code < 0x20) return -1;
      // Continuation bytes (10xxxxxx) are not code points of their own; the line's UTF-8 is checked once, whole.
      high = true;
      if (code < 0xc0) continuations += 1;
      at += 1;
    }
    const bytes = at - open - 1 - saved;
    scan.bytes[key] = bytes;
    scan.chars[key] = bytes - continuations;
    scan.escaped[key] = escaped;
    return at;
  };

  /** The key found by the last scanKey. */
  let foundKey = -1;

  /**
   * Scans the key opening at `open`, comparing it with the key expected there (the one after the last) on the way:
   * returns its closing quote or -1, and sets `foundKey` (-1 for a key the format does not know, or an escaped one).
   */
  const scanKey = (line: Buffer, open: number, end: number, guess: number): number => {
    const expected = guess < keyBytes.length ? keyBytes[guess]! : undefined;
    let at = open + 1;
    let matches = expected !== undefined;
    let index = 0;
    for (;;) {
      if (at >= end) return -1;
      const code = line[at]!;
      if (code === QUOTE) break;
      if (code === BACKSLASH || code < 0x20) {
        foundKey = -1;
        return -1;
      }
      if (code >= 0x80) high = true;
      if (matches && expected![index] !== code) matches = false;
      index += 1;
      at += 1;
    }
    foundKey = matches && index === expected!.length ? guess : findKey(line, open + 1, at);
    return at;
  };

  /** Scans the number starting at `first` under `key`; returns where its text ends, or -1. */
  const scanNumber = (line: Buffer, first: number, end: number, key: number): number => {
    let at = first;
    const negative = line[at] === MINUS;
    if (negative) at += 1;
    const digits = at;
    let whole = 0;
    if (at < end && line[at] === ZERO) at += 1;
    else {
      while (at < end && isDigit(line[at]!)) {
        whole = whole * 10 + (line[at]! - ZERO);
        at += 1;
      }
    }
    const wholeDigits = at - digits;
    if (wholeDigits === 0 || wholeDigits > MAX_DIGITS) return -1;
    const wholeEnd = at;
    let fractionEnd = wholeEnd;
    if (at < end && line[at] === DOT) {
      at += 1;
      const fraction = at;
      let firstSignificant = -1;
      while (at < end && isDigit(line[at]!)) {
        if (line[at] !== ZERO) {
          if (firstSignificant < 0) firstSignificant = at;
          fractionEnd = at + 1;
        }
        at += 1;
      }
      if (at === fraction) return -1;
      if (fractionEnd > wholeEnd) {
        const significant =
          whole === 0 ? fractionEnd - firstSignificant : wholeDigits + (fractionEnd - fraction);
        if (significant > MAX_DIGITS) return -1;
        if (whole === 0 && firstSignificant - fraction > MAX_LEADING_FRACTION_ZEROS) return -1;
      }
    }
    if (at < end && (line[at]! | 0x20) === 0x65) return -1;
    // -0 is written 0: not worth a special case.
    if (negative && whole === 0 && fractionEnd === wholeEnd) return -1;
    if (at < end && isDigit(line[at]!)) return -1;
    scan.start[key] = first;
    scan.end[key] = wholeEnd;
    scan.fractionEnd[key] = fractionEnd;
    scan.textEnd[key] = at;
    const magnitude = fractionEnd > wholeEnd ? whole + 0.5 : whole;
    scan.value[key] = negative ? -magnitude : magnitude;
    return at;
  };

  /** Reads the line into `scan`: true when it is a flat object of known keys, each once, of simple values. */
  const read = (line: Buffer, start: number, end: number): boolean => {
    scan.kind.fill(MISSING);
    high = false;
    let at = start;
    while (at < end && isSpace(line[at]!)) at += 1;
    if (at >= end || line[at] !== OPEN_BRACE) return false;
    at += 1;
    let guess = 0;
    for (;;) {
      while (at < end && isSpace(line[at]!)) at += 1;
      if (at >= end || line[at] !== QUOTE) return false;
      const close = scanKey(line, at, end, guess);
      if (close < 0) return false;
      const key = foundKey;
      if (key < 0 || scan.kind[key] !== MISSING) return false;
      guess = key + 1;
      at = close + 1;
      while (at < end && isSpace(line[at]!)) at += 1;
      if (at >= end || line[at] !== COLON) return false;
      at += 1;
      while (at < end && isSpace(line[at]!)) at += 1;
      if (at >= end) return false;
      const first = line[at]!;
      if (first === QUOTE) {
        const closing = scanString(line, at, end, key);
        if (closing < 0) return false;
        scan.kind[key] = STRING;
        scan.start[key] = at;
        scan.end[key] = closing;
        at = closing + 1;
      } else if (first === 0x6e) {
        if (at + 4 > end || line[at + 1] !== 0x75 || line[at + 2] !== 0x6c || line[at + 3] !== 0x6c)
          return false;
        scan.kind[key] = NULL;
        at += 4;
      } else if (first === MINUS || isDigit(first)) {
        const after = scanNumber(line, at, end, key);
        if (after < 0) return false;
        scan.kind[key] = NUMBER;
        at = after;
      } else return false;
      while (at < end && isSpace(line[at]!)) at += 1;
      if (at >= end) return false;
      if (line[at] === COMMA) {
        at += 1;
        continue;
      }
      if (line[at] !== CLOSE_BRACE) return false;
      at += 1;
      while (at < end && isSpace(line[at]!)) at += 1;
      return at === end;
    }
  };

  /** Writes a string's decoded value as a COPY text field (copy-text.ts: `\\`, `\n`, `\r`, `\t` escaped, NUL as U+FFFD). */
  const writeEscaped = (line: Buffer, from: number, to: number, out: Buffer, at: number): number => {
    let index = from;
    let written = at;
    while (index < to) {
      const code = line[index]!;
      if (code !== BACKSLASH) {
        out[written++] = code;
        index += 1;
        continue;
      }
      const escape = line[index + 1]!;
      index += 2;
      let point: number;
      switch (escape) {
        case 0x62:
          point = 0x08;
          break;
        case 0x66:
          point = 0x0c;
          break;
        case 0x6e:
          point = NEWLINE;
          break;
        case 0x72:
          point = 0x0d;
          break;
        case 0x74:
          point = TAB;
          break;
        case 0x75:
          point =
            (hexValue(line[index]!) << 12) |
            (hexValue(line[index + 1]!) << 8) |
            (hexValue(line[index + 2]!) << 4) |
            hexValue(line[index + 3]!);
          index += 4;
          break;
        default:
          point = escape;
      }
      if (point === BACKSLASH || point === NEWLINE || point === 0x0d || point === TAB) {
        out[written++] = BACKSLASH;
        out[written++] = point === NEWLINE ? 0x6e : point === 0x0d ? 0x72 : point === TAB ? 0x74 : BACKSLASH;
      } else if (point === 0) {
        out[written++] = 0xef;
        out[written++] = 0xbf;
        out[written++] = 0xbd;
      } else if (point < 0x80) out[written++] = point;
      else if (point < 0x800) {
        out[written++] = 0xc0 | (point >> 6);
        out[written++] = 0x80 | (point & 0x3f);
      } else {
        out[written++] = 0xe0 | (point >> 12);
        out[written++] = 0x80 | ((point >> 6) & 0x3f);
        out[written++] = 0x80 | (point & 0x3f);
      }
    }
    return written;
  };

  const copyBytes = (line: Buffer, from: number, to: number, out: Buffer, at: number): number => {
    if (to - from > 32) return at + line.copy(out, at, from, to);
    for (let index = from; index < to; index += 1) out[at++] = line[index]!;
    return at;
  };

  return {
    maxRowBytes(lineBytes, tailBytes) {
      // No value's COPY text is longer than its JSON text; a column the line cannot name takes `\N` and a tab.
      return lineBytes + tailBytes + 1 + 3 * columns.length;
    },
    encode(line, start, end, out, at, tail) {
      if (!read(line, start, end)) return -1;
      if (!withinLimits(scan, limits, keyCount)) return -1;
      for (const check of checks) if (!check(line, scan)) return -1;
      let written = at;
      for (let column = 0; column < columns.length; column += 1) {
        if (column > 0) out[written++] = TAB;
        const key = columns[column]!;
        const kind = key < 0 ? MISSING : scan.kind[key];
        if (kind === STRING) {
          const from = scan.start[key]! + 1;
          const to = scan.end[key]!;
          written = scan.escaped[key]
            ? writeEscaped(line, from, to, out, written)
            : copyBytes(line, from, to, out, written);
        } else if (kind === NUMBER) {
          const to = scan.fractionEnd[key]! > scan.end[key]! ? scan.fractionEnd[key]! : scan.end[key]!;
          written = copyBytes(line, scan.start[key]!, to, out, written);
        } else {
          out[written++] = BACKSLASH;
          out[written++] = 0x4e;
        }
      }
      // One check of the whole line's UTF-8, as the reader makes of a line it decodes (record-splitter.ts).
      if (high && !isUtf8(line.subarray(start, end))) return -1;
      written = copyBytes(tail, 0, tail.length, out, written);
      out[written++] = NEWLINE;
      return written;
    },
  };
}

const compiled = new Map<string, FastEncoder | null>();

/**
 * The fast path for a dataset under the load's rules, compiled once per process; null when the dataset's rules
 * use something it cannot check (every record then takes encodeRecord).
 */
export function fastEncoderFor(dataset: Dataset, rules: RecordRules): FastEncoder | null {
  // strictKeys changes nothing here: a record with an unknown key always takes encodeRecord.
  const cacheKey = `${dataset}\u0000${rules.minEventTimeMs}`;
  let encoder = compiled.get(cacheKey);
  if (encoder === undefined) {
    try {
      encoder = compileFastEncoder(dataset, rules);
    } catch {
      encoder = null;
    }
    compiled.set(cacheKey, encoder);
  }
  return encoder;
}
