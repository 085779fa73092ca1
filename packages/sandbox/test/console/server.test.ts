/**
 * The console server over the real simulators, without a bot: the page's files (the browser
 * TypeScript bundled by esbuild), the workspace and cluster as the page reads them, the proxy to
 * the Slack simulator, and alerts handed to whoever started the console.
 */
import { startGitHubDouble, type GitHubDouble } from '../../src/github/index.js';
import { startKubeSimulator, type KubeSimulator } from '../../src/kube/index.js';
import { startPrometheusSimulator, type PrometheusSimulator } from '../../src/prometheus/index.js';
import { loadScenario } from '../../src/scenario/index.js';
import { startSlackSimulator, type SlackSimulator } from '../../src/slack/index.js';
import { startConsoleServer, type ConsoleServer, type ConsoleService } from '../../src/console/index.js';

let kubeSim: KubeSimulator;
let prometheus: PrometheusSimulator;
let slackSim: SlackSimulator;
let githubDouble: GitHubDouble;
let server: ConsoleServer;
const fired: string[] = [];
const warnings: object[] = [];
const PAYMENTS: ConsoleService = {
  service: 'payments-api',
  channel: 'C0PAYMENTS',
  namespace: 'payments',
  deployment: 'payments-api',
};

beforeAll(async () => {
  const scenario = await loadScenario();
  kubeSim = await startKubeSimulator({ scenario, stepMs: 20 });
  prometheus = await startPrometheusSimulator({ scenario, kube: kubeSim });
  slackSim = await startSlackSimulator({ scenario, signingSecret: 's', botToken: 'xoxb-t' });
  githubDouble = await startGitHubDouble({ scenario });
  server = await startConsoleServer({
    world: { scenario, kubeSim, prometheus, slackSim, githubDouble, kubeconfigPath: '/tmp/kubeconfig' },
    botUrl: 'http://127.0.0.1:9',
    services: [PAYMENTS],
    fireAlert: async (svc) => {
      fired.push(svc.service);
      return { status: 200, body: '{"status":"accepted"}' };
    },
    port: 0,
    host: '127.0.0.1',
    log: { info: () => undefined, warn: (obj) => void warnings.push(obj) },
  });
});

afterAll(async () => {
  await server?.close();
  await Promise.all([slackSim?.close(), prometheus?.close(), githubDouble?.close()]);
  await kubeSim?.close();
});

const get = (path: string) => fetch(`${server.url}${path}`);

describe('the console server', () => {
  test('serves the page, its stylesheet and one browser script bundled from the TypeScript sources', async () => {
    const page = await get('/');
    expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8');
    const html = await page.text();
    expect(html).toContain('<link rel="stylesheet" href="/console.css">');
    expect(html).toContain('<script src="/app.js"></script>');
    const css = await get('/console.css');
    expect(css.headers.get('content-type')).toBe('text/css; charset=utf-8');
    expect(await css.text()).toContain('.msg');
    const app = await get('/app.js');
    expect(app.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    const script = await app.text();
    // A classic script (an IIFE): no module syntax left for the browser to trip over.
    expect(script).toMatch(/^"use strict";\n\(\(\) => \{/);
    expect(script).not.toMatch(/^\s*(import|export)\s/m);
    // Built from browser/*.ts, with an inline source map naming them.
    expect(script).toContain('data-ready');
    const map = JSON.parse(
      Buffer.from(
        /sourceMappingURL=data:application\/json;base64,(\S+)/.exec(script)![1]!,
        'base64',
      ).toString(),
    ) as { sources: string[] };
    expect(map.sources.map((s) => s.split('/').pop())).toEqual(
      expect.arrayContaining(['actions.ts', 'app.ts', 'render.ts', 'state.ts']),
    );
  });

  test('tells the page the workspace, the services and every endpoint', async () => {
    const info = (await (await get('/api/info')).json()) as Record<string, any>;
    expect(info).toMatchObject({
      team: 'rollbot-sandbox',
      bot: { id: 'U0ROLLBOT' },
      services: [PAYMENTS],
      urls: { console: server.url, kubernetes: kubeSim.url, slack: slackSim.url, github: githubDouble.url },
      kubectl: 'kubectl --kubeconfig /tmp/kubeconfig get deploy -A',
    });
    expect(info.channels.map((c: { id: string }) => c.id)).toEqual(
      expect.arrayContaining(['C0PAYMENTS', 'C0CHECKOUT']),
    );
    expect(info.users.length).toBeGreaterThan(0);
  });

  test('reads the cluster through the Kubernetes API and the error ratio from Prometheus', async () => {
    const { deployments } = (await (await get('/api/deployments')).json()) as { deployments: any[] };
    expect(deployments.find((d) => d.name === 'payments-api')).toMatchObject({
      namespace: 'payments',
      revision: '3',
      image: 'registry.example.com/payments-api:1.5.0',
      errorRatio: 0.27,
    });
  });

  test('hands an alert to whoever started it; an unknown service or a body that is not JSON is a 4xx', async () => {
    const post = (body: string) =>
      fetch(`${server.url}/api/alerts`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body,
      });
    const sent = await post(JSON.stringify({ service: 'payments-api' }));
    expect(await sent.json()).toEqual({ status: 200, body: '{"status":"accepted"}' });
    expect(fired).toEqual(['payments-api']);
    const unknown = await post(JSON.stringify({ service: 'nope' }));
    expect(unknown.status).toBe(404);
    expect(await unknown.json()).toEqual({ error: 'no runbook for service nope' });
    const garbage = await post('{not json');
    expect(garbage.status).toBe(400);
    expect(await garbage.json()).toMatchObject({ error: expect.stringContaining('not JSON') });
    expect(fired).toEqual(['payments-api']);
    expect(warnings).toEqual([]);
  });

  test('passes /slack/* through to the Slack simulator', async () => {
    const workspace = (await (await get('/slack/workspace')).json()) as Record<string, any>;
    expect(workspace).toMatchObject({ ok: true, app: { botUserId: 'U0ROLLBOT' } });
    expect((await get('/nothing-here')).status).toBe(404);
  });
});
