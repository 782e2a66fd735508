import { createTestDatabase, type TestDatabase } from '@sparkify/testkit';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import {
  buildSuite,
  type Check,
  checkTypes,
  formatDryRun,
  parseCheckConfig,
  planCheckQueries,
  runChecks,
  sampleSql,
  storeCheckRun,
} from '../src/index.js';
import { seedWarehouse } from './seed-warehouse.js';

/** REDSHIFT.md §6: PostgreSQL-only constructs Redshift rejects, and Redshift-only ones PostgreSQL rejects. */
const forbidden: [string, RegExp][] = [
  ['ON CONFLICT', /\bON\s+CONFLICT\b/i],
  ['RETURNING', /\bRETURNING\b/i],
  ['IS DISTINCT FROM', /\bIS\s+(NOT\s+)?DISTINCT\s+FROM\b/i],
  ['DISTINCT ON', /\bDISTINCT\s+ON\b/i],
  ['FILTER (WHERE', /\bFILTER\s*\(\s*WHERE\b/i],
  ['STRING_AGG / ARRAY_AGG / EVERY', /\b(STRING_AGG|ARRAY_AGG|EVERY)\s*\(/i],
  [
    'NOW() and friends',
    /\b(NOW\s*\(|CURRENT_TIMESTAMP|LOCALTIMESTAMP|CLOCK_TIMESTAMP|TRANSACTION_TIMESTAMP)/i,
  ],
  ['json', /::\s*jsonb?\b|->>?|#>|@>/i],
  ['to_timestamp', /\bTO_TIMESTAMP\s*\(/i],
  ['sequences', /\b(NEXTVAL|SERIAL|BIGSERIAL)\b/i],
  ['set-returning / lateral / arrays', /\b(GENERATE_SERIES|UNNEST|LATERAL|ANY\s*\(\s*ARRAY|ARRAY\s*\[)/i],
  ['FROM (VALUES', /\bFROM\s*\(\s*VALUES\b/i],
  ['window frames', /\bOVER\s*\(|\bWINDOW\b/i],
  ['locking reads / advisory locks', /\bFOR\s+(UPDATE|SHARE)\b|PG_ADVISORY/i],
  ['Redshift-only functions', /\b(GETDATE|SYSDATE|NVL|DATEADD|DATEDIFF|LISTAGG|QUALIFY|MINUS|TOP\s+\d)\b/i],
  ['TEXT type / casts', /\bAS\s+TEXT\b|::\s*text\b/i],
  ['TRUNCATE', /\bTRUNCATE\b/i],
];

function violations(sql: string): string[] {
  const code = sql.replace(/^\s*--.*$/gm, ''); // the dry run's comments are prose, not SQL
  return forbidden.filter(([, pattern]) => pattern.test(code)).map(([name]) => name);
}

/** One check of every type, so each builder's SQL is linted. */
function everyTypeSuite(): Check[] {
  const suite = buildSuite(
    parseCheckConfig(
      JSON.stringify({
        checks: [
          { type: 'unique', table: 'songs', columns: ['title', 'artist_id'] },
          { type: 'accepted_range', table: 'songs', column: 'year', min: 0 },
          { type: 'row_count', table: 'users', min: 1, max: 1_000_000, name: 'row_count_users_bounded' },
          { type: 'sql', name: 'custom', sql: 'SELECT user_id FROM users WHERE first_name IS NULL' },
        ],
      }),
    ),
  );
  expect(new Set(suite.map((check) => check.type))).toEqual(new Set(checkTypes));
  return suite;
}

describe('the generated SQL stays in the portable subset', () => {
  it('the lint catches what it should', () => {
    expect(violations('INSERT INTO t (a) VALUES (1) ON CONFLICT DO NOTHING RETURNING a')).toEqual([
      'ON CONFLICT',
      'RETURNING',
    ]);
    expect(violations(`SELECT COUNT(*) FILTER (WHERE a IS DISTINCT FROM b), NOW() FROM t`)).toHaveLength(3);
  });

  it('every check, scan, count and sample query of every check type', () => {
    const suite = everyTypeSuite();
    const plan = planCheckQueries(suite);
    const statements = [
      ...plan.scans.map((scan) => scan.sql),
      ...plan.counts.map((count) => count.sql),
      ...plan.judged.map((judged) => judged.sql),
      ...suite.map((check) => sampleSql(check, 10)),
      formatDryRun(suite),
    ];
    for (const sql of statements)
      expect({ sql, violations: violations(sql) }).toEqual({ sql, violations: [] });
  });

  it('scans each star table once for all its count-expression checks', () => {
    const plan = planCheckQueries(buildSuite());
    expect(plan.scans.map((scan) => scan.table)).toEqual([
      'songplays',
      'users',
      'songs',
      'artists',
      'time',
      'etl_files',
    ]);
    expect(plan.scans[0]?.checks.length).toBeGreaterThanOrEqual(9);
  });
});

describe('the SQL actually sent during a run and its storage', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase(inject('pgUrl'), 'quality_sql');
    await seedWarehouse(db.knex);
  });
  afterAll(() => db?.drop());

  it('holds none of the forbidden constructs', async () => {
    await db.knex('users').where({ user_id: 26 }).delete(); // so that samples are taken too
    const sent: string[] = [];
    db.knex.on('query', (query: { sql: string }) => sent.push(query.sql));
    const report = await runChecks(db.knex, everyTypeSuite());
    await storeCheckRun(db.knex, report);
    expect(sent.some((sql) => /insert into "check_results"/i.test(sql))).toBe(true);
    expect(sent.some((sql) => /LIMIT 10/.test(sql))).toBe(true);
    for (const sql of sent) expect({ sql, violations: violations(sql) }).toEqual({ sql, violations: [] });
  });
});
