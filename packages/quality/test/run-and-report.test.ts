import { createTestDatabase, type TestDatabase } from '@sparkify/testkit';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import {
  buildSuite,
  type CheckReport,
  checkExitCode,
  defaultSuite,
  formatGithubAnnotations,
  formatJson,
  formatJunit,
  formatTable,
  parseCheckConfig,
  postgresCheckSettings,
  QualityError,
  readCheckRun,
  runChecks,
  storeCheckRun,
} from '../src/index.js';
import { seededAt, seedWarehouse } from './seed-warehouse.js';

let db: TestDatabase;
let orphanReport: CheckReport;

beforeAll(async () => {
  db = await createTestDatabase(inject('pgUrl'), 'quality_report');
  await seedWarehouse(db.knex);
  await db.knex('users').where({ user_id: 26 }).delete();
  // At a reference time just after the seeded load, so that only the orphan fails (not freshness).
  orphanReport = await runChecks(db.knex, defaultSuite(), { asOf: seededAt });
});
afterAll(() => db?.drop());

const suiteFrom = (config: unknown) => buildSuite(parseCheckConfig(JSON.stringify(config)));

describe('checks from a config file', () => {
  it('judges custom thresholds, custom SQL with awkward characters, and a broken query', async () => {
    const suite = suiteFrom({
      defaults: false,
      checks: [
        { type: 'row_count', table: 'songplays', min: 10, severity: 'warn' },
        {
          type: 'relationships',
          table: 'songplays',
          column: 'user_id',
          to: 'users',
          field: 'user_id',
          errorAbove: 5,
        },
        {
          type: 'sql',
          name: 'odd_text',
          sql: `SELECT 'a <b> & "c" ? it''s' AS note FROM users WHERE user_id = 15;`,
          keyColumns: ['note'],
        },
        { type: 'sql', name: 'broken', sql: 'SELECT * FROM no_such_table' },
        {
          type: 'not_null',
          table: 'songplays',
          columns: ['song_id'],
          where: 'no_such_column = 1',
          name: 'broken_where',
        },
      ],
    });
    const report = await runChecks(db.knex, suite);
    const statuses = Object.fromEntries(report.results.map((result) => [result.name, result.status]));
    expect(statuses).toEqual({
      row_count_songplays: 'warn',
      orphans_songplays_user_id: 'warn',
      odd_text: 'fail',
      broken: 'error',
      broken_where: 'error',
    });
    expect(report.results.find((result) => result.name === 'odd_text')?.sample).toEqual([
      { note: `a <b> & "c" ? it's` },
    ]);
    expect(report.results.find((result) => result.name === 'broken')?.error).toMatch(/no_such_table/);
    expect(report.status).toBe('error');
    expect(checkExitCode(report)).toBe(2);
  });

  it('judged checks: the judge sees the rows and the reference time; a warn check only warns; SQL or judge errors are "could not run"', async () => {
    const [freshness] = suiteFrom({
      defaults: false,
      checks: [{ type: 'freshness', of: 'plays', errorAfter: '1d' }],
    });
    if (!freshness) throw new Error('no check');
    const seen: { rows: unknown; now: Date }[] = [];
    const suite = [
      freshness,
      {
        ...freshness,
        name: 'spy',
        judge: (rows: readonly Record<string, unknown>[], context: { now: Date }) => {
          seen.push({ rows, now: context.now });
          return { status: 'fail' as const, failingRows: 2, message: 'two things are wrong' };
        },
        severity: 'warn' as const,
      },
      { ...freshness, name: 'bad_sql', sql: 'SELECT MAX(start_time) AS newest FROM no_such_table' },
      {
        ...freshness,
        name: 'bad_judge',
        judge: () => {
          throw new Error('the judge broke');
        },
      },
    ];
    const report = await runChecks(db.knex, suite, { asOf: new Date('2018-11-05T00:00:00Z') });
    const byName = Object.fromEntries(report.results.map((result) => [result.name, result]));
    expect(byName['freshness_plays']).toMatchObject({
      status: 'fail',
      failingRows: 1,
      message: expect.stringMatching(
        /^stale: the newest songplay is from 2018-11-01 22:23:14 UTC, 3 d 1 h before/,
      ) as unknown,
    });
    expect(seen).toEqual([
      { rows: [{ newest: '2018-11-01 22:23:14.796', total: '3' }], now: new Date('2018-11-05T00:00:00Z') },
    ]);
    expect(byName['spy']).toMatchObject({ status: 'warn', failingRows: 2, message: 'two things are wrong' });
    expect(byName['bad_sql']).toMatchObject({
      status: 'error',
      error: expect.stringMatching(/no_such_table/) as unknown,
    });
    expect(byName['bad_judge']).toMatchObject({ status: 'error', error: 'the judge broke' });
    expect(formatTable(report)).toMatch(/WARN\s+spy\s+2\s+two things are wrong/);
  });

  it('throws CONNECTION_FAILED when the database cannot be reached', async () => {
    const { default: knexFactory } = await import('knex');
    const unreachable = knexFactory({
      client: 'pg',
      connection: 'postgres://nobody@127.0.0.1:1/none',
      acquireConnectionTimeout: 2000,
      log: { error: () => {}, warn: () => {}, debug: () => {}, deprecate: () => {} },
    });
    try {
      await expect(runChecks(unreachable, defaultSuite())).rejects.toMatchObject({
        code: 'CONNECTION_FAILED',
      });
      await expect(runChecks(unreachable, defaultSuite())).rejects.toBeInstanceOf(QualityError);
    } finally {
      await unreachable.destroy();
    }
  });
});

