/**
 * Test copies of the repository's runbooks, written to a fresh temp dir: fast verification (no
 * holdFor, short intervals) so a full rollback takes about a second, no weekend freeze (tests must
 * not depend on the weekday), plus any edits a test is about (a freeze covering now, …).
 */
import { mkdtemp, readdir, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import { REPO_RUNBOOKS } from './bot.js';

type Doc = Record<string, any>;
export type RunbookEdits = Record<string, (doc: Doc) => void>;

/** A freeze window that is always in force: every day, all day, UTC. */
export const ALWAYS_FROZEN = {
  weekly: {
    days: ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'],
    from: '00:00',
    to: '23:59',
    timezone: 'UTC',
  },
  reason: 'test freeze',
};

function fast(doc: Doc): void {
  for (const check of doc.verification ?? []) {
    if (check.with) {
      check.with.holdFor = '0s';
      check.with.interval = '100ms';
    }
    delete check.retry;
  }
  // Weekly freezes (checkout-web: weekends) would make tests depend on the day they run.
  doc.approval.freeze = (doc.approval.freeze ?? []).filter((w: Doc) => !('weekly' in w));
}

/** Copies runbooks/*.yaml into a temp dir, made fast, then applies `edits[<file name without .yaml>]`. */
export async function testRunbooks(edits: RunbookEdits = {}): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'rollbot-runbooks-'));
  for (const file of await readdir(REPO_RUNBOOKS)) {
    if (!file.endsWith('.yaml')) continue;
    const doc = parse(await readFile(join(REPO_RUNBOOKS, file), 'utf8')) as Doc;
    fast(doc);
    edits[file.replace(/\.yaml$/, '')]?.(doc);
    await writeFile(join(dir, file), stringify(doc));
  }
  return dir;
}
