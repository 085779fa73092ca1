import { writeFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { postmortemKey } from '../../postmortem/publish.js';
import { type Env, type RedisCliOptions, withRedisOptions, withStore } from '../redis-options.js';
import { examples } from '../help.js';

export function register(program: Command, env: Env): void {
  withRedisOptions(
    program
      .command('postmortem <incident>')
      .description('print the postmortem draft (Markdown) rollbot wrote when the incident finished')
      .option('--out <file>', 'write it to this file instead of stdout')
      .addHelpText(
        'after',
        examples([
          ['rollbot postmortem inc-20261123-05a7f3', 'print it (Markdown)'],
          ['rollbot postmortem inc-20261123-05a7f3 --out postmortem.md', 'write it to a file'],
        ]),
      ),
  ).action(async (incident: string, opts: RedisCliOptions & { out?: string }) => {
    await withStore(opts, env, async (store) => {
      const markdown = await store.get(postmortemKey(incident));
      if (!markdown) {
        process.stderr.write(
          `error: no postmortem for ${incident}: the incident is unknown, not finished yet, or older than 90 days\n`,
        );
        process.exitCode = 1;
        return;
      }
      if (opts.out) await writeFile(opts.out, markdown);
      else process.stdout.write(markdown);
    });
  });
}
