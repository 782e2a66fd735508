import { describe, expect, it } from 'vitest';
import { portableSqlViolations } from '@sparkify/testkit';
import type { SourceObject } from '../sources/source.js';
import { buildCopyStatement, buildManifest, sqlLiteral } from './redshift-sql.js';
import { planRedshiftStage } from './stage-redshift.js';

const role = 'arn:aws:iam::123456789012:role/dwhRole';
const object = (key: string, dataset: 'songs' | 'events' = 'events'): SourceObject => ({
  dataset,
  key,
  etag: 'e',
  size: 1,
});

describe('sqlLiteral', () => {
  it('doubles quotes and refuses backslashes and control characters', () => {
    expect(sqlLiteral("s3://b/it's")).toBe("'s3://b/it''s'");
    expect(() => sqlLiteral('a\\b')).toThrow(/backslash or control character/);
    expect(() => sqlLiteral('a\nb')).toThrow(/backslash or control character/);
  });
});

describe('the Redshift COPY', () => {
  it("loads each event whole into the raw SUPER table (FORMAT JSON 'noshred'), with every option the issue lists", () => {
    const sql = buildCopyStatement({
      dataset: 'events',
      manifestUrl: 's3://my-bucket/manifests/run-7/events.manifest',
      iamRoleArn: role,
      region: 'us-west-2',
      maxErrors: 0,
      gzip: false,
    });
    expect(sql).toBe(
      [
        'COPY staging_events_raw',
        "FROM 's3://my-bucket/manifests/run-7/events.manifest'",
        "IAM_ROLE 'arn:aws:iam::123456789012:role/dwhRole'",
        "FORMAT AS JSON 'noshred'",
        'MANIFEST',
        "REGION 'us-west-2'",
        'COMPUPDATE OFF',
        'STATUPDATE OFF',
        'MAXERROR 1',
      ].join('\n'),
    );
    expect(sql).not.toMatch(/\$\d/);
  });

  it('loads songs whole too, and gzip objects with GZIP', () => {
    const sql = buildCopyStatement({
      dataset: 'songs',
      manifestUrl: 's3://my-bucket/m/songs-gzip.manifest',
      iamRoleArn: role,
      maxErrors: 10,
      gzip: true,
    });
    expect(sql.split('\n')[0]).toBe('COPY staging_songs_raw');
    expect(sql).toContain("FORMAT AS JSON 'noshred'");
    expect(sql).toContain('GZIP');
    // Redshift fails once errors reach MAXERROR: tolerating 10 takes MAXERROR 11.
    expect(sql).toContain('MAXERROR 11');
    expect(sql).not.toContain('REGION');
  });

  it('validates the role ARN and region before they reach SQL', () => {
    const base = {
      dataset: 'songs' as const,
      manifestUrl: 's3://my-bucket/m.manifest',
      maxErrors: 0,
      gzip: false,
    };
    expect(() =>
      buildCopyStatement({ ...base, iamRoleArn: "arn:aws:iam::1:role/x' ; DROP TABLE users; --" }),
    ).toThrow(/IAM role ARN/);
    expect(() => buildCopyStatement({ ...base, iamRoleArn: role, region: "us-west-2'; --" })).toThrow(
      /region/,
    );
  });
});

