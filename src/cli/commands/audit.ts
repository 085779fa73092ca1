/**
 * `rollbot audit export | verify | trim` — the auditor's tools, straight against Redis.
 * Every subcommand takes --redis-url and --prefix so it can be pointed at any deployment.
 */
import { writeFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { AuditLog, exportRecords, type ExportFormat } from '../../audit/index.js';
import { parseDuration } from '../../runbooks/duration.js';
import { type ConnOptions, withConnection, withStore } from '../redis-options.js';

async function withAuditLog(opts: ConnOptions, fn: (log: AuditLog) => Promise<void>): Promise<void> {
  await withStore(opts, (store) => fn(new AuditLog(store)));
}

export function register(program: Command): void {
  const audit = program.command('audit').description('export, verify and trim the hash-chained audit log');

  withConnection(
    audit
      .command('export')
      .description('write audit records as JSON Lines or CSV (stdout unless --out)')
      .option('--since <time>', 'only records at or after this ISO time')
      .option('--service <name>', 'only this service')
      .option('--incident <id>', 'only this incident')
      .option('--format <format>', 'jsonl or csv', 'jsonl')
      .option('--out <file>', 'write to this file'),
  ).action(
    async (
      opts: ConnOptions & {
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

  withConnection(
    audit
      .command('verify')
      .description(
        'recompute every hash and link; exit 1 and name the first bad entry if the log was tampered with',
      ),
  ).action(async (opts: ConnOptions) => {
    await withAuditLog(opts, async (log) => {
      const result = await log.verify();
      if (result.ok) {
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

  withConnection(
    audit
      .command('trim')
      .description('remove old records after recording a checkpoint (verify keeps working)')
      .option('--older-than <duration>', 'remove records older than this, e.g. 90d')
      .option('--keep-last <n>', 'always keep this many newest records'),
  ).action(async (opts: ConnOptions & { olderThan?: string; keepLast?: string }) => {
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
