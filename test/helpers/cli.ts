/**
 * `rollbot …` as a real child process, as the README runs it (bin/rollbot.js: the bundle when
 * fresh, else the sources): no REDIS_URL or KUBECONFIG from the test's environment, logs at warn.
 * Killed only if the jest timeout is near, so a hang fails by the timeout, not by a clock.
 */
import { spawn } from 'node:child_process';

export const ROOT = new URL('../..', import.meta.url).pathname;

export interface Run {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export function rollbot(args: string[], env: Record<string, string> = {}): Promise<Run> {
  const { REDIS_URL: _r, KUBECONFIG: _k, ...base } = process.env;
  const child = spawn(process.execPath, ['bin/rollbot.js', ...args], {
    cwd: ROOT,
    env: { ...base, LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => (stdout += d));
  child.stderr.on('data', (d) => (stderr += d));
  const killer = setTimeout(() => child.kill('SIGKILL'), 80_000);
  return new Promise((resolve) =>
    child.on('exit', (code, signal) => {
      clearTimeout(killer);
      resolve({ code, signal, stdout, stderr });
    }),
  );
}
