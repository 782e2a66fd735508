/** A statement the server logged as slow (log_min_duration_statement). */
export interface SlowStatement {
  ms: number;
  /** The statement's text, whitespace collapsed and cut to `maxChars`. */
  statement: string;
}

/** What the server log says about a stretch of the run. */
export interface ServerLogSummary {
  /** Slowest first. */
  slowStatements: SlowStatement[];
  /** Checkpoints that started, with their reason ("wal", "time", "immediate force wait", …). */
  checkpoints: string[];
}

// A log entry starts with log_line_prefix's timestamp ('%m [%p] '); continuation lines (a statement's own
// newlines) start with a tab.
const ENTRY_START = /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}/;

/** Splits PostgreSQL's stderr log into statements over the duration threshold and checkpoints. */
export function parseServerLog(text: string, maxChars = 160): ServerLogSummary {
  const entries: string[] = [];
  for (const line of text.split('\n')) {
    if (ENTRY_START.test(line) || entries.length === 0) entries.push(line);
    else entries[entries.length - 1] += `\n${line}`;
  }
  const slowStatements: SlowStatement[] = [];
  const checkpoints: string[] = [];
  for (const entry of entries) {
    const slow = /duration: ([\d.]+) ms\s+(?:statement|execute [^:]*): ([\s\S]*)$/.exec(entry);
    if (slow) {
      const statement = slow[2]!.replace(/\s+/g, ' ').trim();
      slowStatements.push({
        ms: Number(slow[1]),
        statement: statement.length > maxChars ? `${statement.slice(0, maxChars - 1)}…` : statement,
      });
      continue;
    }
    const checkpoint = /LOG: {2}checkpoint starting: (.*)$/.exec(entry);
    if (checkpoint) checkpoints.push(checkpoint[1]!.trim());
  }
  slowStatements.sort((a, b) => b.ms - a.ms);
  return { slowStatements, checkpoints };
}
