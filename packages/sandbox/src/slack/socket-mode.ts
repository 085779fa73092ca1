/**
 * Slack's Socket Mode, as `@slack/socket-mode` (what Bolt's SocketModeReceiver uses) meets it:
 * - `POST /api/apps.connections.open` with the app-level token (`xapp-…`) answers
 *   `{ ok: true, url: "ws://…/link/?ticket=…&app_id=…" }`; a bot token is `not_allowed_token_type`,
 *   an unknown one `invalid_auth`. Each ticket opens one connection.
 * - On connect Slack sends `{"type":"hello", num_connections, debug_info, connection_info}`.
 * - Each delivery is an envelope `{ envelope_id, type: "slash_commands" | "interactive" |
 *   "events_api", payload, accepts_response_payload, retry_attempt, retry_reason }`; the app
 *   acks with `{ envelope_id, payload? }` within 3 s, or Slack counts it as failed.
 * - `{"type":"disconnect","reason":"refresh_requested"}` asks the client to reconnect.
 * The WebSocket itself is RFC 6455 over node:http's upgrade (text frames, ping/pong, close):
 * enough for undici's WebSocket client, with no dependency.
 */
import { createHash, randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { sendJson } from './http-util.js';

const GUID = '258EAFA5-E914-47DA-95CA-C5AB0DC85B11';

export interface SocketDelivery {
  /** 200 when acked in time, 0 when not (as `sendSigned` reports a timeout). */
  status: number;
  body: unknown;
  ms: number;
  timedOut: boolean;
}

interface Connection {
  socket: Duplex;
  send(text: string): void;
  close(): void;
}

export class SocketModeHub {
  private readonly tickets = new Set<string>();
  private readonly connections = new Set<Connection>();
  private readonly waiting = new Map<string, (payload: unknown) => void>();
  /** Every envelope sent and every message received, for tests. */
  readonly log: { direction: 'sent' | 'received'; message: Record<string, unknown> }[] = [];

  constructor(
    private readonly opts: {
      appToken: string | undefined;
      appId: string;
      baseUrl: () => string;
      botTokens: ReadonlySet<string>;
    },
  ) {}

  get connected(): boolean {
    return this.connections.size > 0;
  }

  /** `apps.connections.open` (before the Web API router: only the app-level token may call it). */
  open(req: IncomingMessage, res: ServerResponse): void {
    const token = /^Bearer\s+(.+)$/i.exec(req.headers.authorization ?? '')?.[1]?.trim();
    req.resume();
    if (!token) return sendJson(res, 200, { ok: false, error: 'not_authed' });
    if (this.opts.botTokens.has(token))
      return sendJson(res, 200, { ok: false, error: 'not_allowed_token_type' });
    if (!this.opts.appToken || token !== this.opts.appToken)
      return sendJson(res, 200, { ok: false, error: 'invalid_auth' });
    const ticket = randomUUID();
    this.tickets.add(ticket);
    const ws = this.opts.baseUrl().replace(/^http/, 'ws');
    sendJson(res, 200, { ok: true, url: `${ws}/link/?ticket=${ticket}&app_id=${this.opts.appId}` });
  }

  /** The HTTP server's `upgrade` event. */
  upgrade(req: IncomingMessage, socket: Duplex): void {
    const url = new URL(req.url ?? '/', 'http://x');
    const ticket = url.searchParams.get('ticket') ?? '';
    const key = req.headers['sec-websocket-key'];
    if (url.pathname !== '/link/' || !this.tickets.delete(ticket) || typeof key !== 'string') {
      socket.end('HTTP/1.1 401 Unauthorized\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
      return;
    }
    const accept = createHash('sha1')
      .update(key + GUID)
      .digest('base64');
    socket.write(
      `HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: ${accept}\r\n\r\n`,
    );
    const conn: Connection = {
      socket,
      send: (text) => socket.write(frame(0x1, Buffer.from(text))),
      close: () => {
        socket.end(frame(0x8, Buffer.from([0x03, 0xe8])));
        this.connections.delete(conn);
      },
    };
    this.connections.add(conn);
    let buffered = Buffer.alloc(0);
    socket.on('data', (chunk: Buffer) => {
      buffered = Buffer.concat([buffered, chunk]);
      for (;;) {
        const parsed = readFrame(buffered);
        if (!parsed) break;
        buffered = buffered.subarray(parsed.length);
        if (parsed.opcode === 0x8) return conn.close();
        if (parsed.opcode === 0x9) socket.write(frame(0xa, parsed.data));
        if (parsed.opcode === 0x1) this.received(parsed.data.toString('utf8'));
      }
    });
    const drop = () => this.connections.delete(conn);
    socket.on('close', drop);
    socket.on('error', drop);
    const ping = setInterval(() => socket.write(frame(0x9, Buffer.from('ping'))), 5_000);
    ping.unref();
    socket.on('close', () => clearInterval(ping));
    this.sendTo(conn, {
      type: 'hello',
      num_connections: this.connections.size,
      debug_info: { host: 'applink-sandbox', build_number: 1, approximate_connection_time: 18060 },
      connection_info: { app_id: this.opts.appId },
    });
  }

  /** Sends one envelope to a connection and waits for its ack (Slack gives up after `ackTimeoutMs`). */
  async deliver(
    type: 'slash_commands' | 'interactive' | 'events_api',
    payload: unknown,
    ackTimeoutMs: number,
  ): Promise<SocketDelivery> {
    const conn = [...this.connections][0];
    if (!conn) throw new Error('slack simulator: no Socket Mode connection');
    const envelopeId = randomUUID();
    const started = performance.now();
    const acked = new Promise<unknown>((resolve) => this.waiting.set(envelopeId, resolve));
    this.sendTo(conn, {
      envelope_id: envelopeId,
      type,
      payload,
      accepts_response_payload: type !== 'events_api',
      retry_attempt: 0,
      retry_reason: '',
    });
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<'timeout'>(
      (resolve) => (timer = setTimeout(() => resolve('timeout'), ackTimeoutMs)),
    );
    const result = await Promise.race([acked, timeout]);
    clearTimeout(timer);
    this.waiting.delete(envelopeId);
    const ms = performance.now() - started;
    if (result === 'timeout') return { status: 0, body: '', ms, timedOut: true };
    return { status: 200, body: result ?? '', ms, timedOut: false };
  }

  /** Slack recycling the connection: the client must reconnect through apps.connections.open. */
  requestReconnect(): void {
    for (const conn of this.connections)
      this.sendTo(conn, {
        type: 'disconnect',
        reason: 'refresh_requested',
        debug_info: { host: 'applink-sandbox' },
      });
  }

  close(): void {
    for (const conn of [...this.connections]) conn.close();
  }

  private sendTo(conn: Connection, message: Record<string, unknown>): void {
    this.log.push({ direction: 'sent', message });
    conn.send(JSON.stringify(message));
  }

  private received(text: string): void {
    let message: { envelope_id?: string; payload?: unknown };
    try {
      message = JSON.parse(text) as typeof message;
    } catch {
      return; // Slack ignores what it cannot parse
    }
    this.log.push({ direction: 'received', message: message as Record<string, unknown> });
    const id = message.envelope_id;
    if (id)
      this.waiting.get(id)?.(message.payload && Object.keys(message.payload).length ? message.payload : '');
  }
}

/** One unmasked server frame (FIN set). */
function frame(opcode: number, data: Buffer): Buffer {
  const len = data.length;
  const head =
    len < 126
      ? Buffer.from([0x80 | opcode, len])
      : len < 65536
        ? Buffer.from([0x80 | opcode, 126, len >> 8, len & 0xff])
        : Buffer.concat([Buffer.from([0x80 | opcode, 127]), bigLength(len)]);
  return Buffer.concat([head, data]);
}

function bigLength(len: number): Buffer {
  const b = Buffer.alloc(8);
  b.writeBigUInt64BE(BigInt(len));
  return b;
}

/** One client frame (clients always mask), or undefined until it has fully arrived. */
function readFrame(buf: Buffer): { opcode: number; data: Buffer; length: number } | undefined {
  if (buf.length < 2) return undefined;
  const opcode = buf[0]! & 0x0f;
  const masked = (buf[1]! & 0x80) !== 0;
  let len = buf[1]! & 0x7f;
  let offset = 2;
  if (len === 126) {
    if (buf.length < 4) return undefined;
    len = buf.readUInt16BE(2);
    offset = 4;
  } else if (len === 127) {
    if (buf.length < 10) return undefined;
    len = Number(buf.readBigUInt64BE(2));
    offset = 10;
  }
  const maskAt = offset;
  if (masked) offset += 4;
  if (buf.length < offset + len) return undefined;
  const data = Buffer.from(buf.subarray(offset, offset + len));
  if (masked) for (let i = 0; i < data.length; i++) data[i] = data[i]! ^ buf[maskAt + (i % 4)]!;
  return { opcode, data, length: offset + len };
}
