import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { createTestDatabase, type TestDatabase } from '@sparkify/testkit';
import { folderSink, generateDataset } from '@sparkify/generator';
import { buildSuite } from '@sparkify/quality';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { removeTempFolders, runSparkify, tempFolder } from './run-sparkify.js';

afterAll(removeTempFolders);

describe('sparkify check after sparkify load', () => {
  let db: TestDatabase;
  let env: Record<string, string>;
  let work: string;

  beforeAll(async () => {
    db = await createTestDatabase(inject('pgUrl'), 'cli_check');
    work = tempFolder('sparkify-check-');
    env = { DATABASE_URL: db.url, SPARKIFY_HOME: join(work, 'home') };
    await generateDataset(
      { songs: 300, events: 3000, days: 3, seed: 11, matchRate: 0.3 },
      folderSink(join(work, 'data')),
    );
    expect((await runSparkify(['migrate'], { env })).code).toBe(0);
    const load = await runSparkify(['load', '--source', join(work, 'data')], { env });
    expect(load.code, load.stderr).toBe(0);
  });
  afterAll(async () => {
    await db.drop();
  });

  // The data covers 2018-11-01 to 2018-11-03: judged against today its plays are years old (freshness_plays
  // fails, as it should), so clean runs are judged as of the end of the data.
  const asOf = ['--as-of', '2018-11-04'];

  it('exits 0 after a clean load', async () => {
    const run = await runSparkify(['check', ...asOf], { env });
    expect(run.code, run.stdout + run.stderr).toBe(0);
    expect(run.stdout).toMatch(/\d+ checks: \d+ passed, \d+ warned, 0 failed/);
  });

  it('writes valid JUnit with one testcase per check', async () => {
    const output = join(work, 'r.xml');
    const run = await runSparkify(['check', '--format', 'junit', '--output', output, ...asOf], { env });
    expect(run.code).toBe(0);
    const xml = readFileSync(output, 'utf8');
    expect(XMLValidator.validate(xml)).toBe(true);
    const parsed = new XMLParser({ ignoreAttributes: false }).parse(xml) as {
      testsuites: { testsuite: { testcase: unknown[] } | { testcase: unknown[] }[] };
    };
    const suites = ([] as { testcase: unknown[] }[]).concat(parsed.testsuites.testsuite);
    const cases = suites.flatMap((suite) => ([] as unknown[]).concat(suite.testcase));
    expect(cases).toHaveLength(buildSuite().length);
  });

  it('exits 1 and names the orphan check and the user id after deleting a user that songplays refer to', async () => {
    const userId = (await db.knex<{ user_id: number }>('songplays').first('user_id'))!.user_id;
    const saved = (await db.knex('users').where({ user_id: userId }).first()) as Record<string, unknown>;
    await db.knex('users').where({ user_id: userId }).delete();
    try {
      const run = await runSparkify(['check'], { env });
      expect(run.code).toBe(1);
      expect(run.stdout).toContain('orphans_songplays_user_id');
      expect(run.stdout).toContain(`user_id=${userId}`);
      const json = await runSparkify(['check', '--format', 'json'], { env });
      expect(json.code).toBe(1);
      const report = JSON.parse(json.stdout) as { results: { name: string; status: string }[] };
      expect(report.results.find((result) => result.name === 'orphans_songplays_user_id')?.status).toBe(
        'fail',
      );
    } finally {
      await db.knex('users').insert(saved);
    }
  });

  it('runs a PostgreSQL warehouse’s checks with the work memory their joins over every play need', async () => {
    const checks = join(work, 'work-mem.json');
    writeFileSync(
      checks,
      JSON.stringify({
        defaults: false,
        checks: [
          {
            type: 'sql',
            name: 'work_mem_of_the_checks',
            sql: "SELECT current_setting('work_mem') AS work_mem WHERE current_setting('work_mem') <> '64MB'",
          },
        ],
      }),
    );
    const run = await runSparkify(['check', '--checks', checks, '--format', 'json'], { env });
    expect(run.code, run.stderr).toBe(0);
    const report = JSON.parse(run.stdout) as { results: { name: string; failingRows: number }[] };
    expect(report.results).toMatchObject([{ name: 'work_mem_of_the_checks', failingRows: 0 }]);
  });

  it('exits 2 when the database cannot be reached', async () => {
    const run = await runSparkify(['check'], {
      env: { ...env, DATABASE_URL: 'postgres://nobody:canary-pw@127.0.0.1:9/none' },
    });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('127.0.0.1:9');
    expect(run.stderr + run.stdout).not.toContain('canary-pw');
  });
});