describe('the manifest and the plan', () => {
  const hostile = [
    object("s3://data-bucket/log_data/2018/11/it's-a-quote.json"),
    object('s3://data-bucket/log_data/2018/11/semi;colon\\back"slash-ünï.json'),
    object('s3://data-bucket/song_data/A/B/C/TRX.json.gz', 'songs'),
  ];

  it('lists exactly the planned objects, mandatory, with keys as data (never SQL)', () => {
    const manifest = JSON.parse(buildManifest(hostile)) as { entries: { url: string; mandatory: boolean }[] };
    expect(manifest.entries).toEqual([
      { url: "s3://data-bucket/log_data/2018/11/it's-a-quote.json", mandatory: true },
      { url: 's3://data-bucket/log_data/2018/11/semi;colon\\back"slash-ünï.json', mandatory: true },
      { url: 's3://data-bucket/song_data/A/B/C/TRX.json.gz', mandatory: true },
    ]);
  });

  it('keeps hostile keys out of the SQL: statements name only the tool-made manifest URLs, one per object', () => {
    const plan = planRedshiftStage(
      hostile,
      {
        iamRoleArn: role,
        region: 'us-west-2',
        manifestPrefix: 's3://my-bucket/manifests',
        maxErrors: 0,
        sample: 2,
      },
      'run-12',
    );
    expect(plan.uploads.map((upload) => upload.url)).toEqual([
      's3://my-bucket/manifests/run-12/songs-000001.manifest',
      's3://my-bucket/manifests/run-12/events-000001.manifest',
      's3://my-bucket/manifests/run-12/events-000002.manifest',
    ]);
    expect(plan.uploads.map((upload) => JSON.parse(upload.body) as unknown)).toEqual([
      { entries: [{ url: hostile[2]!.key, mandatory: true }] },
      { entries: [{ url: hostile[0]!.key, mandatory: true }] },
      { entries: [{ url: hostile[1]!.key, mandatory: true }] },
    ]);
    const sql = plan.statements.map((statement) => statement.sql).join(';\n');
    expect(sql).toContain('TRUNCATE staging_events');
    expect(sql).not.toContain("it's");
    expect(sql).not.toContain('semi;colon');
    const copies = plan.statements.filter((statement) => statement.kind === 'copy');
    expect(copies.map((copy) => copy.key)).toEqual([hostile[2]!.key, hostile[0]!.key, hostile[1]!.key]);
    expect(copies[0]!.sql).toMatch(/^COPY staging_songs_raw\n[\s\S]*GZIP/);
    expect(copies[1]!.sql).not.toContain('GZIP');
    expect(plan.sample.map((o) => o.key)).toEqual([hostile[2]!.key, hostile[0]!.key, hostile[1]!.key]);
  });
});

