/** One line of progress on a terminal (rewritten in place), or a line every few seconds in a log. */
export interface ProgressLine {
  /** Shows the latest state; cheap to call often (it throttles itself, and only calls `text` when it shows). */
  update(text: string | (() => string)): void;
  /** Replaces the progress with a final line. */
  done(text: string): void;
}

/** A progress line on a stream (normally stderr: stdout stays for results). */
export function createProgressLine(stream: NodeJS.WriteStream): ProgressLine {
  const interactive = stream.isTTY === true;
  // A log file (CI, `2> file`) gets a line now and then instead of hundreds of carriage returns.
  const everyMs = interactive ? 200 : 5000;
  let lastShown = Number.NEGATIVE_INFINITY;
  let showing = false;
  return {
    update(text) {
      const now = performance.now();
      if (now - lastShown < everyMs) return;
      lastShown = now;
      const line = typeof text === 'function' ? text() : text;
      if (interactive) {
        stream.write(`\r\x1b[2K${line}`);
        showing = true;
      } else {
        stream.write(`${line}\n`);
      }
    },
    done(text) {
      if (interactive && showing) stream.write('\r\x1b[2K');
      showing = false;
      lastShown = Number.NEGATIVE_INFINITY;
      stream.write(`${text}\n`);
    },
  };
}
