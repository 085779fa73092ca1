/**
 * The GitOps chapter of the story (`rollbot demo --scenario gitops`): who deploys the service, why
 * `kubectl rollout undo` does not stick (someone tries it; the controller's self-heal puts the image
 * in Git back), and, once the revert pull request merged, each sync the controller makes.
 */
import type { SandboxWorld } from '../world.js';

type Say = (line: string) => void;

const who = (kind: string) => (kind === 'flux' ? 'Flux' : 'Argo CD');

export async function gitopsPrologue(
  world: SandboxWorld,
  say: Say,
  t: { namespace: string; deployment: string },
) {
  const app = world.scenario.gitops.apps.find(
    (a) => a.namespace === t.namespace && a.deployment === t.deployment,
  );
  if (!world.gitops || !app) return;
  const ref = `${t.namespace}/${t.deployment}`;
  say(
    `\n[gitops] ${who(app.kind)} app ${app.name} deploys ${ref} from ${app.repo} ${app.path}@${app.ref}, self-heal ${app.selfHeal ? 'on' : 'off'}.`,
  );
  say(`\n>>> Someone tries the old way: kubectl rollout undo deployment/${t.deployment} -n ${t.namespace}`);
  const undo = await world.kube.rolloutUndo({ namespace: t.namespace, name: t.deployment });
  say(`<<< ${undo.message} (to revision ${undo.revision})`);
  const healed = await world.gitops.waitFor((e) => e.app === app.name && e.kind === 'self-heal', 30_000);
  say(
    `[gitops] ${who(app.kind)} self-heal: ${ref} drifted from ${app.repo}@${healed.revision.slice(0, 7)}, so it synced ${healed.image} back. The undo did not stick: Git still says the bad tag.`,
  );
  await world.kubeSim.waitForIdle(30_000);
}

/** Prints every sync from now on; returns a stop function. */
export function narrateSyncs(world: SandboxWorld, say: Say): () => void {
  if (!world.gitops) return () => undefined;
  let seen = world.gitops.events().length;
  const timer = setInterval(() => {
    const all = world.gitops!.events();
    for (const e of all.slice(seen))
      say(`\n[gitops] ${e.app}: ${e.kind} to ${e.image} from ${e.revision.slice(0, 7)} (was ${e.from})`);
    seen = all.length;
  }, 100);
  return () => clearInterval(timer);
}
