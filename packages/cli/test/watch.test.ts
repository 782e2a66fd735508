import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createTestDatabase, freePort, startWebhookServer, type TestDatabase } from '@sparkify/testkit';
import { folderSink, generateDataset } from '@sparkify/generator';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { removeTempFolders, runSparkify, tempFolder } from './run-sparkify.js';

afterAll(removeTempFolders);

/** One log line with every key of the format, plus `extra`. */
function event(sessionId: number, item: number, extra: Record<string, unknown> = {}): string {
  return JSON.stringify({
    artist: 'Nobody',
    auth: 'Logged In',
    firstName: 'Ann',
    gender: 'F',
    itemInSession: item,
    lastName: 'Lee',
    length: 200.5,
    level: 'free',
    location: 'Somewhere, CA',
    method: 'PUT',
    page: 'NextSong',
    registration: 1540919166796.0,
    sessionId,
    song: 'Unknown',
    status: 200,
    ts: Date.UTC(2018, 10, 20) + item * 1000,
    userAgent: 'Mozilla/5.0',
    userId: '77',
    ...extra,
  });
}

describe('schema drift and alerts through the real binary', () => {
  let db: TestDatabase;
  let env: Record<string, string>;
  let work: string;

  beforeAll(async () => {
    db = await createTestDatabase(inject('pgUrl'), 'cli_watch');
    work = tempFolder('sparkify-watch-');
    env = { DATABASE_URL: db.url, SPARKIFY_HOME: join(work, 'home') };
    await generateDataset({ songs: 100, events: 1000, days: 2, seed: 5 }, folderSink(join(work, 'data')));
    expect((await runSparkify(['migrate'], { env })).code).toBe(0);
    const load = await runSparkify(['load', '--source', join(work, 'data')], { env });
    expect(load.code, load.stderr).toBe(0);
  });
  afterAll(async () => {
    await db.drop();
  });

  it('a load that brings a new JSON key names it in the summary and in --json', async () => {
    const day = join(work, 'drift', 'log_data', '2018', '11');
    mkdirSync(day, { recursive: true });
    writeFileSync(
      join(day, '2018-11-20-events.json'),
      [event(900, 1), event(900, 2, { sessionLength: 31 }), event(900, 3, { sessionLength: 32 })].join('\n'),
    );
    const run = await runSparkify(['load', '--source', join(work, 'drift')], { env });
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain('1 JSON key not in the format (1 new)');
    expect(run.stdout).toContain(
      'NEW events.sessionLength: 2 records, first in log_data/2018/11/2018-11-20-events.json line 2',
    );

    writeFileSync(join(day, '2018-11-21-events.json'), event(901, 1, { sessionLength: 5 }));
    const json = await runSparkify(['load', '--source', join(work, 'drift'), '--json'], { env });
    expect(json.code, json.stderr).toBe(0);
    expect((JSON.parse(json.stdout) as { unknownKeys: unknown }).unknownKeys).toEqual([
      {
        dataset: 'events',
        name: 'sessionLength',
        objectKey: 'log_data/2018/11/2018-11-21-events.json',
        line: 1,
        records: 1,
        new: false,
      },
    ]);

    writeFileSync(join(day, '2018-11-22-events.json'), event(902, 1, { appVersion: '3' }));
    const strict = await runSparkify(['load', '--source', join(work, 'drift'), '--strict-keys'], { env });
    expect(strict.code).toBe(1);
    expect(strict.stderr).toContain('/appVersion: is not a key of the format');
  });

  it('a failing check posts one message to the webhook, in the Slack shape, with no secret in it', async () => {
    const hook = await startWebhookServer([200]);
    const userId = (await db.knex<{ user_id: number }>('songplays').first('user_id'))!.user_id;
    const saved = (await db.knex('users').where({ user_id: userId }).first()) as Record<string, unknown>;
    await db.knex('users').where({ user_id: userId }).delete();
    try {
      const run = await runSparkify(['check', '--notify', hook.url], { env });
      expect(run.code).toBe(1);
      expect(hook.received).toHaveLength(1);
      const body = hook.received[0]!.body as { text: string; blocks: { type: string }[] };
      expect(body.text).toMatch(/^sparkify check FAILED on /);
      expect(body.text).toContain(`*orphans_songplays_user_id* (fail): 1 failing row: (user_id=${userId}`);
      expect(body.blocks[0]).toMatchObject({ type: 'header' });
      const password = new URL(db.url).password;
      expect(password.length).toBeGreaterThan(2);
      expect(JSON.stringify(body)).not.toContain(password);
      expect(run.stderr).toContain('alert posted to 127.0.0.1:');
      expect(run.stdout + run.stderr).not.toContain('secret-token');

      // The webhook being down changes nothing but a warning: same exit code, and it says so.
      const port = await freePort();
      const down = await runSparkify(['check'], {
        env: { ...env, SPARKIFY_NOTIFY_URL: `http://127.0.0.1:${port}/services/x/y/secret-token` },
      });
      expect(down.code).toBe(1);
      expect(down.stderr).toContain(
        `warning: could not post the alert to 127.0.0.1:${port} (connection refused after 3 attempts); the exit code is unchanged`,
      );
      expect(down.stdout + down.stderr).not.toContain('secret-token');
    } finally {
      await db.knex('users').insert(saved);
      await hook.close();
    }
  });

  it('a passing check posts nothing; a failed load posts one message naming the error', async () => {
    const hook = await startWebhookServer([200]);
    try {
      const run = await runSparkify(['check', '--notify', hook.url, '--checks', writeChecks()], { env });
      expect(run.code, run.stdout).toBe(0);
      expect(hook.received).toHaveLength(0);

      const bad = join(work, 'bad', 'log_data', '2018', '11');
      mkdirSync(bad, { recursive: true });
      writeFileSync(join(bad, '2018-11-25-events.json'), `${event(950, 1)}\n{"broken": \n`);
      const load = await runSparkify(['load', '--source', join(work, 'bad'), '--notify', hook.url], { env });
      expect(load.code).toBe(1);
      expect(hook.received).toHaveLength(1);
      const body = hook.received[0]!.body as { text: string };
      expect(body.text).toMatch(/^sparkify load FAILED on /);
      expect(body.text).toContain('*BAD_RECORDS*: 1 bad record (limit: --max-errors 0)');
    } finally {
      await hook.close();
    }
  });

  /** A checks file with only one check that passes, so the run is clean. */
  function writeChecks(): string {
    const file = join(work, 'clean-checks.json');
    writeFileSync(
      file,
      JSON.stringify({ defaults: false, checks: [{ type: 'row_count', table: 'songplays', min: 1 }] }),
    );
    return file;
  }
});
