import {
  createServer,
  request as httpRequest,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http';
import type { AddressInfo } from 'node:net';
import type { GitHubDouble } from '../github/index.js';
import type { KubeSimulator } from '../kube/index.js';
import type { PrometheusSimulator } from '../prometheus/index.js';
import type { Scenario } from '../scenario/index.js';
import type { SlackSimulator } from '../slack/index.js';
import { consoleAssets } from './assets.js';
import { clusterView } from './cluster.js';
import type { ConsoleInfo, ConsoleService } from './info.js';

/**
 * The sandbox console's HTTP server: the page (browser/, built by assets.ts), a same-origin proxy to the Slack simulator's inspection
 * API and event stream (`/slack/*` → `/_sandbox/*`), and the two things a page must not do
 * itself: fire alerts (through `fireAlert`, so the bot's credentials stay with the caller) and
 * read the cluster (the simulator's token stays here).
 */
export type { ConsoleService } from './info.js';

/** The simulators the console shows. */
export interface ConsoleWorld {
  scenario: Scenario;
  slackSim: SlackSimulator;
  kubeSim: KubeSimulator;
  prometheus: PrometheusSimulator;
  githubDouble: GitHubDouble;
  kubeconfigPath: string;
}

/** pino-compatible (object first, then message). */
export interface ConsoleLog {
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
}

export interface ConsoleServerOptions {
  world: ConsoleWorld;
  /** The bot under test: shown on the page; the simulators already talk to it. */
  botUrl: string;
  services: ConsoleService[];
  /** Sends the service's alert to the bot (as its alert source would) and reports the answer. */
  fireAlert(service: ConsoleService): Promise<{ status: number; body: string }>;
  port: number;
  host: string;
  log: ConsoleLog;
}

export interface ConsoleServer {
  url: string;
  close(): Promise<void>;
}

export async function startConsoleServer(opts: ConsoleServerOptions): Promise<ConsoleServer> {
  const { world, log } = opts;
  // Built before listening: a page that cannot be built fails the start, not the first visit.
  const files = await consoleAssets();
  let url = '';
  // Services in the order of their channels in the scenario (its first channel is its main story).
  const channelOrder = (id: string) => {
    const i = world.scenario.slack.channels.findIndex((c) => c.id === id);
    return i < 0 ? Number.MAX_SAFE_INTEGER : i;
  };
  const info = (): ConsoleInfo => ({
    team: world.scenario.slack.teamName,
    bot: { id: world.slackSim.app.botUserId, name: world.slackSim.app.botName },
    users: world.scenario.slack.users,
    groups: world.scenario.slack.usergroups.map((g) => ({ id: g.id, handle: g.handle })),
    channels: world.slackSim.channels().filter((c) => !c.isIm),
    services: [...opts.services].sort((a, b) => channelOrder(a.channel) - channelOrder(b.channel)),
    urls: {
      console: url,
      bot: opts.botUrl,
      slack: world.slackSim.url,
      kubernetes: world.kubeSim.url,
      prometheus: world.prometheus.url,
      github: world.githubDouble.url,
    },
    kubectl: `kubectl --kubeconfig ${world.kubeconfigPath} get deploy -A`,
  });

  const route = async (req: IncomingMessage, res: ServerResponse) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    const file = files[path];
    if (file && req.method === 'GET') {
      res.writeHead(200, { 'content-type': file.type, 'cache-control': 'no-store' });
      return void res.end(file.body);
    }
    if (path.startsWith('/slack/'))
      return proxyToSlack(world.slackSim.url, req, res, path.slice('/slack/'.length));
    if (path === '/api/info' && req.method === 'GET') return json(res, 200, info());
    if (path === '/api/deployments' && req.method === 'GET') {
      const deployments = await clusterView(
        { url: world.kubeSim.url, token: world.kubeSim.token },
        { url: world.prometheus.url, metrics: world.scenario.metrics },
      );
      return json(res, 200, { deployments });
    }
    if (path === '/api/alerts' && req.method === 'POST') {
      let body: { service?: unknown };
      try {
        body = JSON.parse((await readBody(req)) || '{}') as { service?: unknown };
      } catch (err) {
        return json(res, 400, { error: `the body is not JSON: ${(err as Error).message}` });
      }
      const svc = opts.services.find((s) => s.service === body.service);
      if (!svc) return json(res, 404, { error: `no runbook for service ${String(body.service)}` });
      const sent = await opts.fireAlert(svc);
      log.info({ service: svc.service, status: sent.status }, 'console fired an alert');
      return json(res, 200, sent);
    }
    json(res, 404, { error: 'not found' });
  };

  const server: Server = createServer((req, res) => {
    route(req, res).catch((err: Error) => {
      log.warn({ err, url: req.url }, 'sandbox console request failed');
      if (!res.headersSent) json(res, 500, { error: err.message });
      else res.end();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, opts.host, () => resolve());
  });
  const addr = server.address() as AddressInfo;
  url = `http://${addr.family === 'IPv6' ? `[${addr.address}]` : addr.address}:${addr.port}`;
  return {
    url,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/** Streams both ways, so the simulator's Server-Sent Events pass through unbuffered. */
function proxyToSlack(slackUrl: string, req: IncomingMessage, res: ServerResponse, rest: string): void {
  const search = new URL(req.url ?? '/', 'http://x').search;
  const upstream = httpRequest(
    `${slackUrl}/_sandbox/${rest}${search}`,
    {
      method: req.method,
      headers: {
        'content-type': req.headers['content-type'] ?? 'application/json',
        accept: req.headers.accept ?? '*/*',
      },
    },
    (up) => {
      const headers: Record<string, string> = {
        'content-type': String(up.headers['content-type'] ?? 'application/json'),
        'cache-control': 'no-store',
      };
      res.writeHead(up.statusCode ?? 502, headers);
      res.flushHeaders();
      up.pipe(res);
    },
  );
  upstream.on('error', (err) => {
    if (!res.headersSent) json(res, 502, { error: `slack simulator: ${err.message}` });
    else res.end();
  });
  res.on('close', () => upstream.destroy());
  req.pipe(upstream);
}

function json(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' });
  res.end(JSON.stringify(body));
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}
