#!/usr/bin/env node
// Entry point for `npx rollbot`. Runs the bundled build (dist/rollbot.mjs, made by `npm ci` via
// the prepare script, or `npm run build`) when it is newer than every source file (rollbot's and
// the sandbox package's); otherwise the TypeScript sources through tsx, so an edit is never run stale.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const bundle = `${root}dist/rollbot.mjs`;

function newestSource(dir) {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = `${dir}/${entry.name}`;
    newest = Math.max(newest, entry.isDirectory() ? newestSource(path) : statSync(path).mtimeMs);
  }
  return newest;
}

if (process.env.ROLLBOT_FROM_SOURCE !== '1' && existsSync(bundle) && statSync(bundle).mtimeMs >= Math.max(newestSource(`${root}src`), newestSource(`${root}packages/sandbox/src`))) {
  await import(bundle);
} else {
  const { register } = await import('tsx/esm/api');
  register();
  await import('../src/cli/main.ts');
}
