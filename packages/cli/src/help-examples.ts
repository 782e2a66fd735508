import type { Command } from 'commander';

/** One example of a command's --help: printed as is, and run as printed by test/help-examples.test.ts. */
export interface HelpExample {
  /** The command line a user types: `sparkify …` (the binary), `pnpm …` (from the repository), or a shell pipeline. */
  run: string;
  /** What it does, printed beside it. */
  says?: string;
  /** The exit code it ends with when it works as intended (default 0): `check --fail-on warn` on warnings is 1. */
  exitCode?: number;
}

// Commands longer than this get their description on the next line, so the rest stay readable at 120 columns.
const MAX_ALIGNED = 56;

const examplesByCommand = new WeakMap<Command, HelpExample[]>();

/** The examples block of a --help: `$ command   what it does`, aligned; a long command gets its words below it. */
export function formatExamples(examples: readonly HelpExample[]): string {
  const aligned = examples.filter((example) => example.says && example.run.length <= MAX_ALIGNED);
  const width = Math.max(0, ...aligned.map((example) => example.run.length));
  const lines = examples.map((example) => {
    if (!example.says) return `  $ ${example.run}`;
    if (example.run.length > MAX_ALIGNED) return `  $ ${example.run}\n      ${example.says}`;
    return `  $ ${example.run.padEnd(width)}  ${example.says}`;
  });
  return `\n${examples.length === 1 ? 'Example' : 'Examples'}:\n${lines.join('\n')}`;
}

/**
 * Adds an Examples section to a command's --help (after any text already added) and records the examples, so
 * that the help-examples test runs every one of them: an example in a --help must work as printed.
 */
export function addExamples(command: Command, examples: readonly HelpExample[]): Command {
  examplesByCommand.set(command, [...(examplesByCommand.get(command) ?? []), ...examples]);
  return command.addHelpText('after', formatExamples(examples));
}

/** The examples a command's --help shows (its own, not its subcommands'). */
export function examplesOf(command: Command): readonly HelpExample[] {
  return examplesByCommand.get(command) ?? [];
}
