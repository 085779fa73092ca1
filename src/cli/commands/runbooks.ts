/**
 * `rollbot runbooks lint [DIR]` — validate runbooks, one `file:line:col: message (hint: …)` line
 * per error, exit code 1 when any. `rollbot runbooks schema` — print the runbook JSON Schema.
 */
import type { Command } from 'commander';
import { renderRunbookJsonSchema } from '../../runbooks/json-schema.js';
import { formatLintError, loadRunbooks } from '../../runbooks/load.js';
import { examples } from '../help.js';

/** Lints `dir`, writing report lines through `write`; returns the number of errors. */
export async function lintRunbooksDir(dir: string, write: (line: string) => void): Promise<number> {
  const { runbooks, errors } = await loadRunbooks(dir);
  for (const e of errors) write(formatLintError(e));
  for (const { runbook, file } of runbooks)
    write(`ok ${file}: ${runbook.name} v${runbook.version} (service ${runbook.service})`);
  if (runbooks.length === 0 && errors.length === 0) {
    write(`${dir}: no runbooks (*.yaml) found`);
    return 1;
  }
  const files = new Set([...errors.map((e) => e.file), ...runbooks.map((r) => r.file)]).size;
  write(
    errors.length === 0
      ? `${runbooks.length} runbook(s) ok`
      : `${errors.length} error(s) in ${files - runbooks.length} of ${files} file(s)`,
  );
  return errors.length;
}

export function register(program: Command): void {
  const runbooks = program.command('runbooks').description('check and describe runbooks (runbooks/*.yaml)');
  runbooks
    .command('lint')
    .description('validate runbooks: schema, matchers, durations, duplicate services; exit 1 on any error')
    .argument('[dir]', 'directory of runbook YAML files', 'runbooks')
    .addHelpText(
      'after',
      examples([
        ['rollbot runbooks lint', 'every runbooks/*.yaml'],
        ['rollbot runbooks lint deploy/my-runbooks', 'another directory'],
      ]),
    )
    .action(async (dir: string) => {
      const errors = await lintRunbooksDir(dir, (line) => process.stdout.write(`${line}\n`));
      if (errors > 0) process.exitCode = 1;
    });
  runbooks
    .command('schema')
    .description('print the runbook JSON Schema (editor completion: yaml-language-server)')
    .addHelpText(
      'after',
      examples([['rollbot runbooks schema > runbooks/runbook.schema.json', 'for editor completion']]),
    )
    .action(() => {
      process.stdout.write(renderRunbookJsonSchema());
    });
}
