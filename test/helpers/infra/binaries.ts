/**
 * Which real binaries this machine has. A suite that needs one skips with a clear message when it
 * is absent on a developer's machine; under CI (`CI=true`, set by .ci/run) a missing binary FAILS
 * the suite instead, so CI can never go green by skipping the real infrastructure.
 */
import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';

/** Debian package that ships each binary (what .ci/run installs). */
export const PACKAGE_OF: Record<string, string> = {
  prometheus: 'prometheus',
  promtool: 'prometheus',
  'prometheus-alertmanager': 'prometheus-alertmanager',
  amtool: 'prometheus-alertmanager',
  'redis-server': 'redis-server',
  'redis-sentinel': 'redis-sentinel',
};

export function findBinary(name: string): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(delimiter).concat('/usr/bin', '/usr/sbin')) {
    if (!dir) continue;
    const path = join(dir, name);
    try {
      accessSync(path, constants.X_OK);
      return path;
    } catch {
      // not in this directory: try the next one
    }
  }
  return undefined;
}

export const inCI = (): boolean => process.env.CI === 'true' || process.env.CI === '1';

/** The binaries' paths, by name (every one present), or the names missing. */
export function binaries<N extends string>(
  names: readonly N[],
): { paths: Record<N, string> } | { missing: N[] } {
  const found = names.map((n) => [n, findBinary(n)] as const);
  const missing = found.filter(([, p]) => p === undefined).map(([n]) => n);
  if (missing.length) return { missing };
  return { paths: Object.fromEntries(found) as Record<N, string> };
}

/**
 * `describe` that runs only when every binary is installed. Locally a missing one skips the suite
 * with a message naming the Debian package; in CI it registers one failing test saying the same.
 */
export function describeWithBinaries<N extends string>(
  names: readonly N[],
  title: string,
  body: (paths: Record<N, string>) => void,
): void {
  const found = binaries(names);
  if ('paths' in found) {
    describe(title, () => body(found.paths));
    return;
  }
  const packages = [...new Set(found.missing.map((m) => PACKAGE_OF[m] ?? m))].join(' ');
  const message = `${title}: needs ${found.missing.join(', ')} (Debian: apt-get install -y ${packages})`;
  if (inCI()) {
    describe(title, () => {
      test('has the real binaries it needs (CI must install them)', () => {
        throw new Error(`${message}; CI must install them: see .ci/run`);
      });
    });
    return;
  }
  process.stderr.write(`SKIPPED ${message}\n`);
  describe.skip(title, () => body({} as Record<N, string>));
}
