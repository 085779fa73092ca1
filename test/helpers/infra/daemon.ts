/**
 * Real servers (prometheus, alertmanager, redis-server, redis-sentinel) as child processes of a
 * test: each on free loopback ports, with a temp dir of its own that is removed afterwards, and the
 * tail of its output kept so a failure to start says why. Never the system services on default
 * ports (Debian's packages may have started those): tests only talk to what they started.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
    srv.on('error', reject);
  });
}

/** `n` distinct free ports (held open together so none is handed out twice). */
export async function freePorts(n: number): Promise<number[]> {
  const servers = await Promise.all(
    Array.from(
      { length: n },
      () =>
        new Promise<ReturnType<typeof createServer>>((resolve, reject) => {
          const srv = createServer();
          srv.listen(0, '127.0.0.1', () => resolve(srv));
          srv.on('error', reject);
        }),
    ),
  );
  const ports = servers.map((s) => (s.address() as { port: number }).port);
  await Promise.all(servers.map((s) => new Promise((r) => s.close(r))));
  return ports;
}

/** Polls `probe` until it returns something truthy; the timeout only turns a hang into a message. */
export async function until<T>(
  what: string,
  probe: () => T | Promise<T>,
  timeoutMs = 15_000,
  everyMs = 25,
): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      const v = await probe();
      if (v) return v as NonNullable<T>;
    } catch (err) {
      last = err;
    }
    await new Promise((r) => setTimeout(r, everyMs));
  }
  throw new Error(
    `timed out after ${timeoutMs} ms waiting for ${what}${last ? ` (last error: ${String(last)})` : ''}`,
  );
}

/** A temp dir removed by `cleanup()`. */
export async function tempDir(prefix: string): Promise<{ path: string; cleanup(): Promise<void> }> {
  const path = await mkdtemp(join(tmpdir(), `rollbot-${prefix}-`));
  return { path, cleanup: () => rm(path, { recursive: true, force: true }) };
}

const TAIL_LINES = 40;

/** One child process; `output()` is the tail of what it printed (for start-up failures). */
export class Daemon {
  private readonly lines: string[] = [];
  private exited: Promise<void>;

  private constructor(
    readonly name: string,
    readonly child: ChildProcess,
  ) {
    const keep = (chunk: Buffer) => {
      for (const line of chunk.toString('utf8').split('\n')) if (line.trim()) this.lines.push(line);
      if (this.lines.length > TAIL_LINES) this.lines.splice(0, this.lines.length - TAIL_LINES);
    };
    child.stdout?.on('data', keep);
    child.stderr?.on('data', keep);
    this.exited = new Promise((resolve) => child.once('exit', () => resolve()));
  }

  static async spawn(name: string, binary: string, args: string[], cwd?: string): Promise<Daemon> {
    const child = spawn(binary, args, { stdio: ['ignore', 'pipe', 'pipe'], ...(cwd ? { cwd } : {}) });
    await new Promise<void>((resolve, reject) => {
      child.once('spawn', () => resolve());
      child.once('error', (err) => reject(new Error(`could not start ${name} (${binary}): ${err.message}`)));
    });
    return new Daemon(name, child);
  }

  get running(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  output(): string {
    return this.lines.join('\n');
  }

  /** Waits for `ready`; if the process dies first or never gets ready, the error carries its output. */
  async ready(what: string, probe: () => Promise<boolean>, timeoutMs = 60_000): Promise<void> {
    try {
      let exited = false;
      await until(
        `${this.name} to be ${what}`,
        async () => {
          // A daemon that exited will not become ready: stop polling (and say so) at once.
          if (!this.running) exited = true;
          return exited || probe().catch(() => false);
        },
        timeoutMs,
        50,
      );
      if (exited) throw new Error(`${this.name} exited (${this.child.exitCode ?? this.child.signalCode})`);
    } catch (err) {
      await this.kill();
      throw new Error(`${(err as Error).message}\n--- ${this.name} output ---\n${this.output()}`);
    }
  }

  /** SIGKILL: gone at once, as a crashed host would be. */
  async kill(): Promise<void> {
    if (!this.running) return;
    this.child.kill('SIGKILL');
    await this.exited;
  }

  /** SIGTERM, then SIGKILL if it does not exit in time. */
  async stop(graceMs = 5_000): Promise<void> {
    if (!this.running) return;
    this.child.kill('SIGTERM');
    const timer = setTimeout(() => this.child.kill('SIGKILL'), graceMs);
    await this.exited;
    clearTimeout(timer);
  }
}
