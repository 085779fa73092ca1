#!/usr/bin/env node
// Entry point for `npx rollbot`. Runs the bundled build (made by `npm ci` via the prepare script,
// or `npm run build`) when it is fresh: dist/rollbot.mjs newer than every file of src/, and
// dist/rollbot-sandbox.mjs (which rollbot.mjs loads for demo, drill and sandbox) newer than every
// file of src/ and of the sandbox package. Otherwise the TypeScript sources through tsx, so an
// edit is never run stale.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

// Node 22+ warns (DEP0040) when a dependency loads the built-in punycode module: not rollbot's to
// fix, and not the first line an operator should read. Only that warning is dropped.
const emitWarning = process.emitWarning;
process.emitWarning = function (warning, ...args) {
  const code = args[0] && typeof args[0] === 'object' ? args[0].code : args[1];
  if (code === 'DEP0040') return;
  return emitWarning.call(process, warning, ...args);
};

const root = fileURLToPath(new URL('..', import.meta.url));
const bundle = `${root}dist/rollbot.mjs`;
const sandboxBundle = `${root}dist/rollbot-sandbox.mjs`;

function newestSource(dir) {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = `${dir}/${entry.name}`;
    newest = Math.max(newest, entry.isDirectory() ? newestSource(path) : statSync(path).mtimeMs);
  }
  return newest;
}

const newerThan = (file, time) => existsSync(file) && statSync(file).mtimeMs >= time;

function bundlesFresh() {
  const product = newestSource(`${root}src`);
  return newerThan(bundle, product) && newerThan(sandboxBundle, Math.max(product, newestSource(`${root}packages/sandbox/src`)));
}

// Under `npx rollbot …` or `npm run …` the chain is npm → sh -c → node: a SIGTERM to npm ends
// npm and the shell but never reaches node, which would keep running, re-parented, unseen. So
// when npm started us and our parent goes away, take it as the SIGTERM it was meant to be (serve
// then shuts down gracefully). Not for other parents: `nohup rollbot serve &` must outlive its shell.
if (process.env.npm_command === 'exec' || process.env.npm_command === 'run') {
  const parent = process.ppid;
  const watch = setInterval(() => {
    if (process.ppid === parent) return;
    clearInterval(watch);
    process.kill(process.pid, 'SIGTERM');
  }, 250);
  watch.unref();
}

if (process.env.ROLLBOT_FROM_SOURCE !== '1' && bundlesFresh()) {
  await import(bundle);
} else {
  const { register } = await import('tsx/esm/api');
  register();
  await import('../src/cli/main.ts');
}
