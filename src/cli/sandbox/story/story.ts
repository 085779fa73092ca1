import { randomUUID } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Logger } from 'pino';
import { renderMessage } from '@rollbot/sandbox/slack';
import type { RollbotApp } from '../../../app.js';
import { exportRecords } from '../../../audit/index.js';
import { loadConfig } from '../../../config/index.js';
import { RollbotError } from '../../../core/errors.js';
import type { Incident } from '../../../incidents/incident.js';
import { RunbookRegistry } from '../../../runbooks/registry.js';
import { createAppWithStore } from '../../serve.js';
import { type SandboxWorld, startSandboxWorld } from '../world.js';
import { alertmanagerPayload } from './alert-payload.js';
import { approvableProposal, storyApprovers } from './approve.js';
import { gitopsPrologue, narrateSyncs } from './gitops.js';

/**
 * One rollback, start to finish, in the sandbox: the engine behind `rollbot demo` (an alert
 * fires) and `rollbot drill` (on-call types /rollback). It narrates what each Slack channel saw
 * as it happens and writes transcript.md, audit.jsonl and postmortem.md.
 */
export interface StoryOptions {
  trigger: 'alert' | 'command';
  service?: string | undefined;
  scenarioPath?: string | undefined;
  runbooksDir: string;
  out: string;
  /** The environment the story reads its settings from (Redis, RUNBOOK_VAR_*). */
  env: NodeJS.ProcessEnv;
  stepMs?: number | undefined;
  log: Logger;
  print: (line: string) => void;
  timeoutMs?: number | undefined;
}

export interface StoryResult {
  ok: boolean;
  incident: Incident | null;
  summary: string;
  files: string[];
}

const FINAL = new Set(['succeeded', 'failed', 'cancelled', 'dismissed', 'superseded', 'expired']);

export async function runStory(opts: StoryOptions): Promise<StoryResult> {
  const started = Date.now();
  // Runbooks first: a typo in the service name stops here, before anything is started.
  const registry = await RunbookRegistry.fromDir(opts.runbooksDir);
  const service = opts.service ?? registry.services()[0]!;
  const loaded = registry.forService(service);
  if (!loaded)
    throw new RollbotError('not_found', `no runbook for service "${service}" in ${opts.runbooksDir}`, {
      hint: `have: ${registry.services().join(', ') || 'none'}; check with rollbot runbooks lint ${opts.runbooksDir}`,
    });
  const env = opts.env;
  const world = await startSandboxWorld({
    scenarioPath: opts.scenarioPath,
    stepMs: opts.stepMs ?? 120,
    log: opts.log,
    env: opts.env,
  });
  try {
    return await tell(opts, { started, registry, service, loaded, env, world });
  } finally {
    await world.close();
  }
}

