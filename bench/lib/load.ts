/**
 * A bounded HTTP load generator over keep-alive node:http connections, 127.0.0.1 only.
 * `fixedRate` is open-loop: request i is due at start + i/rate, and its latency is counted from
 * when it was due, so a server that falls behind is charged for the queue it causes (no
 * coordinated omission). `maxThroughput` is closed-loop: `concurrency` requests always in flight
 * for a fixed time. Both stop by themselves (count and time bounded).
 */
import { Agent, request } from 'node:http';

export interface Target {
  url: string;
  /** Builds one request (a fresh signature each time, as Slack sends). */
  make(): { body: string; headers: Record<string, string> };
}

export interface LoadResult {
  sent: number;
  ok: number;
  errors: number;
  latencies: number[];
  seconds: number;
}

function assertLocal(url: string): void {
  const host = new URL(url).hostname;
  if (host !== '127.0.0.1' && host !== 'localhost')
    throw new Error(`load generator: refusing non-loopback target ${url}`);
}

function send(agent: Agent, target: Target): Promise<number> {
  const { body, headers } = target.make();
  return new Promise((resolve) => {
    const r = request(
      target.url,
      { method: 'POST', agent, headers: { ...headers, 'content-length': String(Buffer.byteLength(body)) } },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
        res.on('error', () => resolve(0));
      },
    );
    r.setTimeout(5000, () => r.destroy());
    r.on('error', () => resolve(0));
    r.end(body);
  });
}

export async function fixedRate(
  target: Target,
  rate: number,
  seconds: number,
  connections = 64,
): Promise<LoadResult> {
  assertLocal(target.url);
  const agent = new Agent({ keepAlive: true, maxSockets: connections });
  const total = Math.round(rate * seconds);
  const latencies: number[] = [];
  let ok = 0;
  let errors = 0;
  const start = performance.now();
  const inflight: Promise<void>[] = [];
  for (let i = 0; i < total; i++) {
    const due = start + (i * 1000) / rate;
    const wait = due - performance.now();
    if (wait > 1) await new Promise((r) => setTimeout(r, wait));
    inflight.push(
      send(agent, target).then((status) => {
        latencies.push(performance.now() - due);
        if (status === 200) ok++;
        else errors++;
      }),
    );
  }
  await Promise.all(inflight);
  agent.destroy();
  return { sent: total, ok, errors, latencies, seconds: (performance.now() - start) / 1000 };
}

export async function maxThroughput(target: Target, seconds: number, concurrency = 32): Promise<LoadResult> {
  assertLocal(target.url);
  const agent = new Agent({ keepAlive: true, maxSockets: concurrency });
  const latencies: number[] = [];
  let ok = 0;
  let errors = 0;
  let sent = 0;
  const start = performance.now();
  const end = start + seconds * 1000;
  const worker = async () => {
    while (performance.now() < end) {
      const t = performance.now();
      sent++;
      const status = await send(agent, target);
      latencies.push(performance.now() - t);
      if (status === 200) ok++;
      else errors++;
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  agent.destroy();
  return { sent, ok, errors, latencies, seconds: (performance.now() - start) / 1000 };
}
