/**
 * Which rollbot this is: the package version and the git commit it was built from. The bundle
 * (scripts/build.mjs) bakes both in with esbuild's `define`, so the image needs neither a
 * package.json nor a .git to say what it runs; from the sources (tsx, the tests) they are read
 * once from package.json and `git rev-parse`. Shown by `rollbot --version`, /healthz and the
 * `rollbot_build_info` metric, so an operator can tell which build answered.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export interface BuildInfo {
  version: string;
  /** Short git commit, or `unknown` (a source tree without git). */
  commit: string;
  /** The Node.js running it, e.g. v24.11.0. */
  node: string;
}

// Replaced by string literals in the bundle; undeclared (typeof → 'undefined') when run from source.
declare const __ROLLBOT_VERSION__: string | undefined;
declare const __ROLLBOT_COMMIT__: string | undefined;

let cached: BuildInfo | undefined;

export function buildInfo(): BuildInfo {
  cached ??= {
    version: typeof __ROLLBOT_VERSION__ === 'string' ? __ROLLBOT_VERSION__ : sourceVersion(),
    commit: typeof __ROLLBOT_COMMIT__ === 'string' ? __ROLLBOT_COMMIT__ : sourceCommit(),
    node: process.version,
  };
  return cached;
}

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

function sourceVersion(): string {
  return (JSON.parse(readFileSync(`${ROOT}package.json`, 'utf8')) as { version: string }).version;
}

function sourceCommit(): string {
  try {
    return execFileSync('git', ['rev-parse', '--short=12', 'HEAD'], {
      cwd: ROOT,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
      timeout: 5_000,
    }).trim();
  } catch {
    // Not a git checkout (an unpacked tarball) or no git binary: the version alone still names it.
    return 'unknown';
  }
}
