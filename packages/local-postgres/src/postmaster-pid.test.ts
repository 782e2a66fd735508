import { readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LocalPostgres, startLocalPostgres } from './local-postgres.js';
import { answersAsPostgres, postmasterState, removeStalePostmasterPid } from './postmaster-pid.js';

describe('postmaster.pid of a live server', () => {
  let server: LocalPostgres;
  beforeAll(async () => {
    server = await startLocalPostgres({ password: 'pid-test' });
  });
  afterAll(() => server.remove());

  it('is never removed while the server answers on its port, even when its pid is not visible from here', async () => {
    const pidFile = `${server.databaseDir}/postmaster.pid`;
    const original = readFileSync(pidFile, 'utf8');
    expect(await postmasterState(server.databaseDir)).toMatchObject({ state: 'running', seenBy: 'pid' });
    // As a process in another pid namespace sees it: the pid in the file names nothing here.
    const lines = original.split('\n');
    lines[0] = '999999999';
    writeFileSync(pidFile, lines.join('\n'));
    try {
      expect(await removeStalePostmasterPid(server.databaseDir)).toMatchObject({
        state: 'running',
        seenBy: 'port',
      });
      expect(readFileSync(pidFile, 'utf8')).toBe(lines.join('\n'));
    } finally {
      writeFileSync(pidFile, original);
    }
    expect(await answersAsPostgres(server.port)).toBe(true);
  });

  it('tells a PostgreSQL from another program on the port, and a stale file from a live one', async () => {
    const other = createServer((socket) => socket.end('HTTP/1.1 400 Bad Request\r\n\r\n'));
    await new Promise<void>((resolve) => other.listen(0, '127.0.0.1', resolve));
    const port = (other.address() as { port: number }).port;
    try {
      expect(await answersAsPostgres(port)).toBe(false);
    } finally {
      other.close();
    }
  });
});
