/**
 * Bad input never crashes the process: a real `node bin/rollbot.js serve` (sandbox mode, memory
 * store) on a port we pick receives malformed HTTP, oversized bodies and headers, slowloris-style
 * partial requests and abrupt closes, and keeps answering /healthz throughout and afterwards.
 * The slow-client limits themselves (headers/request timeouts) are checked on the server factory
 * with short timeouts, so this file stays quick.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { connect, createServer as createNetServer, type Socket } from 'node:net';
import { fileURLToPath } from 'node:url';
import { pino } from 'pino';
import { createHttpServer } from '../../src/http/server.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createNetServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

/** Writes raw bytes, resolves with whatever came back before the server closed (or `waitMs`). */
function raw(
  port: number,
  chunks: (string | Buffer)[],
  opts: { waitMs?: number; endAfter?: boolean; untilAnswer?: boolean } = {},
): Promise<{ text: string; closedByServer: boolean }> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    let text = '';
    let closedByServer = false;
    socket.on('data', (d) => {
      text += d.toString('latin1');
      // An answer's head arrived: that is all we look at, no need to wait for the close.
      if (opts.untilAnswer && text.includes('\r\n\r\n')) setTimeout(() => socket.destroy(), 50);
    });
    socket.on('error', () => undefined);
    socket.on('close', () => {
      closedByServer = true;
      clearTimeout(timer);
      resolve({ text, closedByServer });
    });
    socket.on('connect', () => {
      for (const c of chunks) socket.write(c);
      if (opts.endAfter) socket.end();
    });
    const timer = setTimeout(() => {
      socket.destroy();
      resolve({ text, closedByServer });
    }, opts.waitMs ?? 3000);
  });
}

async function healthy(base: string): Promise<boolean> {
  try {
    const res = await fetch(`${base}/healthz`, { signal: AbortSignal.timeout(5000) });
    return res.status === 200;
  } catch {
    return false;
  }
}

