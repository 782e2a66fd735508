import { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { addExamples, examplesOf, formatExamples } from './help-examples.js';

describe('formatExamples', () => {
  it('aligns what each example does, and puts it under a command too long to align', () => {
    const long = `sparkify load --song-data s3://my-bucket/sparkify/song_data --log-data s3://b/log_data`;
    expect(
      formatExamples([
        { run: 'sparkify migrate', says: 'create the schema' },
        { run: 'sparkify migrate status --json', says: 'as JSON' },
        { run: 'sparkify db url' },
        { run: long, says: 'two locations' },
      ]),
    ).toBe(
      '\nExamples:\n' +
        '  $ sparkify migrate                create the schema\n' +
        '  $ sparkify migrate status --json  as JSON\n' +
        '  $ sparkify db url\n' +
        `  $ ${long}\n` +
        '      two locations',
    );
  });

  it('says "Example" for one', () => {
    expect(formatExamples([{ run: 'pnpm demo' }])).toBe('\nExample:\n  $ pnpm demo');
  });
});

describe('addExamples', () => {
  it('prints the examples in --help and records them for the test that runs them', () => {
    const command = new Command('x');
    let help = '';
    command.configureOutput({ writeOut: (text) => (help += text) });
    addExamples(command, [{ run: 'sparkify x --y', says: 'does y' }]);
    addExamples(command, [{ run: 'sparkify x', exitCode: 1 }]);
    command.outputHelp();
    expect(help).toContain('Example:\n  $ sparkify x --y  does y\n');
    expect(examplesOf(command)).toEqual([
      { run: 'sparkify x --y', says: 'does y' },
      { run: 'sparkify x', exitCode: 1 },
    ]);
  });
});
