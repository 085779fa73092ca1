// Finds a Redis for the test run: REDIS_URL, else 127.0.0.1:6379, else a `redis-server` started
// on a free port (nothing kept on disk). Plain JS so that jest's global setup and .ci/run can both
// use it without a transform. Run directly, it prints the URL (and keeps the server it started).
import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Redis } from 'ioredis';

async function answers(url) {
  const client = new Redis(url, {
    lazyConnect: true,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
    connectTimeout: 1000,
  });
  client.on('error', () => undefined);
  try {
    await client.connect();
    return (await client.ping()) === 'PONG';
  } catch {
    return false;
  } finally {
    client.disconnect();
  }
}

function freePort() {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
    srv.on('error', reject);
  });
}

export async function ensureRedis({ detached = false } = {}) {
  const wanted = process.env.REDIS_URL || 'redis://127.0.0.1:6379';
  if (await answers(wanted)) return { url: wanted };
  const port = await freePort();
  const child = spawn(
    'redis-server',
    ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
    { stdio: 'ignore', detached },
  );
  const started = await new Promise((resolve) => {
    child.once('error', () => resolve(false));
    child.once('spawn', () => resolve(true));
  });
  if (!started) {
    throw new Error(
      `No Redis answers at ${wanted} and redis-server is not on PATH. ` +
        'Install and start one (Debian: `apt-get install redis-server && redis-server --daemonize yes`) ' +
        'or set REDIS_URL to a Redis you can use for tests.',
    );
  }
  child.unref(); // never keep the test runner alive; teardown or exit kills it
  const url = `redis://127.0.0.1:${port}`;
  for (let i = 0; i < 50; i++) {
    if (await answers(url)) return { url, child };
    await new Promise((r) => setTimeout(r, 100));
  }
  child.kill();
  throw new Error(`started redis-server on port ${port} but it never answered PING`);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === resolve(process.argv[1])) {
  const { url } = await ensureRedis({ detached: true });
  console.log(url);
}
