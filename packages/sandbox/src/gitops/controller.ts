/**
 * A GitOps controller: what Argo CD (automated sync with self-heal) or Flux does for one app,
 * reduced to the image. It watches a path of a config repository in the GitHub double and keeps the
 * Deployment's image at what that file says:
 * - a new commit on the synced branch is applied at once (as a webhook-triggered refresh would);
 * - live drift (someone ran `kubectl rollout undo` or `kubectl set image`) is reverted after
 *   `selfHealDelayMs` — Argo CD's application controller waits `--self-heal-timeout-seconds`
 *   (default 5) between self-heal attempts; with selfHeal off, drift stays and the app is OutOfSync.
 * It applies through the Kubernetes simulator's deploy path, so the Deployment controller rolls the
 * change out like any other.
 */
import type { GitHubDouble } from '../github/index.js';
import type { KubeSimulator } from '../kube/index.js';
import { desiredTag } from './manifests.js';

export interface GitOpsApp {
  /** Application (Argo CD) or Kustomization (Flux) name. */
  name: string;
  kind: 'argocd' | 'flux';
  repo: string;
  path: string;
  ref: string;
  namespace: string;
  deployment: string;
  /** Image name (no tag) the file sets. */
  image: string;
  selfHeal: boolean;
}

export interface SyncEvent {
  app: string;
  kind: 'sync' | 'self-heal';
  /** Config-repo commit applied. */
  revision: string;
  image: string;
  /** What ran before (the drifted image for a self-heal). */
  from: string;
  at: number;
}

export interface AppStatus {
  app: string;
  revision: string;
  desired: string | undefined;
  live: string | undefined;
  sync: 'Synced' | 'OutOfSync';
}

export interface GitOpsController {
  events(): SyncEvent[];
  status(app: string): AppStatus;
  /** Resolves on the next event matching `pred` (or rejects after timeoutMs). */
  waitFor(pred: (e: SyncEvent) => boolean, timeoutMs?: number): Promise<SyncEvent>;
  close(): void;
}

export interface GitOpsControllerOptions {
  apps: GitOpsApp[];
  github: GitHubDouble;
  kube: KubeSimulator;
  /** How often Git and the live object are compared (default 500 ms). */
  pollMs?: number | undefined;
  /** Drift older than this is reverted (default 5000 ms, Argo CD's default self-heal timeout). */
  selfHealDelayMs?: number | undefined;
  now?: (() => number) | undefined;
}

interface AppState {
  synced: string;
  driftSince?: number | undefined;
}

export function startGitOpsController(opts: GitOpsControllerOptions): GitOpsController {
  const now = opts.now ?? Date.now;
  const pollMs = opts.pollMs ?? 500;
  const healMs = opts.selfHealDelayMs ?? 5000;
  const events: SyncEvent[] = [];
  const waiters: { pred: (e: SyncEvent) => boolean; resolve: (e: SyncEvent) => void }[] = [];
  const state = new Map<string, AppState>();

  const containers = (app: GitOpsApp): { name: string; image?: string }[] => {
    const d = opts.kube.getDeploymentRaw(app.namespace, app.deployment) as unknown as
      { spec?: { template?: { spec?: { containers?: { name: string; image?: string }[] } } } } | undefined;
    return d?.spec?.template?.spec?.containers ?? [];
  };
  const liveImage = (app: GitOpsApp): string | undefined =>
    containers(app)
      .map((c) => c.image ?? '')
      .find((i) => i === app.image || i.startsWith(`${app.image}:`));
  const desired = (app: GitOpsApp, revision: string): string | undefined => {
    const text = opts.github.file(app.repo, revision, app.path);
    const tag = text === undefined ? undefined : desiredTag(text, app.image);
    return tag === undefined ? undefined : `${app.image}:${tag}`;
  };
  const emit = (e: SyncEvent) => {
    events.push(e);
    for (const w of waiters.splice(0))
      if (w.pred(e)) w.resolve(e);
      else waiters.push(w);
  };
  const apply = (app: GitOpsApp, kind: SyncEvent['kind'], revision: string, image: string, from: string) => {
    const who = app.kind === 'argocd' ? `Argo CD app ${app.name}` : `Flux Kustomization ${app.name}`;
    const container = containers(app).find((c) => c.image === from)?.name;
    opts.kube.setImage(
      app.namespace,
      app.deployment,
      image,
      `${who}: ${kind} to ${app.repo}@${revision.slice(0, 7)}`,
      container,
    );
    emit({ app: app.name, kind, revision, image, from, at: now() });
  };

  const tick = () => {
    for (const app of opts.apps) {
      let head: string;
      try {
        head = opts.github.head(app.repo, app.ref);
      } catch {
        continue; // the repository or branch is gone: Argo CD reports ComparisonError and waits
      }
      const s = state.get(app.name) ?? { synced: head };
      state.set(app.name, s);
      const want = desired(app, head);
      const live = liveImage(app);
      if (!want || !live) continue;
      if (head !== s.synced) {
        s.synced = head;
        s.driftSince = undefined;
        if (live !== want) apply(app, 'sync', head, want, live);
      } else if (live !== want && app.selfHeal) {
        s.driftSince ??= now();
        if (now() - s.driftSince >= healMs) {
          s.driftSince = undefined;
          apply(app, 'self-heal', head, want, live);
        }
      } else if (live === want) s.driftSince = undefined;
    }
  };
  // What runs at start is what was synced last: later commits are syncs, other changes drift.
  for (const app of opts.apps) {
    try {
      state.set(app.name, { synced: opts.github.head(app.repo, app.ref) });
    } catch {
      // no such repository or branch yet: the first tick that finds it takes its head as synced
    }
  }
  const timer = setInterval(tick, pollMs);
  timer.unref();

  return {
    events: () => [...events],
    status: (name) => {
      const app = opts.apps.find((a) => a.name === name);
      if (!app) throw new Error(`gitops controller: no app ${name}`);
      const revision = state.get(name)?.synced ?? opts.github.head(app.repo, app.ref);
      const want = desired(app, revision);
      const live = liveImage(app);
      return { app: name, revision, desired: want, live, sync: want === live ? 'Synced' : 'OutOfSync' };
    },
    waitFor: (pred, timeoutMs = 30_000) =>
      new Promise<SyncEvent>((resolve, reject) => {
        const t = setTimeout(() => reject(new Error('gitops controller: no such event in time')), timeoutMs);
        waiters.push({
          pred,
          resolve: (e) => {
            clearTimeout(t);
            resolve(e);
          },
        });
      }),
    close: () => clearInterval(timer),
  };
}
