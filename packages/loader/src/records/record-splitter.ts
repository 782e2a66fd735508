import { isUtf8 } from 'node:buffer';

/** Redshift refuses a JSON object or a row over 4 MB; the PostgreSQL path refuses the same, clearly. */
export const MAX_RECORD_BYTES = 4 * 1024 * 1024;

/** A piece of source text that should hold one JSON value, or the reason it cannot. */
export type RawRecord =
  { line: number; text: string; problem?: undefined } | { line: number; text: string; problem: string };

export type RecordSink = (record: RawRecord) => void;

/** Something that turns a byte stream into raw records; feed it chunks, then call `end`. */
export interface RecordSplitter {
  push(chunk: Buffer, sink: RecordSink): void;
  end(sink: RecordSink): void;
}

const NEWLINE = 0x0a;
const RAW_HEAD_BYTES = 16 * 1024;

function decodeLine(bytes: Buffer, line: number): RawRecord {
  let text = bytes.toString('utf8');
  // toString replaces invalid bytes with U+FFFD; only then is the (slower) exact check worth it.
  if (text.includes('\uFFFD') && !isUtf8(bytes)) {
    return { line, text, problem: 'invalid UTF-8 bytes in the line' };
  }
  if (line === 1 && text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  if (text.charCodeAt(text.length - 1) === 0x0d) text = text.slice(0, -1);
  return { line, text };
}

function isBlank(text: string): boolean {
  return text.trim().length === 0;
}

/**
 * Takes one line's bytes (`bytes[start, end)`, numbered `line`) before it is decoded; true when it has dealt with
 * the record in full, false to have the splitter decode it and hand it on as a RawRecord.
 */
export type FastLine = (bytes: Buffer, start: number, end: number, line: number) => boolean;

/**
 * Splits newline-delimited JSON: one record per non-blank line, with or without a final newline, CRLF or LF,
 * a UTF-8 BOM at the start. A line over MAX_RECORD_BYTES becomes a problem without being buffered whole.
 */
export function ndjsonSplitter(fast?: FastLine): RecordSplitter {
  let pending: Buffer[] = [];
  let pendingBytes = 0;
  let tooLarge = false;
  let line = 1;

  const emit = (bytes: Buffer, sink: RecordSink) => {
    if (tooLarge) {
      // Only the start of an over-long line is kept, so that its reject still shows what it was.
      sink({
        line,
        text: (pending[0] ?? Buffer.alloc(0)).toString('utf8'),
        problem: `the line is over ${MAX_RECORD_BYTES / 1024 / 1024} MB (Redshift refuses records over 4 MB)`,
      });
    } else {
      const record = decodeLine(bytes, line);
      if (record.problem || !isBlank(record.text)) sink(record);
    }
    nextLine();
  };

  const nextLine = () => {
    line += 1;
    pending = [];
    pendingBytes = 0;
    tooLarge = false;
  };

  /** Ends a line that came in pieces (across chunks, or too large to keep). */
  const emitJoined = (sink: RecordSink) => {
    if (tooLarge) {
      emit(Buffer.alloc(0), sink);
      return;
    }
    const joined = Buffer.concat(pending, pendingBytes);
    if (fast?.(joined, 0, joined.length, line)) nextLine();
    else emit(joined, sink);
  };

  const keepHeadOnly = () => {
    tooLarge = true;
    pending = [Buffer.concat(pending).subarray(0, RAW_HEAD_BYTES)];
  };

  return {
    push(chunk, sink) {
      let start = 0;
      for (;;) {
        const newline = chunk.indexOf(NEWLINE, start);
        if (newline < 0) break;
        if (pendingBytes === 0 && newline - start <= MAX_RECORD_BYTES) {
          if (fast?.(chunk, start, newline, line)) nextLine();
          else emit(chunk.subarray(start, newline), sink);
        } else {
          const piece = chunk.subarray(start, newline);
          if (!tooLarge) pending.push(piece);
          pendingBytes += piece.length;
          if (pendingBytes > MAX_RECORD_BYTES && !tooLarge) keepHeadOnly();
          emitJoined(sink);
        }
        start = newline + 1;
      }
      if (start < chunk.length) {
        const rest = chunk.subarray(start);
        pendingBytes += rest.length;
        if (tooLarge) return;
        pending.push(Buffer.from(rest));
        if (pendingBytes > MAX_RECORD_BYTES) keepHeadOnly();
      }
    },
    end(sink) {
      if (pendingBytes > 0 || tooLarge) emitJoined(sink);
    },
  };
}

/**
 * Splits a stream of concatenated root-level JSON values (a one-line song file, a pretty-printed one, or several
 * objects in one file). Each value is reported with the line it starts on; anything else between values is a
 * problem, as it is for Redshift's COPY.
 */
export function jsonValuesSplitter(maxObjectBytes = 64 * 1024 * 1024): RecordSplitter {
  const chunks: Buffer[] = [];
  let total = 0;
  let overflow = false;
  return {
    push(chunk) {
      total += chunk.length;
      if (total > maxObjectBytes) overflow = true;
      else chunks.push(chunk);
    },
    end(sink) {
      if (overflow) {
        sink({ line: 1, text: '', problem: `the object is over ${maxObjectBytes / 1024 / 1024} MB` });
        return;
      }
      const bytes = Buffer.concat(chunks, total);
      const decoded = decodeLine(bytes, 1);
      if (decoded.problem) {
        sink(decoded);
        return;
      }
      splitValues(decoded.text, sink);
    },
  };
}

const isSpace = (code: number) => code === 0x20 || code === 0x0a || code === 0x0d || code === 0x09;

function splitValues(text: string, sink: RecordSink): void {
  let line = 1;
  let index = 0;
  const length = text.length;
  while (index < length) {
    const code = text.charCodeAt(index);
    if (isSpace(code)) {
      if (code === 0x0a) line += 1;
      index += 1;
      continue;
    }
    const startLine = line;
    const start = index;
    if (code !== 0x7b && code !== 0x5b) {
      // A stray token between values: report up to the end of its line and resume after it.
      let end = text.indexOf('\n', index);
      if (end < 0) end = length;
      sink({ line: startLine, text: text.slice(start, end), problem: 'unexpected text between JSON values' });
      index = end;
      continue;
    }
    let depth = 0;
    let inString = false;
    for (; index < length; index += 1) {
      const c = text.charCodeAt(index);
      if (c === 0x0a) line += 1;
      if (inString) {
        if (c === 0x5c) index += 1;
        else if (c === 0x22) inString = false;
      } else if (c === 0x22) inString = true;
      else if (c === 0x7b || c === 0x5b) depth += 1;
      else if (c === 0x7d || c === 0x5d) {
        depth -= 1;
        if (depth === 0) {
          index += 1;
          break;
        }
      }
    }
    const value = text.slice(start, index);
    if (Buffer.byteLength(value) > MAX_RECORD_BYTES) {
      sink({ line: startLine, text: '', problem: 'the JSON object is over 4 MB (Redshift refuses it)' });
    } else sink({ line: startLine, text: value });
  }
}
