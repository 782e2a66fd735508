import { formatLogLine, type LogFields } from './log-line.js';

/** The kinds of bad record the generator can plant, in the order it cycles through them. */
export const defectKinds = [
  'truncated-line',
  'ts-as-string',
  'session-id-fraction',
  'missing-key',
  'next-song-without-song',
  'user-id-not-digits',
] as const;

export type DefectKind = (typeof defectKinds)[number];

/** Where a bad record sits: object key and 1-based line number inside it. */
export interface PlantedDefect {
  key: string;
  line: number;
  kind: DefectKind;
}

/**
 * Turns one good event into a bad log line of the given kind: invalid JSON, a wrong type, a missing key, or a
 * broken rule (a play without a song, a non-numeric user id). Everything else on the line stays realistic.
 */
export function plantDefect(kind: DefectKind, fields: LogFields): string {
  switch (kind) {
    case 'truncated-line': {
      const line = formatLogLine(fields);
      return line.slice(0, Math.floor(line.length / 2));
    }
    case 'ts-as-string':
      return formatLogLine({ ...fields, ts: `"${fields.ts}"` });
    case 'session-id-fraction':
      return formatLogLine({ ...fields, sessionId: `${fields.sessionId}.5` });
    case 'missing-key':
      return formatLogLine(fields, 'level');
    case 'next-song-without-song':
      return formatLogLine({
        ...fields,
        page: '"NextSong"',
        method: '"PUT"',
        status: '200',
        song: 'null',
        artist: fields.artist === 'null' ? '"Casual"' : fields.artist,
        length: fields.length === 'null' ? '218.93179' : fields.length,
      });
    case 'user-id-not-digits':
      return formatLogLine({
        ...fields,
        userId: fields.userId === '""' ? '"guest"' : `"user-${fields.userId.slice(1, -1)}"`,
      });
  }
}
