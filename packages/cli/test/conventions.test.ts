import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runSparkify } from './run-sparkify.js';

const { version } = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {
  version: string;
};

describe('command-line conventions', () => {
  it('--version prints the version alone', async () => {
    const run = await runSparkify(['--version']);
    expect(run).toMatchObject({ code: 0, stdout: `${version}\n`, stderr: '' });
  });

  it('a misspelt flag gets the suggestion and one usage line, not the whole help, exit 2', async () => {
    const run = await runSparkify(['migrate', 'status', '--jsn']);
    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toBe(
      "error: unknown option '--jsn'\n(Did you mean --json?)\n" +
        'usage: sparkify migrate status [options]\n' +
        '(`sparkify migrate status --help` lists every option, with examples)\n',
    );
  });

  it('`migrate --help` lists the options of `migrate latest`, which its examples use, and the global ones', async () => {
    const run = await runSparkify(['migrate', '--help']);
    expect(run.code).toBe(0);
    const options = run.stdout.slice(run.stdout.indexOf('Options of `sparkify migrate latest`'));
    for (const flag of ['--to <name>', '--dry-run', '--json']) expect(options).toContain(flag);
    expect(run.stdout).toContain('Global Options:\n  -c, --config <file>');
  });

  it('every command and subcommand --help lists the global options', async () => {
    for (const args of [['load'], ['check'], ['db', 'url'], ['migrate', 'rollback']]) {
      const run = await runSparkify([...args, '--help']);
      expect(run.code).toBe(0);
      expect(run.stdout, args.join(' ')).toMatch(/Global Options:[\s\S]*--target <target>[\s\S]*--debug/);
    }
  });

  it('`--to` takes a unique prefix of a migration name and refuses an ambiguous or unknown one', async () => {
    const prefix = await runSparkify(['migrate', '--to', '0001_staging', '--dry-run']);
    expect(prefix.code, prefix.stderr).toBe(0);
    expect(prefix.stdout).toContain('-- 0001_staging_tables (up)');
    expect(prefix.stdout).not.toContain('0002_star_schema');
    const ambiguous = await runSparkify(['migrate', '--to', '000', '--dry-run']);
    expect(ambiguous.code).toBe(2);
    expect(ambiguous.stderr).toMatch(
      /--to: "000" matches 0001_staging_tables and 0002_star_schema and .*; give more/,
    );
    const unknown = await runSparkify(['migrate', 'rollback', '--to', '9999', '--dry-run']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain(
      '--to: no migration is named or starts with "9999"; the migrations are 0001_staging_tables, ',
    );
  });
});

describe('refusals and descriptions', () => {
  it('`generate --out` into a folder holding files refuses, unless --force', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'sparkify-generate-into-'));
    try {
      writeFileSync(join(folder, 'real.json'), '{}\n');
      const generate = ['generate', '--out', folder, '--songs', '2', '--events', '10', '--days', '1'];
      const refused = await runSparkify(generate);
      expect(refused.code).toBe(2);
      expect(refused.stderr).toBe(
        `sparkify: --out: ${folder} already holds files (real.json); generated files would be mixed into them. ` +
          'Pick a new or empty folder, or pass --force to write into it anyway.\n',
      );
      expect(readdirSync(folder)).toEqual(['real.json']);
      const forced = await runSparkify([...generate, '--force']);
      expect(forced.code, forced.stderr).toBe(0);
      expect(readdirSync(folder).sort()).toEqual(['log_data', 'real.json', 'song_data']);
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  });

  it('`config` names the effective warehouse: the embedded PostgreSQL and its data folder by default', async () => {
    const home = mkdtempSync(join(tmpdir(), 'sparkify-config-home-'));
    try {
      const run = await runSparkify(['config'], { env: { SPARKIFY_HOME: home } });
      expect(run.code, run.stderr).toBe(0);
      expect(run.stdout.split('\n')[0]).toBe(
        `warehouse: embedded PostgreSQL (not created yet; the next command creates and starts it), data in ${join(home, 'pgdata')}`,
      );
      const url = await runSparkify(['config', '--json'], {
        env: { DATABASE_URL: 'postgres://u:secret@db.example:6543/dwh' },
      });
      expect((JSON.parse(url.stdout) as { warehouse: string }).warehouse).toBe(
        'PostgreSQL at db.example:6543/dwh (databaseUrl)',
      );
    } finally {
      rmSync(home, { recursive: true, force: true });
    }
  });
});