describe('a spawned `rollbot serve` survives garbage', () => {
  let child: ChildProcess;
  let port: number;
  let base: string;
  let stderr = '';
  let exited: number | null | undefined;

  beforeAll(async () => {
    port = await freePort();
    base = `http://127.0.0.1:${port}`;
    child = spawn(process.execPath, ['bin/rollbot.js', 'serve'], {
      cwd: ROOT,
      env: {
        PATH: process.env.PATH ?? '',
        HOME: process.env.HOME ?? '/tmp',
        ROLLBOT_MODE: 'sandbox',
        HOST: '127.0.0.1',
        PORT: String(port),
        STORE: 'memory',
        LOG_LEVEL: 'warn',
        RUNBOOKS_DIR: 'runbooks',
      },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('exit', (code) => (exited = code));
    const deadline = Date.now() + 25_000;
    while (!(await healthy(base))) {
      if (exited !== undefined)
        throw new Error(`rollbot exited with ${exited} before it was ready:\n${stderr}`);
      if (Date.now() > deadline) throw new Error(`rollbot did not become healthy:\n${stderr}`);
      await new Promise((r) => setTimeout(r, 200));
    }
  }, 30_000);

  afterAll(async () => {
    if (child && exited === undefined) {
      const gone = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await Promise.race([gone, new Promise((r) => setTimeout(r, 5000))]);
      if (exited === undefined) child.kill('SIGKILL');
    }
  });

  test('malformed requests get 4xx or a closed socket, and the process keeps serving', async () => {
    // Partial requests left hanging while everything else happens: they must not block anyone.
    const hanging: Socket[] = [];
    for (let i = 0; i < 50; i++) {
      const s = connect(port, '127.0.0.1');
      s.on('error', () => undefined);
      s.write(
        i % 2
          ? 'POST /slack/events HTTP/1.1\r\nHost: x\r\nContent-Length: 1000\r\n\r\npartial'
          : 'GET /healthz HTTP/1.1\r\nHost: x\r\nX-Slow: ',
      );
      hanging.push(s);
    }
    const big = Buffer.alloc(2 * 1024 * 1024, 'a');
    const garbage = [
      ['not http', ['GARBAGE\r\n\r\n']],
      ['binary', [Buffer.from([0, 1, 2, 255, 254, 13, 10, 13, 10])]],
      ['bad request line', ['GET\r\n\r\n']],
      ['bad header', ['GET /healthz HTTP/1.1\r\nHost x\r\n\r\n']],
      ['nul in header', ['GET /healthz HTTP/1.1\r\nHost: x\u0000y\r\n\r\n']],
      ['huge header', [`GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(100_000)}\r\n\r\n`]],
      [
        'conflicting lengths',
        ['POST /slack/events HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\nhello!'],
      ],
      [
        'chunked and length',
        [
          'POST /webhooks/generic HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n',
        ],
      ],
      [
        'bad chunk',
        [
          'POST /webhooks/generic HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nContent-Type: application/json\r\n\r\nZZZ\r\nxx\r\n',
        ],
      ],
      ['HTTP/9', ['GET /healthz HTTP/9.9\r\n\r\n']],
      [
        'declared 100 MB to /slack/events',
        [
          'POST /slack/events HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 104857600\r\n\r\n{',
        ],
      ],
      [
        '2 MB chunked to /slack/events',
        [
          'POST /slack/events HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n',
          `${big.length.toString(16)}\r\n`,
          big,
          '\r\n0\r\n\r\n',
        ],
      ],
      [
        '2 MB to a webhook',
        [
          'POST /webhooks/alertmanager HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nAuthorization: Bearer x\r\nContent-Length: 2097152\r\n\r\n',
          big,
        ],
      ],
      ['path traversal', ['GET /../../etc/passwd HTTP/1.1\r\nHost: x\r\n\r\n']],
      ['absolute URL', ['GET http://evil.example/healthz HTTP/1.1\r\nHost: x\r\n\r\n']],
      ['unknown method', ['BREW /slack/events HTTP/1.1\r\nHost: x\r\n\r\n']],
    ] as const;
    for (const [name, chunks] of garbage) {
      const res = await raw(port, [...chunks], { waitMs: 4000, untilAnswer: true });
      const status = Number(/^HTTP\/1\.[01] (\d{3})/.exec(res.text)?.[1] ?? 0);
      // Either an HTTP answer below 500, or Node dropping a connection it cannot parse.
      if (status === 0) expect({ name, closed: res.closedByServer }).toEqual({ name, closed: true });
      else expect({ name, status: status < 500 }).toEqual({ name, status: true });
      expect({ after: name, healthy: await healthy(base) }).toEqual({ after: name, healthy: true });
    }
    // Partial bodies then an abrupt close, many times over.
    await Promise.all(
      Array.from({ length: 40 }, (_, i) =>
        raw(
          port,
          [
            `POST /${i % 2 ? 'slack/events' : 'webhooks/generic'} HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 5000\r\n\r\n{"a":`,
          ],
          { waitMs: 50 },
        ),
      ),
    );
    expect(await healthy(base)).toBe(true);
    for (const s of hanging) s.destroy();
    expect(await healthy(base)).toBe(true);
    expect(exited).toBeUndefined();
    expect(stderr).not.toMatch(/uncaught|unhandled|FATAL|ERR_/i);
  }, 60_000);
});

describe('slow clients are cut off (headers and request timeouts)', () => {
  test('a request whose headers or body trickle in is ended; fast requests are unaffected', async () => {
    const http = createHttpServer(
      [{ method: '*', path: '/echo', handler: (req, res) => void req.pipe(res) }],
      pino({ level: 'silent' }),
      {
        headersTimeoutMs: 400,
        requestTimeoutMs: 800,
        checkIntervalMs: 100,
      },
    );
    const { port } = await http.listen(0, '127.0.0.1');
    try {
      const [slowHeaders, slowBody] = await Promise.all([
        raw(port, ['POST /echo HTTP/1.1\r\nHost: x\r\nX-Slow: a'], { waitMs: 5000 }),
        raw(port, ['POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\nabc'], { waitMs: 5000 }),
      ]);
      expect(slowHeaders.closedByServer).toBe(true);
      expect(slowBody.closedByServer).toBe(true); // by the server's timeouts, not our 5 s wait
      expect(slowHeaders.text).toMatch(/^HTTP\/1\.1 408/);
      const ok = await fetch(`http://127.0.0.1:${port}/echo`, { method: 'POST', body: 'hi' });
      expect(await ok.text()).toBe('hi');
    } finally {
      await http.close(100);
    }
  });

  test('the defaults are far below Node’s (60 s headers, 300 s request, checked every 30 s)', () => {
    const http = createHttpServer([], pino({ level: 'silent' }));
    expect(http.server.headersTimeout).toBeLessThanOrEqual(10_000);
    expect(http.server.requestTimeout).toBeLessThanOrEqual(30_000);
  });
});