describe('the Redshift plan a --dry-run prints', () => {
  const objects = [
    { dataset: 'events' as const, key: 's3://data/log_data/2018-11-01-events.json', etag: 'e1', size: 10 },
    { dataset: 'songs' as const, key: 's3://data/song_data/A/TRA.json', etag: 's1', size: 5 },
  ];
  const plan = planRedshiftStage(
    objects,
    {
      iamRoleArn: 'arn:aws:iam::123456789012:role/dwhRole',
      region: 'eu-west-1',
      manifestPrefix: 's3://data/manifests/',
      maxErrors: 3,
      sample: 1,
    },
    'run-<id>',
  );

  it('in order: the TRUNCATEs; per COPY the copy-id mark, the COPY (REGION from copy-region), the SYS-view reads scoped to it and the move to the documents table; per dataset the validation pass', () => {
    const heads = plan.statements.map((statement) => statement.sql.trim().split(/\s+/).slice(0, 3).join(' '));
    const perCopy = (dataset: string) => [
      'SELECT pg_last_copy_id() AS',
      `COPY staging_${dataset}_raw FROM`,
      'SELECT pg_last_copy_id() AS',
      'SELECT query_id, TRIM(table_name)',
      'SELECT TRIM(file_name) AS',
      'SELECT TRIM(file_name) AS',
      'SELECT pg_last_copy_count() AS',
      `INSERT INTO staging_${dataset}_docs`,
      `DELETE FROM staging_${dataset}_raw`,
    ];
    const pass = (dataset: string) => [
      'SELECT object_id, COUNT(*)',
      'SELECT object_id, rule,',
      `INSERT INTO staging_${dataset}`,
      `TRUNCATE staging_${dataset}_docs`,
    ];
    expect(heads).toEqual([
      'SET enable_case_sensitive_identifier TO',
      'SELECT JSON_TYPEOF(m.doc."a") AS',
      'TRUNCATE staging_songs',
      'TRUNCATE staging_songs_raw',
      'TRUNCATE staging_songs_docs',
      'TRUNCATE staging_events',
      'TRUNCATE staging_events_raw',
      'TRUNCATE staging_events_docs',
      ...perCopy('songs'),
      ...pass('songs'),
      ...perCopy('events'),
      ...pass('events'),
      'RESET enable_case_sensitive_identifier',
    ]);
    const copies = plan.statements.filter((statement) => statement.kind === 'copy');
    for (const copy of copies) expect(copy.sql).toContain("REGION 'eu-west-1'");
    const tags = plan.statements.filter((statement) => statement.kind === 'tag').map((tag) => tag.sql);
    expect(tags).toEqual([
      'INSERT INTO staging_songs_docs (object_id, doc) SELECT <object id 1>, doc FROM staging_songs_raw',
      'DELETE FROM staging_songs_raw',
      'INSERT INTO staging_events_docs (object_id, doc) SELECT <object id 1>, doc FROM staging_events_raw',
      'DELETE FROM staging_events_raw',
    ]);
    const history = plan.statements.filter((statement) => statement.sql.includes('sys_load_history'))[1]!;
    expect(history.sql).toContain("TRIM(table_name) IN ('staging_events_raw', 'public.staging_events_raw')");
    expect(history.sql).toContain('session_id = pg_backend_pid()');
    expect(history.sql).toContain("start_time >= '<before copy>'");
  });

  it("the validation pass reads SUPER by each key's exact name and shreds only the documents that break no rule", () => {
    const shred = plan.statements.find(
      (statement) => statement.kind === 'shred' && statement.dataset === 'events',
    )!;
    expect(shred.sql).toMatch(
      /^INSERT INTO staging_events \(artist, auth, first_name, [^)]*, user_id, object_id\)/,
    );
    expect(shred.sql).toContain('CAST(doc."itemInSession" AS INTEGER)');
    expect(shred.sql).toContain('CAST(doc."userId" AS VARCHAR(32))');
    expect(shred.sql).toMatch(/WHERE \(CASE\n[\s\S]*END\) IS NULL$/);
    const sample = plan.statements.find((statement) => statement.kind === 'sample-rejects')!;
    expect(sample.sql).toContain('JSON_SERIALIZE(doc)');
    expect(sample.sql).toMatch(/LIMIT 1000$/);
    // Trailing spaces count on Redshift too: accepted values are compared with a sentinel appended.
    const count = plan.statements.find(
      (statement) => statement.kind === 'count-rejects' && statement.dataset === 'events',
    )!;
    expect(count.sql).toContain(`CAST(doc."level" AS VARCHAR(65535)) || '|' IN ('free|', 'paid|')`);
    expect(count.sql).toContain(`JSON_TYPEOF(doc."sessionId") = 'number'`);
  });

  it("each object's COPY is followed by the move of its documents with that object's id, before the next COPY", () => {
    const ids = new Map([
      [objects[0]!.key, 17],
      [objects[1]!.key, 4],
    ]);
    const real = planRedshiftStage(
      objects,
      {
        iamRoleArn: 'arn:aws:iam::123456789012:role/dwhRole',
        manifestPrefix: 's3://data/manifests/',
        maxErrors: 0,
        sample: 1,
      },
      'run-9',
      ids,
    );
    const steps = real.statements
      .filter((statement) => statement.kind === 'copy' || statement.kind === 'tag')
      .map((statement) => `${statement.kind} ${statement.key} ${statement.sql.split('\n')[0]}`);
    expect(steps).toEqual([
      'copy s3://data/song_data/A/TRA.json COPY staging_songs_raw',
      'tag s3://data/song_data/A/TRA.json INSERT INTO staging_songs_docs (object_id, doc) SELECT 4, doc FROM staging_songs_raw',
      'tag s3://data/song_data/A/TRA.json DELETE FROM staging_songs_raw',
      'copy s3://data/log_data/2018-11-01-events.json COPY staging_events_raw',
      'tag s3://data/log_data/2018-11-01-events.json INSERT INTO staging_events_docs (object_id, doc) SELECT 17, doc FROM staging_events_raw',
      'tag s3://data/log_data/2018-11-01-events.json DELETE FROM staging_events_raw',
    ]);
  });

  it('the SYS-view reads, the COPYs and the validation pass pass the forbidden-construct lint (no STL view either)', () => {
    for (const statement of plan.statements) {
      if (['session', 'probe', 'truncate', 'tag'].includes(statement.kind)) continue; // Redshift-only staging SQL
      if (statement.sql.startsWith('SELECT pg_last_copy_id()')) continue; // GETDATE(): a leader-node mark
      expect({ sql: statement.sql, violations: portableSqlViolations(statement.sql) }).toEqual({
        sql: statement.sql,
        violations: [],
      });
      expect(statement.sql).not.toMatch(/\bstl_/i);
    }
  });
});
