/**
 * Reading the sandbox Slack workspace and the audit log in end-to-end tests: proposal messages
 * and their buttons, what a person was told (ephemeral / response_url), audit records by action.
 * Plus a round-robin "load balancer" in front of several bot instances, as a Slack app with
 * replicas behind one request URL has.
 */
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { AuditRecord } from '../../src/audit/index.js';
import type { Incident } from '../../src/incidents/incident.js';
import { sendSigned, type StoredEphemeral, type StoredMessage } from '@rollbot/sandbox/slack';
import type { Bot } from './bot.js';

/** Every string in a message's blocks and text, flattened, entities decoded: what a reader sees. */
export function textOf(m: { text: string; blocks?: unknown[] | undefined }): string {
  const out: string[] = [m.text];
  const walk = (v: unknown) => {
    if (typeof v === 'string') out.push(v);
    else if (Array.isArray(v)) v.forEach(walk);
    else if (v && typeof v === 'object') Object.values(v).forEach(walk);
  };
  walk(m.blocks ?? []);
  return out.join('\n').replaceAll('&lt;', '<').replaceAll('&gt;', '>').replaceAll('&amp;', '&');
}

/** action_ids of the buttons on a message. */
export function buttonsOf(m: { blocks?: unknown[] | undefined }): string[] {
  return (m.blocks ?? []).flatMap((b: any) =>
    b.type === 'actions' ? (b.elements ?? []).map((e: any) => e.action_id as string) : [],
  );
}

/** Top-level rollbot messages in a channel that are proposals (or their later progress versions). */
export function proposalMessages(bot: Bot, channel: string): StoredMessage[] {
  return bot.world.slackSim
    .messages(channel)
    .filter((m) => m.user === bot.world.slackSim.app.botUserId && !m.threadTs);
}

/** Ephemerals (response_url posts included) a user has received, oldest first. */
export function toldTo(bot: Bot, user: string): StoredEphemeral[] {
  return bot.world.slackSim.ephemerals(user);
}

/** Waits until `user` has been told something matching `pattern`; returns that text. */
export async function waitTold(bot: Bot, user: string, pattern: RegExp, timeoutMs = 15_000): Promise<string> {
  return bot.world.slackSim
    .waitFor(
      () =>
        toldTo(bot, user)
          .map(textOf)
          .find((t) => pattern.test(t)),
      timeoutMs,
    )
    .catch(() => {
      throw new Error(
        `${user} was never told ${pattern}; was told:\n${
          toldTo(bot, user)
            .map((e) => `- ${e.text}`)
            .join('\n') || '(nothing)'
        }`,
      );
    });
}

/** Waits for a message in `channel` whose content matches; returns it. */
export async function waitMessage(
  bot: Bot,
  channel: string,
  pattern: RegExp,
  timeoutMs = 15_000,
): Promise<StoredMessage> {
  return bot.world.slackSim
    .waitFor(() => bot.world.slackSim.messages(channel).find((m) => pattern.test(textOf(m))), timeoutMs)
    .catch(() => {
      throw new Error(
        `no message matching ${pattern} in ${channel}:\n${bot.world.slackSim.transcript(channel)}`,
      );
    });
}

/** Audit records (optionally of one incident) with the given action. */
export async function audited(
  bot: Bot,
  action: string,
  filter: { incidentId?: string; service?: string } = {},
): Promise<AuditRecord[]> {
  const records = await bot.app.audit.read(filter);
  return records.filter((r) => r.action === action);
}

/** Polls until `count(records) >= n` (background work settles after the HTTP ack). */
export async function waitAudited(
  bot: Bot,
  action: string,
  n = 1,
  filter: { incidentId?: string; service?: string } = {},
  timeoutMs = 15_000,
): Promise<AuditRecord[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const found = await audited(bot, action, filter);
    if (found.length >= n || Date.now() > deadline) return found;
    await new Promise((r) => setTimeout(r, 25));
  }
}

/**
 * An HTTP front that forwards each Slack request, byte for byte (so signatures stay valid), to
 * the next bot instance in turn. Point the Slack simulator at it with `setEventsUrl`.
 */
