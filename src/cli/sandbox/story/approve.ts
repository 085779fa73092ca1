/**
 * The story's approvers press Approve as the runbook asks: as many distinct people as it requires
 * (its users first, then members of its groups; never the requester when the two-person rule
 * holds). A proposal the runbook does not let anyone approve now — a freeze, a cooldown — ends
 * the story with that reason and the way forward, instead of waiting for a button that never comes.
 */
import type { RollbotApp } from '../../../app.js';
import { RollbotError } from '../../../core/errors.js';
import type { Runbook } from '../../../runbooks/schema.js';
import type { SandboxWorld } from '../world.js';

export function storyApprovers(runbook: Runbook, world: SandboxWorld, requester?: string): string[] {
  const { approvers, required, requesterMayApprove } = runbook.approval;
  const members = approvers.groups.flatMap(
    (g) => world.scenario.slack.usergroups.find((group) => group.id === g)?.users ?? [],
  );
  const people = [...new Set([...approvers.users, ...members])].filter(
    (u) => requesterMayApprove || u !== requester,
  );
  return people.length ? people.slice(0, required) : ['U0BOB'];
}

/** The ts of the service's proposal once it has an Approve button; a blocked one throws why. */
export async function approvableProposal(
  app: RollbotApp,
  world: SandboxWorld,
  runbook: Runbook,
  service: string,
): Promise<string> {
  const channel = runbook.channel;
  const message = await world.slackSim.waitFor(
    () =>
      world.slackSim
        .messages(channel)
        .find((m) => /rollback_(approve|dismiss)/.test(JSON.stringify(m.blocks ?? []))),
    15_000,
  );
  if (JSON.stringify(message.blocks ?? []).includes('rollback_approve')) return message.ts;
  const incident = (await app.repo.active()).find((i) => i.service === service);
  const why = incident?.blocked?.message ?? 'the runbook lets nobody approve it now';
  throw new RollbotError('conflict', `the proposal for ${service} cannot be approved: ${why}`, {
    hint:
      `the runbook's freeze or cooldown is in force (${runbook.name}.yaml, approval.freeze / cooldown); ` +
      `try another service (rollbot demo --service payments-api), or rehearse the emergency path in the console: rollbot sandbox`,
  });
}