async function tell(
  opts: StoryOptions,
  ctx: {
    started: number;
    registry: RunbookRegistry;
    service: string;
    loaded: NonNullable<ReturnType<RunbookRegistry['forService']>>;
    env: NodeJS.ProcessEnv;
    world: SandboxWorld;
  },
): Promise<StoryResult> {
  const { started, registry, service, loaded, env, world } = ctx;
  const config = world.configure(
    loadConfig({
      ...env,
      ROLLBOT_MODE: 'sandbox',
      PORT: '0',
      HOST: '127.0.0.1',
      LEASE_TTL: '5s',
      SHUTDOWN_GRACE: '5s',
      RUNBOOKS_DIR: opts.runbooksDir,
      // With REDIS_URL set, each story gets its own keys: no cooldown or open incident left by an
      // earlier run leaks into this one, and production keys are never touched.
      REDIS_KEY_PREFIX: `${env.REDIS_KEY_PREFIX || 'rollbot:'}story:${randomUUID()}:`,
    }),
  );
  if (config.store.kind === 'redis') {
    opts.print(
      `(state in Redis under ${config.store.keyPrefix} — e.g. npx rollbot audit verify --prefix ${config.store.keyPrefix})`,
    );
  }
  const transcript: string[] = [`# rollbot ${opts.trigger === 'alert' ? 'demo' : 'drill'}: ${service}`, ''];
  const say = (line: string) => {
    opts.print(line);
    transcript.push(line);
  };
  const app = await createAppWithStore({
    config,
    kube: world.kube,
    github: world.github,
    log: opts.log,
    registry,
    runbookEnv: world.runbookEnv,
  });
  let result: StoryResult = { ok: false, incident: null, summary: 'did not finish', files: [] };
  try {
    const { url } = await app.start();
    world.attach(url);
    // Nothing in the story can work without its store: say so now rather than time out later.
    const ready = await fetch(`${url}/readyz`);
    if (!ready.ok) {
      const { reason } = (await ready.json()) as { reason?: string };
      throw new RollbotError(
        'store_unavailable',
        `rollbot is not ready: ${reason ?? `HTTP ${ready.status}`}`,
        {
          hint: 'check the Redis flags / REDIS_* variables (or unset them to use memory)',
        },
      );
    }
    narrate(world, say);
    const target = loaded.runbook.target;
    const namespace =
      typeof target.namespace === 'string' ? target.namespace : (target.namespace.default ?? 'default');
    const deployment =
      typeof target.deployment === 'string' ? target.deployment : (target.deployment.default ?? service);
    const before = world.kubeSim.getDeploymentRaw(namespace, deployment) as
      { metadata: { annotations?: Record<string, string> } } | undefined;
    say(
      `\n[cluster] ${namespace}/${deployment} is at revision ${before?.metadata.annotations?.['deployment.kubernetes.io/revision'] ?? '?'}; error ratio is high.`,
    );

    await gitopsPrologue(world, say, { namespace, deployment });
    const stopSyncs = narrateSyncs(world, say);
    const requester =
      world.scenario.slack.users.find((u) => !storyApprovers(loaded.runbook, world).includes(u.id))?.id ??
      'U0ALICE';
    const approvers = storyApprovers(
      loaded.runbook,
      world,
      opts.trigger === 'command' ? requester : undefined,
    );
    if (opts.trigger === 'alert') {
      say(`\n>>> Alertmanager fires HighErrorRatio for ${service} → POST ${url}/webhooks/alertmanager`);
      const res = await fetch(`${url}/webhooks/alertmanager`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          authorization: `Bearer ${world.secrets.alertmanagerToken}`,
        },
        body: JSON.stringify(alertmanagerPayload({ service, namespace })),
      });
      say(`<<< ${res.status} ${await res.text()}`);
    } else {
      say(`\n>>> <@${requester}> types: /rollback ${service} because drill: rehearsing the runbook`);
      const reply = await world.slackSim
        .as(requester)
        .command('/rollback', `${service} because drill: rehearsing the runbook`, {
          channel: loaded.runbook.channel,
        });
      say(`<<< acked ${reply.status} in ${reply.ackMs.toFixed(0)} ms`);
    }
    const channel = loaded.runbook.channel;
    const proposal = await approvableProposal(app, world, loaded.runbook, service);
    for (const approver of approvers) {
      say(`\n>>> <@${approver}> presses Approve (and confirms)`);
      const click = await world.slackSim
        .as(approver)
        .clickButton({ channel, ts: proposal, actionId: 'rollback_approve' });
      say(`<<< acked ${click.status} in ${click.ackMs.toFixed(0)} ms`);
    }

    // 25 s for the story itself, plus however long the runbook's checks must hold (checkout-web: 30 s).
    const holds = loaded.runbook.verification.reduce((sum, v) => sum + (Number(v.with?.['holdFor']) || 0), 0);
    // Through Git the run also waits for the merge and the controller's sync.
    const budget = opts.timeoutMs ?? (world.gitops ? 90_000 : 25_000) + holds - (Date.now() - started);
    const incident = await waitForFinal(app, service, budget);
    await app.idle();
    stopSyncs();
    const after = world.kubeSim.getDeploymentRaw(namespace, deployment) as
      { metadata: { annotations?: Record<string, string> }; status?: Record<string, unknown> } | undefined;
    say(
      `\n[cluster] ${namespace}/${deployment} is now at revision ${after?.metadata.annotations?.['deployment.kubernetes.io/revision'] ?? '?'} (${JSON.stringify(after?.status?.['updatedReplicas'])} updated replicas).`,
    );
    const verification = incident?.execution?.steps.filter((s) => s.phase === 'verification') ?? [];
    const verified = verification.length > 0 && verification.every((s) => s.status === 'succeeded');
    result = {
      ok: incident?.state === 'succeeded' && verified,
      incident,
      summary: incident
        ? `${incident.state}: ${incident.service} ${incident.plan.current.revision} → ${incident.plan.target?.revision ?? '-'}; verification ${verified ? 'passed' : 'did not pass'}; ${((Date.now() - started) / 1000).toFixed(1)} s`
        : 'no incident was created',
      files: [],
    };
    result.files = await writeArtifacts(app, world, opts.out, incident, transcript);
    say(`\n${result.ok ? ':white_check_mark:' : ':x:'} ${result.summary}`);
  } finally {
    await app.stop();
  }
  return result;
}

