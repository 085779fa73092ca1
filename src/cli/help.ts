/**
 * `--help` ends with examples: a new operator copies one line instead of reading every option.
 */
import type { Command } from 'commander';

type Example = [line: string, what: string];

/** The "Examples:" block for commander's addHelpText('after', …): each a command line and what it does. */
export function examples(list: Example[]): string {
  const width = Math.max(...list.map(([line]) => line.length));
  return `\nExamples:\n${list.map(([line, what]) => `  $ ${line.padEnd(width)}   # ${what}`).join('\n')}`;
}

export function withExamples(cmd: Command, list: Example[]): Command {
  return cmd.addHelpText('after', examples(list));
}
