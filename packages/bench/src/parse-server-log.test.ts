import { describe, expect, it } from 'vitest';
import { parseServerLog } from './parse-server-log.js';

describe('parseServerLog', () => {
  it('finds slow statements (multi-line ones whole) and checkpoints, slowest first', () => {
    const log = [
      '2026-11-22 05:33:00.100 UTC [101] LOG:  checkpoint starting: wal',
      '2026-11-22 05:33:01.200 UTC [102] LOG:  duration: 250.500 ms  statement: COPY staging_events (artist) FROM STDIN WITH (FREEZE)',
      '2026-11-22 05:33:05.000 UTC [102] LOG:  duration: 4100.250 ms  statement: INSERT INTO time (start_time)',
      '\tSELECT DISTINCT ts',
      '\tFROM staging_events',
      '2026-11-22 05:33:06.000 UTC [103] LOG:  duration: 300.000 ms  execute <unnamed>: select * from "etl_files"',
      '2026-11-22 05:33:07.000 UTC [101] LOG:  checkpoint complete: wrote 10 buffers',
      '',
    ].join('\n');
    expect(parseServerLog(log)).toEqual({
      slowStatements: [
        { ms: 4100.25, statement: 'INSERT INTO time (start_time) SELECT DISTINCT ts FROM staging_events' },
        { ms: 300, statement: 'select * from "etl_files"' },
        { ms: 250.5, statement: 'COPY staging_events (artist) FROM STDIN WITH (FREEZE)' },
      ],
      checkpoints: ['wal'],
    });
  });

  it('cuts long statements', () => {
    const log = `2026-11-22 05:33:01.200 UTC [1] LOG:  duration: 1.000 ms  statement: SELECT ${'x, '.repeat(100)}1`;
    expect(parseServerLog(log, 20).slowStatements[0]!.statement).toBe('SELECT x, x, x, x, …');
  });
});
