import { createTestDatabase, type TestDatabase } from '@sparkify/testkit';
import { migrations } from '@sparkify/schema';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { removeTempFolders, runSparkify, tempFolder } from './run-sparkify.js';

interface StatusJson {
  dialect: string;
  applied: number;
  pending: number;
  changed: number;
  migrations: { name: string; state: string }[];
}

const names = migrations.map((migration) => migration.name);

afterAll(removeTempFolders);

describe('sparkify migrate against DATABASE_URL', () => {
  let db: TestDatabase;
  let env: Record<string, string>;

  beforeAll(async () => {
    db = await createTestDatabase(inject('pgUrl'), 'cli_migrate');
    env = { DATABASE_URL: db.url, SPARKIFY_HOME: tempFolder('sparkify-unused-home-') };
  });
  afterAll(async () => {
    await db.drop();
  });

  async function status(): Promise<StatusJson> {
    const run = await runSparkify(['migrate', 'status', '--json'], { env });
    expect(run.stderr).toBe('');
    return JSON.parse(run.stdout) as StatusJson;
  }

  it('migrate, then migrate status --json shows nothing pending (pure JSON on stdout)', async () => {
    expect((await status()).pending).toBe(names.length);
    const run = await runSparkify(['migrate'], { env });
    expect(run.code).toBe(0);
    for (const name of names) expect(run.stdout).toContain(name);
    const after = await status();
    expect(after).toMatchObject({ dialect: 'postgres', applied: names.length, pending: 0, changed: 0 });
    expect(after.migrations.map((row) => row.state)).toEqual(names.map(() => 'applied'));
    expect(await db.knex.schema.hasTable('songplays')).toBe(true);
  });

  it('down undoes the last migration, --to moves to exactly one, rollback --all empties, latest restores', async () => {
    const down = await runSparkify(['migrate', 'down', '--json'], { env });
    expect(down.code).toBe(0);
    expect(JSON.parse(down.stdout)).toMatchObject({ direction: 'down', ran: [names.at(-1)] });

    const to = await runSparkify(['migrate', '--to', names[0]!], { env });
    expect(to.code).toBe(0);
    expect(
      (await status()).migrations.filter((row) => row.state === 'applied').map((row) => row.name),
    ).toEqual([names[0]]);

    const all = await runSparkify(['migrate', 'rollback', '--all'], { env });
    expect(all.code).toBe(0);
    expect((await status()).applied).toBe(0);
    expect(await db.knex.schema.hasTable('staging_events')).toBe(false);

    expect((await runSparkify(['migrate', 'latest'], { env })).code).toBe(0);
    expect((await status()).pending).toBe(0);
  });

  it('a changed migration: status exits 1 and shows it, latest refuses with the remedy, repair records it', async () => {
    await db.knex('schema_checksums').where({ name: names[1] }).update({ checksum: 'edited-after-apply' });
    const changed = await runSparkify(['migrate', 'status'], { env });
    expect(changed.code).toBe(1);
    expect(changed.stdout).toContain(`CHANGED since applied: ${names[1]}`);

    const refused = await runSparkify(['migrate'], { env });
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain(names[1]);
    expect(refused.stderr).toContain('sparkify migrate repair');

    expect((await runSparkify(['migrate', 'repair'], { env })).code).toBe(0);
    expect((await status()).changed).toBe(0);
  });

  it('an unreachable DATABASE_URL exits 2 naming host:port, never the password', async () => {
    const run = await runSparkify(['migrate'], {
      env: { DATABASE_URL: 'postgres://someone:NotThisPassword@127.0.0.1:9/nowhere' },
    });
    expect(run.code).toBe(2);
    expect(run.stderr.trim().split('\n')).toHaveLength(1);
    expect(run.stderr).toContain('cannot connect to 127.0.0.1:9');
    expect(run.stderr).not.toContain('NotThisPassword');
    expect(run.stdout).toBe('');
  });
});

