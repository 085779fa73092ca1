/**
 * `rollbot audit export | verify | trim` — the auditor's tools, straight against Redis.
 * Every subcommand takes the Redis flags every command shares (--redis-url, --redis-sentinels,
 * --redis-cluster-nodes, --prefix; env REDIS_*) so it can be pointed at any deployment.
 */
import { writeFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { AuditLog, exportRecords, type ExportFormat } from '../../audit/index.js';
import { parseDuration } from '../../runbooks/duration.js';
import { type Env, type RedisCliOptions, withRedisOptions, withStore } from '../redis-options.js';
import { examples } from '../help.js';

export function register(program: Command, env: Env): void {
  const withAuditLog = (
    opts: RedisCliOptions,
    fn: (log: AuditLog, target: { keyPrefix: string; describe: string }) => Promise<void>,
  ) => withStore(opts, env, (store, target) => fn(new AuditLog(store), target));

  const audit = program.command('audit').description('export, verify and trim the hash-chained audit log');

  withRedisOptions(
    audit
      .command('export')
      .description('write audit records as JSON Lines or CSV (stdout unless --out)')
      .option('--since <time>', 'only records at or after this ISO time')
      .option('--service <name>', 'only this service')
      .option('--incident <id>', 'only this incident')
      .option('--format <format>', 'jsonl or csv', 'jsonl')
      .option('--out <file>', 'write to this file')
      .addHelpText(
        'after',
        examples([
          [
            'rollbot audit export --since 2026-11-01T00:00:00Z --format csv --out audit.csv',
            'a month as CSV',
          ],
          ['rollbot audit export --incident inc-20261123-05a7f3', 'one incident as JSON Lines'],
        ]),
      ),
  ).action(
    async (
      opts: RedisCliOptions & {
        since?: string;
        service?: string;
        incident?: string;
        format: string;
        out?: string;
      },
    ) => {
      if (opts.format !== 'jsonl' && opts.format !== 'csv') {
        process.stderr.write(`error: --format must be jsonl or csv, not "${opts.format}"\n`);
        process.exitCode = 1;
        return;
      }
      const format: ExportFormat = opts.format;
      await withAuditLog(opts, async (log) => {
        const records = await log.read({
          ...(opts.since !== undefined && { since: opts.since }),
          ...(opts.service !== undefined && { service: opts.service }),
          ...(opts.incident !== undefined && { incidentId: opts.incident }),
        });
        const text = exportRecords(records, format);
        if (opts.out) {
          await writeFile(opts.out, text);
          process.stderr.write(`wrote ${records.length} records to ${opts.out}\n`);
        } else {
          process.stdout.write(text);
        }
      });
    },
  );

  withRedisOptions(
    audit
      .command('verify')
      .description(
        'recompute every hash and link; exit 1 and name the first bad entry if the log was tampered with',
      )
      .addHelpText(
        'after',
        examples([
          ['rollbot audit verify', 'the log under REDIS_URL / REDIS_KEY_PREFIX'],
          ['rollbot audit verify --redis-url redis://redis:6379/0 --prefix rollbot:', 'another Redis'],
        ]),
      ),
  ).action(async (opts: RedisCliOptions) => {
    await withAuditLog(opts, async (log, target) => {
      const result = await log.verify();
      if (result.ok && result.checked === 0 && result.from === 'start') {
        // An empty stream verifies trivially; a compliance job pointed at the wrong Redis or prefix
        // must not stay green forever.
        process.stdout.write(
          `FAILED (empty): no audit records under prefix "${target.keyPrefix}" in ${target.describe} (stream ${target.keyPrefix}${log.stream})\n` +
            '  hint: check --prefix / REDIS_KEY_PREFIX and the Redis flags against what rollbot serve uses\n',
        );
        process.exitCode = 1;
      } else if (result.ok) {
        const from = result.from === 'start' ? 'the start' : `checkpoint seq ${result.from.seq}`;
        process.stdout.write(`OK: ${result.checked} audit records verified from ${from}\n`);
      } else {
        process.stdout.write(
          `FAILED (${result.problem}): ${result.message} [${result.checked} records verified before it]\n`,
        );
        process.exitCode = 1;
      }
    });
  });

  withRedisOptions(
    audit
      .command('trim')
      .description('remove old records after recording a checkpoint (verify keeps working)')
      .option('--older-than <duration>', 'remove records older than this, e.g. 90d')
      .option('--keep-last <n>', 'always keep this many newest records')
      .addHelpText(
        'after',
        examples([
          [
            'rollbot audit trim --older-than 90d',
            'drop records older than 90 days (a checkpoint keeps verify working)',
          ],
          ['rollbot audit trim --older-than 30d --keep-last 1000', 'but never the newest 1,000'],
        ]),
      ),
  ).action(async (opts: RedisCliOptions & { olderThan?: string; keepLast?: string }) => {
    await withAuditLog(opts, async (log) => {
      const olderThan = opts.olderThan === undefined ? undefined : parseDuration(opts.olderThan);
      const keepLast = opts.keepLast === undefined ? undefined : Number(opts.keepLast);
      if (keepLast !== undefined && !(Number.isInteger(keepLast) && keepLast >= 0)) {
        throw new Error(`--keep-last must be a whole number, not "${opts.keepLast}"`);
      }
      const result = await log.trim({
        ...(olderThan !== undefined && { olderThan }),
        ...(keepLast !== undefined && { keepLast }),
      });
      process.stdout.write(
        result.removed === 0
          ? 'nothing to trim\n'
          : `removed ${result.removed} records; checkpoint at seq ${result.checkpoint!.seq}\n`,
      );
    });
  });
}