export async function roundRobin(
  targets: string[],
): Promise<{ url: string; hits: number[]; close(): Promise<void> }> {
  const hits = targets.map(() => 0);
  let next = 0;
  const read = (req: IncomingMessage) =>
    new Promise<Buffer>((resolve, reject) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => resolve(Buffer.concat(chunks)));
      req.on('error', reject);
    });
  const server = createServer((req, res) => {
    const i = next++ % targets.length;
    hits[i]!++;
    void (async () => {
      try {
        const body = await read(req);
        const headers: Record<string, string> = {};
        for (const [k, v] of Object.entries(req.headers))
          if (typeof v === 'string' && !['host', 'connection', 'content-length'].includes(k)) headers[k] = v;
        const upstream = await fetch(`${targets[i]}${req.url ?? '/'}`, {
          method: req.method ?? 'POST',
          headers,
          body,
        });
        const text = await upstream.text();
        res.writeHead(upstream.status, {
          'content-type': upstream.headers.get('content-type') ?? 'text/plain',
        });
        res.end(text);
      } catch (err) {
        res.writeHead(502).end(String(err));
      }
    })();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    hits,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** One incident by id, polled until `until` holds (closed incidents too, unlike bot.waitIncident). */
export async function incidentUntil(
  bot: Bot,
  id: string,
  until: (i: Incident) => boolean,
  timeoutMs = 10_000,
): Promise<Incident> {
  const deadline = Date.now() + timeoutMs;
  let last: Incident | null = null;
  while (Date.now() < deadline) {
    last = await bot.app.repo.get(id);
    if (last && until(last)) return last;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(
    `incident ${id} did not reach the expected state in ${timeoutMs} ms; last: ${last?.state ?? 'none'}`,
  );
}

/**
 * Re-sends a recorded interaction (what a Slack client with an old copy of the message, or Slack
 * retrying, would send), optionally as another user or another button, signed, to instance `i`.
 * The reply goes to the recorded response_url.
 */
export async function resendClick(
  bot: Bot,
  payload: Record<string, unknown>,
  opts: { user?: string; actionId?: string; instance?: number } = {},
): Promise<number> {
  const forged = structuredClone(payload) as Record<string, any>;
  if (opts.user)
    forged.user = {
      ...forged.user,
      id: opts.user,
      username: opts.user.toLowerCase(),
      name: opts.user.toLowerCase(),
    };
  if (opts.actionId) forged.actions[0].action_id = opts.actionId;
  const res = await sendSigned({
    url: `${bot.urls[opts.instance ?? 0]}/slack/events`,
    body: new URLSearchParams({ payload: JSON.stringify(forged) }).toString(),
    contentType: 'application/x-www-form-urlencoded',
    secret: bot.world.secrets.signingSecret,
  });
  return res.status;
}

/**
 * `/rollback cancel <service>` as `user`, then the confirm button of the private reply — the
 * whole signed Slack path. Returns what the user was told after the click (or, when no confirm
 * was offered, the refusal or "nothing to cancel" they got instead).
 */
export async function cancelViaSlack(
  bot: Bot,
  user: string,
  service: string,
  channel = 'C0PAYMENTS',
): Promise<string> {
  const sim = bot.world.slackSim;
  const before = toldTo(bot, user).length;
  expect((await sim.as(user).command('/rollback', `cancel ${service}`, { channel })).status).toBe(200);
  // The answer to this command (a late reply to an earlier one may arrive meanwhile).
  const isAnswer = (e: StoredEphemeral) =>
    buttonsOf(e).includes('rollback_cancel') ||
    /Not cancelled|Nothing to cancel|Unknown service/.test(textOf(e));
  const answer = await sim.waitFor(() => toldTo(bot, user).slice(before).find(isAnswer), 5000);
  const confirm = buttonsOf(answer).includes('rollback_cancel') ? answer : undefined;
  // Refused, or nothing left to cancel: that answer is what the user was told.
  if (!confirm) return textOf(answer);
  const after = toldTo(bot, user).length;
  const click = await sim.as(user).clickButton({ channel, ts: confirm.ts, actionId: 'rollback_cancel' });
  expect(click.status).toBe(200);
  await sim.waitFor(() => toldTo(bot, user).length > after, 5000);
  return toldTo(bot, user).slice(after).map(textOf).join('\n');
}