describe('sparkify migrate --dry-run', () => {
  it('prints the Redshift DDL without any cluster: IDENTITY, DISTSTYLE ALL, SORTKEY, no PostgreSQL-only constructs', async () => {
    const run = await runSparkify(['migrate', '--dry-run', '--target', 'redshift'], {
      cwd: tempFolder('sparkify-dry-'),
    });
    expect(run.code).toBe(0);
    expect(run.stderr).toBe('');
    const sql = run.stdout;
    expect(sql).toContain('IDENTITY(0,1)');
    expect(sql).toContain('DISTSTYLE ALL');
    expect(sql).toMatch(/SORTKEY \(start_time\)/);
    // CREATE TABLE's synopsis: [ BACKUP { YES | NO } ] before the table attributes (DISTSTYLE, DISTKEY, SORTKEY).
    expect(sql).toMatch(/\)\s*BACKUP NO DISTSTYLE EVEN/);
    for (const statement of sql.split(/;\s*\n/).filter((text) => /\bBACKUP\b/.test(text))) {
      expect(statement).toMatch(/\)\s*BACKUP (YES|NO)\s+(DISTSTYLE|DISTKEY|SORTKEY|COMPOUND|INTERLEAVED|$)/);
    }
    for (const name of names) expect(sql).toContain(`-- ${name} (up)`);
    for (const postgresOnly of [/GENERATED/i, /UNLOGGED/i, /SERIAL/i, /ON CONFLICT/i])
      expect(sql).not.toMatch(postgresOnly);
  });

  it('dry-runs down and rollback as SQL for the chosen target, also as JSON', async () => {
    const down = await runSparkify(['migrate', 'down', '--dry-run', '--json', '--target', 'redshift']);
    expect(down.code).toBe(0);
    const plan = JSON.parse(down.stdout) as {
      dialect: string;
      statements: { migration: string; direction: string }[];
    };
    expect(plan.dialect).toBe('redshift');
    expect(new Set(plan.statements.map((statement) => statement.migration))).toEqual(new Set([names.at(-1)]));
    const all = await runSparkify(['migrate', 'rollback', '--all', '--dry-run']);
    expect(all.code).toBe(0);
    expect(all.stdout).toMatch(/DROP TABLE/i);
    for (const name of names) expect(all.stdout).toContain(`-- ${name} (down)`);
  });

  it('rejects an unknown --to with the known names, exit 2', async () => {
    const run = await runSparkify(['migrate', '--dry-run', '--to', 'no_such']);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('no migration is named or starts with "no_such"');
    expect(run.stderr).toContain(names[0]);
  });
});

describe('the redshift target', () => {
  function redshiftEnv(serverUrl: string): Record<string, string> {
    const url = new URL(serverUrl);
    return {
      SPARKIFY_TARGET: 'redshift',
      REDSHIFT_HOST: url.hostname,
      REDSHIFT_PORT: url.port,
      REDSHIFT_DATABASE: 'postgres',
      REDSHIFT_USER: decodeURIComponent(url.username),
      REDSHIFT_PASSWORD: decodeURIComponent(url.password),
    };
  }

  it('uses TLS by default: a server without TLS is refused with a clear message, exit 2', async () => {
    const env = redshiftEnv(inject('pgUrl'));
    const run = await runSparkify(['migrate', 'status'], { env });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(`cannot connect to 127.0.0.1:${env.REDSHIFT_PORT}`);
    expect(run.stderr).toContain('does not accept TLS');
    expect(run.stderr).not.toContain(env.REDSHIFT_PASSWORD);
  });

  it('connects without TLS only when told to (--tls off)', async () => {
    const run = await runSparkify(['--tls', 'off', 'migrate', 'status', '--json'], {
      env: redshiftEnv(inject('pgUrl')),
    });
    expect(run.stderr).toBe('');
    expect(JSON.parse(run.stdout)).toMatchObject({ dialect: 'redshift' });
  });

  it('--dry-run never connects, even to a configured cluster that does not answer', async () => {
    const env = { ...redshiftEnv('postgres://u:some-password@127.0.0.1:9/x'), REDSHIFT_DATABASE: 'dev' };
    const run = await runSparkify(['migrate', '--dry-run'], { env });
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('DISTSTYLE ALL');
  });
});

describe('usage errors', () => {
  it("an unknown option exits 2 with commander's message", async () => {
    const run = await runSparkify(['migrate', '--frobnicate']);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain("unknown option '--frobnicate'");
  });

  it('--help teaches with examples and exits 0', async () => {
    const run = await runSparkify(['migrate', '--help']);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('Examples:');
    expect(run.stdout).toContain('--dry-run --target redshift');
  });
});