describe('stored results', () => {
  it('are readable back under a fresh run id each time', async () => {
    const first = await storeCheckRun(db.knex, orphanReport);
    const second = await storeCheckRun(db.knex, orphanReport);
    expect(second).not.toBe(first);
    const stored = await readCheckRun(db.knex, second);
    expect(stored).toMatchObject({
      checkRunId: second,
      status: 'fail',
      loadRunId: 1,
      checksPassed: orphanReport.counts.passed,
      checksFailed: 1,
    });
    expect(stored?.startedAt.toISOString()).toBe(orphanReport.startedAt.toISOString());
    expect(stored?.results).toHaveLength(defaultSuite().length);
    expect(stored?.results.find((result) => result.checkName === 'orphans_songplays_user_id')).toMatchObject({
      status: 'fail',
      failingRows: 1,
      checkType: 'relationships',
      tableName: 'songplays',
      sample: [{ user_id: 26, referencing_rows: '1' }],
    });
    expect(await readCheckRun(db.knex, 999_999)).toBeUndefined();
  });
});

describe('reporters', () => {
  it('JUnit: valid XML with one testcase per check, the failure carrying the orphan key', () => {
    const xml = formatJunit(orphanReport);
    expect(XMLValidator.validate(xml)).toBe(true);
    const parsed = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '@' }).parse(xml) as {
      testsuites: {
        testsuite: {
          '@tests': string;
          '@failures': string;
          testcase: { '@name': string; failure?: { '#text': string } }[];
        };
      };
    };
    const suite = parsed.testsuites.testsuite;
    expect(suite.testcase).toHaveLength(defaultSuite().length);
    expect(suite['@tests']).toBe(String(defaultSuite().length));
    expect(suite['@failures']).toBe('1');
    const failed = suite.testcase.filter((testcase) => testcase.failure);
    expect(failed.map((testcase) => testcase['@name'])).toEqual(['orphans_songplays_user_id']);
    expect(failed[0]?.failure?.['#text']).toContain('user_id=26');
  });

  it('JUnit escapes markup in names, descriptions and samples', async () => {
    const report = await runChecks(
      db.knex,
      suiteFrom({
        defaults: false,
        checks: [
          {
            type: 'sql',
            name: 'markup',
            description: 'a < b & "c"',
            sql: `SELECT '<tag attr="1">&amp;</tag>' AS v`,
          },
        ],
      }),
    );
    const [result] = report.results;
    if (!result) throw new Error('no result');
    report.results.push({ ...result, name: `x<&>"'`, status: 'error', error: ']]> </error>' });
    const xml = formatJunit(report);
    expect(XMLValidator.validate(xml)).toBe(true);
    const parsed = new XMLParser({
      ignoreAttributes: false,
      attributeNamePrefix: '@',
      processEntities: true,
    }).parse(xml) as {
      testsuites: {
        testsuite: {
          testcase: { '@name': string; failure?: { '#text': string }; error?: { '#text': string } }[];
        };
      };
    };
    const [markup, weird] = parsed.testsuites.testsuite.testcase;
    expect(markup?.failure?.['#text']).toContain('v=<tag attr="1">&amp;</tag>');
    expect(markup?.failure?.['#text']).toContain('a < b & "c"');
    expect(weird?.['@name']).toBe(`x<&>"'`);
    expect(weird?.error?.['#text']).toBe(']]> </error>');
  });

  it('table: one line per check naming the failing key; colour only when asked', () => {
    const plain = formatTable(orphanReport);
    expect(plain).toMatch(
      /FAIL\s+orphans_songplays_user_id\s+1\s+1 failing row: \(user_id=26, referencing_rows=1\)/,
    );
    expect(
      plain.split('\n').filter((line) => /^(PASS|WARN|FAIL|ERROR)\s+\S+\s+(\d+|-)(\s|$)/.test(line)),
    ).toHaveLength(defaultSuite().length);
    expect(plain).not.toContain('\u001b[');
    expect(formatTable(orphanReport, { color: true })).toContain('\u001b[31mFAIL');
  });

  it('JSON: the whole report, parseable', () => {
    const parsed = JSON.parse(formatJson(orphanReport)) as {
      status: string;
      results: { name: string; sample: unknown[] }[];
    };
    expect(parsed.status).toBe('fail');
    expect(parsed.results.find((result) => result.name === 'orphans_songplays_user_id')?.sample).toEqual([
      { user_id: 26, referencing_rows: '1' },
    ]);
  });

  it('GitHub Actions: an ::error annotation per failing check, nothing for passing ones', () => {
    expect(formatGithubAnnotations(orphanReport)).toBe(
      '::error title=check orphans_songplays_user_id::every songplays.user_id exists in users.user_id: ' +
        '1 failing row: (user_id=26, referencing_rows=1)\n',
    );
  });
});

describe('session settings', () => {
  it('hold for every query of a run (counts and samples) and end with it: the pooled sessions keep their own', async () => {
    const suite = suiteFrom({
      defaults: false,
      checks: [
        {
          type: 'sql',
          name: 'work_mem_of_the_query',
          sql: "SELECT current_setting('work_mem') AS work_mem WHERE current_setting('work_mem') <> '64MB'",
        },
      ],
    });
    const tuned = await runChecks(db.knex, suite, { asOf: seededAt, sessionSettings: postgresCheckSettings });
    expect(tuned.results.map((result) => [result.status, result.failingRows])).toEqual([['pass', 0]]);
    // The same query without them, on the same pool: the server's default, counted and sampled.
    const plain = await runChecks(db.knex, suite, { asOf: seededAt });
    expect(plain.results.map((result) => [result.failingRows, result.sample])).toEqual([
      [1, [{ work_mem: '4MB' }]],
    ]);
  });
});