function narrate(world: SandboxWorld, say: (line: string) => void) {
  const names = Object.fromEntries(world.scenario.slack.users.map((u) => [u.id, u.name]));
  const channelName = (id: string) => world.scenario.slack.channels.find((c) => c.id === id)?.name ?? id;
  const lastText = new Map<string, string>();
  const show = (kind: string, m: { channel: string; ts: string; threadTs?: string | undefined }) => {
    const stored =
      world.slackSim.message(m.channel, m.ts) ??
      world.slackSim.replies(m.channel, m.threadTs ?? m.ts).find((r) => r.ts === m.ts);
    if (!stored) return;
    const text = renderMessage(stored as never, { users: names });
    if (lastText.get(m.ts) === text) return;
    lastText.set(m.ts, text);
    const where = `#${channelName(m.channel)}${stored.threadTs ? ' (thread)' : ''}`;
    say(`\n--- ${where} · ${kind} ---\n${text}`);
  };
  world.slackSim.events.on('message.posted', (m) => show('posted', m as never));
  world.slackSim.events.on('message.updated', (m) => show('updated', m as never));
  world.slackSim.events.on('ephemeral.posted', (e) =>
    say(
      `\n--- ephemeral to ${(e as { user?: string }).user ?? '?'} ---\n${(e as { text?: string }).text ?? ''}`,
    ),
  );
}

async function waitForFinal(app: RollbotApp, service: string, timeoutMs: number): Promise<Incident | null> {
  const deadline = Date.now() + Math.max(timeoutMs, 1000);
  let last: Incident | null = null;
  while (Date.now() < deadline) {
    try {
      const ids = await app.repo.active();
      const open = ids.find((i) => i.service === service);
      if (open) last = open;
      else if (last) {
        const final = await app.repo.get(last.id);
        if (final && FINAL.has(final.state)) return final;
      }
    } catch {
      // The store is away for a moment (a Redis failover): the story only watches, so ask again.
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return last ? await app.repo.get(last.id) : null;
}

async function writeArtifacts(
  app: RollbotApp,
  world: SandboxWorld,
  out: string,
  incident: Incident | null,
  transcript: string[],
): Promise<string[]> {
  await mkdir(out, { recursive: true });
  const files: string[] = [];
  const channels = world.scenario.slack.channels.map(
    (c) => `## #${c.name}\n\n\`\`\`\n${world.slackSim.transcript(c.id)}\n\`\`\``,
  );
  const write = async (name: string, text: string) => {
    const path = join(out, name);
    await writeFile(path, text);
    files.push(path);
  };
  await write(
    'transcript.md',
    `${transcript.join('\n')}\n\n# What each channel shows at the end\n\n${channels.join('\n\n')}\n`,
  );
  await write('audit.jsonl', exportRecords(await app.audit.read(), 'jsonl'));
  const postmortem = incident ? await appPostmortem(app, incident.id) : null;
  await write('postmortem.md', postmortem ?? '(no postmortem: the rollback did not finish)\n');
  return files;
}

async function appPostmortem(app: RollbotApp, incidentId: string): Promise<string | null> {
  for (let i = 0; i < 50; i++) {
    const text = await app.postmortem(incidentId);
    if (text) return text;
    await new Promise((r) => setTimeout(r, 100));
  }
  return null;
}
