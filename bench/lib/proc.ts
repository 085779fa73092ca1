/**
 * Child processes under test: the real bot (`node bin/rollbot.js serve`, production mode, config
 * from the environment, exactly as deployed) and the reference servers in bench/servers/. Each
 * prints where it listens; the bench reads the peak RSS the kernel recorded (VmHWM) from /proc.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));

export interface Child {
  proc: ChildProcess;
  url: string;
  /** The last lines the child wrote (stdout and stderr), for error reports. */
  tail: string[];
  /** How the process ended (exit code or signal), or undefined while it runs. */
  exited(): string | undefined;
  /** Kernel-recorded memory of the process, in MB: current RSS and peak RSS (VmHWM). */
  memory(): Promise<{ rssMb: number; peakMb: number }>;
  stop(): Promise<void>;
}

/** Starts `args` with node and resolves once a stdout line yields a URL via `urlOf`. */
export function startChild(
  args: string[],
  env: Record<string, string>,
  urlOf: (line: string) => string | undefined,
  timeoutMs = 30_000,
): Promise<Child> {
  const proc = spawn(process.execPath, args, {
    cwd: ROOT,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const tail: string[] = [];
  const keep = (line: string) => {
    tail.push(line);
    if (tail.length > 40) tail.shift();
  };
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      proc.kill('SIGKILL');
      reject(new Error(`child ${args.join(' ')} did not start in ${timeoutMs} ms:\n${tail.join('\n')}`));
    }, timeoutMs);
    let buffered = '';
    let started = false;
    proc.stdout!.on('data', (chunk: Buffer) => {
      buffered += chunk.toString('utf8');
      let nl: number;
      while ((nl = buffered.indexOf('\n')) >= 0) {
        const line = buffered.slice(0, nl);
        buffered = buffered.slice(nl + 1);
        keep(line);
        const url = started ? undefined : urlOf(line);
        if (url) {
          started = true;
          clearTimeout(timer);
          resolve(child(proc, url, tail));
        }
      }
    });
    proc.stderr!.on('data', (chunk: Buffer) => keep(chunk.toString('utf8').trimEnd()));
    proc.on('exit', (code) => {
      if (!started) {
        clearTimeout(timer);
        reject(new Error(`child ${args.join(' ')} exited (${code}) before listening:\n${tail.join('\n')}`));
      }
    });
  });
}

function child(proc: ChildProcess, url: string, tail: string[]): Child {
  return {
    proc,
    url,
    tail,
    exited: () =>
      proc.exitCode !== null || proc.signalCode !== null ? `${proc.exitCode ?? proc.signalCode}` : undefined,
    async memory() {
      const status = await readFile(`/proc/${proc.pid}/status`, 'utf8');
      const kb = (field: string) =>
        Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN);
      return { rssMb: kb('VmRSS') / 1024, peakMb: kb('VmHWM') / 1024 };
    },
    stop: () =>
      new Promise<void>((resolve) => {
        // Already gone (exit code, or killed by a signal: then exitCode stays null).
        if (proc.exitCode !== null || proc.signalCode !== null) return resolve();
        const kill = setTimeout(() => proc.kill('SIGKILL'), 8000);
        proc.once('exit', () => {
          clearTimeout(kill);
          resolve();
        });
        proc.kill('SIGTERM');
      }),
  };
}

/** A reference server from bench/servers/ (prints `listening <url>`). */
export function startServer(file: string, env: Record<string, string> = {}): Promise<Child> {
  return startChild(
    ['--import', 'tsx', `bench/servers/${file}`],
    env,
    (l) => /^listening (\S+)/.exec(l)?.[1],
  );
}

/** The bot as deployed: `rollbot serve` reads its whole config from the environment. */
export function startBotProcess(env: Record<string, string>): Promise<Child> {
  return startChild(['bin/rollbot.js', 'serve'], env, (line) => {
    if (!line.startsWith('{')) return undefined;
    try {
      const rec = JSON.parse(line) as { msg?: string; url?: string };
      return rec.msg === 'rollbot is listening' ? rec.url : undefined;
    } catch {
      return undefined;
    }
  });
}
