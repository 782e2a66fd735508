/** An INI file as sections of key → value; section names and keys are kept upper-case for lookup. */
export type IniFile = Map<string, Map<string, string>>;

/**
 * Parses INI text the way Python's configparser reads a classic dwh.cfg: `[SECTION]`, `key = value` or
 * `key: value`, keys case-insensitive, whole-line `;`/`#` comments, and values optionally wrapped in single or
 * double quotes (the Python project strips them by hand, so files in the wild carry them).
 */
export function parseIni(text: string): IniFile {
  const sections: IniFile = new Map();
  let current: Map<string, string> | undefined;
  for (const rawLine of text.split(/\r?\n/)) {
    const line = rawLine.trim();
    if (line === '' || line.startsWith(';') || line.startsWith('#')) continue;
    const header = /^\[([^\]]+)\]$/.exec(line);
    if (header) {
      const name = header[1]!.trim().toUpperCase();
      current = sections.get(name) ?? new Map<string, string>();
      sections.set(name, current);
      continue;
    }
    const pair = /^([^=:]+)[=:](.*)$/.exec(line);
    if (!pair || !current) continue;
    current.set(pair[1]!.trim().toUpperCase(), unquote(pair[2]!.trim()));
  }
  return sections;
}

function unquote(value: string): string {
  const quoted = /^(['"])(.*)\1$/.exec(value);
  return quoted ? quoted[2]! : value;
}
