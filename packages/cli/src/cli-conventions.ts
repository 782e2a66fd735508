import type { EventEmitter } from 'node:events';
import type { Command, Help } from 'commander';

/** The command path as typed: "sparkify migrate status". */
export function commandPath(command: Command): string {
  const names: string[] = [];
  for (let current: Command | null = command; current; current = current.parent)
    names.unshift(current.name());
  return names.join(' ');
}

/** The subcommand that runs when none is named (`migrate` is `migrate latest`); commander keeps it private. */
function defaultSubcommand(command: Command): Command | undefined {
  const name = (command as unknown as { _defaultCommandName?: string | null })._defaultCommandName;
  return name ? command.commands.find((sub) => sub.name() === name) : undefined;
}

/** The options block of `command` as commander prints it, under another heading. */
function optionsBlock(command: Command, heading: string, help: Help): string {
  const options = help.visibleOptions(command).filter((option) => option.long !== '--help');
  const width = Math.max(...options.map((option) => help.optionTerm(option).length));
  const lines = options.map(
    (option) => `  ${help.optionTerm(option).padEnd(width)}  ${help.optionDescription(option)}`,
  );
  return `\n${heading}\n${lines.join('\n')}`;
}

/**
 * The conventions every command gets, applied once to the whole tree after all commands are registered (so a
 * command added later inherits them with no code of its own):
 * - `--help` lists every option it accepts: the global ones too, and for a command with a default subcommand
 *   (`migrate` → `migrate latest`) that subcommand's options, since `migrate --to … --dry-run` uses them;
 * - a usage error (unknown or misspelt flag, missing value) prints the error, commander's "did you mean", one
 *   usage line and where the full help is, not the whole help.
 */
export function applyCliConventions(program: Command): void {
  const visit = (command: Command) => {
    command.configureHelp({ showGlobalOptions: true, sortSubcommands: false });
    const path = commandPath(command);
    command.showHelpAfterError(
      `usage: ${path} ${command.usage()}\n(\`${path} --help\` lists every option, with examples)`,
    );
    const fallback = defaultSubcommand(command);
    if (fallback) {
      // Right after commander's own blocks, before the examples added at registration.
      // commander's Command is an EventEmitter at run time; its typings do not say so.
      (command as unknown as EventEmitter).prependListener(
        'afterHelp',
        (context: { write: (text: string) => void }) =>
          context.write(
            `${optionsBlock(
              fallback,
              `Options of \`${commandPath(fallback)}\` (what \`${path}\` runs when no command is named):`,
              fallback.createHelp(),
            )}\n`,
          ),
      );
    }
    command.commands.forEach(visit);
  };
  visit(program);
}
