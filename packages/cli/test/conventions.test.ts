import { readFileSync } from 'node:fs';
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
