import type { IncomingMessage, ServerResponse } from 'node:http';
import { parseArgs, readBody, sendJson } from './http-util.js';
import { renderMessage } from './render.js';
import type { SlackSimulator } from './simulator.js';
import type { StoredMessage } from './types.js';

/**
 * The inspection API as JSON under `<url>/_sandbox/` for the browser console and scripts:
 *   GET  workspace | channels/:ref/messages | channels/:ref/threads/:ts | ephemerals?user=
 *        responses | calls?method= | events (Server-Sent Events)
 *   POST as/:user/command {command,text,channel} | as/:user/click {channel,ts,actionId,value?,blockId?}
 */
export async function handleInspect(
  sim: SlackSimulator,
  req: IncomingMessage,
  res: ServerResponse,
  path: string,
) {
  const url = new URL(req.url ?? '/', 'http://x');
  const parts = path.split('/').filter(Boolean).map(decodeURIComponent);
  const cors = { 'access-control-allow-origin': '*' };
  const users = Object.fromEntries(sim.workspace.users.map((u) => [u.id, u.name]));
  const withRendered = (m: StoredMessage) => ({ ...m, rendered: renderMessage(m, { users }) });
  const notFound = () => sendJson(res, 404, { ok: false, error: 'not_found' }, cors);

  if (req.method === 'GET') {
    if (parts[0] === 'workspace') {
      return sendJson(res, 200, { ok: true, app: sim.app, ...sim.workspace, channels: sim.channels() }, cors);
    }
    if (parts[0] === 'channels' && parts[1] && parts[2] === 'messages') {
      const messages = sim.messages(parts[1]).map((m) => ({
        ...withRendered(m),
        replies: sim.replies(parts[1]!, m.ts).map(withRendered),
      }));
      return sendJson(res, 200, { ok: true, messages }, cors);
    }
    if (parts[0] === 'channels' && parts[1] && parts[2] === 'threads' && parts[3]) {
      return sendJson(
        res,
        200,
        { ok: true, messages: sim.replies(parts[1], parts[3]).map(withRendered) },
        cors,
      );
    }
    if (parts[0] === 'ephemerals') {
      const ephemerals = sim.ephemerals(url.searchParams.get('user') ?? undefined).map((e) => ({
        ...e,
        rendered: renderMessage(e, { users }),
      }));
      return sendJson(res, 200, { ok: true, ephemerals }, cors);
    }
    if (parts[0] === 'responses') return sendJson(res, 200, { ok: true, responses: sim.responses() }, cors);
    if (parts[0] === 'calls') {
      return sendJson(
        res,
        200,
        { ok: true, calls: sim.calls(url.searchParams.get('method') ?? undefined) },
        cors,
      );
    }
    if (parts[0] === 'events') return streamEvents(sim, req, res);
    return notFound();
  }
  if (req.method === 'POST' && parts[0] === 'as' && parts[1]) {
    const body = parseArgs(req.headers['content-type'], await readBody(req)) ?? {};
    try {
      const actor = sim.as(parts[1]);
      if (parts[2] === 'command') {
        const result = await actor.command(String(body.command), String(body.text ?? ''), {
          channel: String(body.channel),
        });
        return sendJson(res, 200, { ok: true, result }, cors);
      }
      if (parts[2] === 'click') {
        const result = await actor.clickButton({
          channel: String(body.channel),
          ts: String(body.ts),
          actionId: String(body.actionId),
          value: body.value === undefined ? undefined : String(body.value),
          blockId: body.blockId === undefined ? undefined : String(body.blockId),
        });
        return sendJson(res, 200, { ok: true, result }, cors);
      }
    } catch (err) {
      return sendJson(res, 400, { ok: false, error: (err as Error).message }, cors);
    }
  }
  return notFound();
}

function streamEvents(sim: SlackSimulator, req: IncomingMessage, res: ServerResponse): void {
  res.writeHead(200, {
    'content-type': 'text/event-stream',
    'cache-control': 'no-cache',
    connection: 'keep-alive',
    'access-control-allow-origin': '*',
  });
  res.write(': connected\n\n');
  const names = [
    'message.posted',
    'message.updated',
    'message.deleted',
    'ephemeral.posted',
    'ephemeral.updated',
    'response_url.posted',
    'api.call',
  ] as const;
  const listeners = names.map((name) => {
    const fn = (data: unknown) => res.write(`event: ${name}\ndata: ${JSON.stringify(data)}\n\n`);
    sim.events.on(name, fn);
    return () => sim.events.off(name, fn);
  });
  req.on('close', () => listeners.forEach((off) => off()));
}
