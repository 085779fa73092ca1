/**
 * Who is acting on an incident: a person with the roles the runbook gives them (policy/roles.ts),
 * or rollbot itself. Group membership is read live from Slack (cached by the adapter), so the
 * facts are gathered once per click and handed to the pure lifecycle decision.
 */
import type { Clock } from '../core/clock.js';
import type { ApprovalFacts } from '../policy/approval.js';
import type { Cooldowns } from '../policy/cooldown.js';
import { groupsOf, rolesOf } from '../policy/roles.js';
import type { Runbook } from '../runbooks/schema.js';
import type { Incident, Person } from './incident.js';
import type { Actor } from './lifecycle.js';
import type { Directory } from './ports.js';

export const rollbot = (name = 'rollbot'): Actor => ({ kind: 'rollbot', name });

export class Actors {
  constructor(private readonly d: { directory: Directory; cooldowns: Cooldowns; clock: Clock }) {}

  /** Group members, cooldown and time: what an approval (and every role check) is decided on. */
  async facts(incident: Incident): Promise<ApprovalFacts> {
    const runbook = incident.runbook.spec as Runbook;
    const groupMembers: Record<string, string[] | undefined> = {};
    await Promise.all(
      groupsOf(runbook).map(async (g) => (groupMembers[g] = await this.d.directory.groupMembers(g))),
    );
    const now = this.d.clock.now();
    return { now, groupMembers, cooldown: await this.d.cooldowns.active(incident.service, now) };
  }

  person(user: Person, incident: Incident, facts: ApprovalFacts): Actor {
    return {
      kind: 'person',
      person: user,
      roles: rolesOf(user.id, incident, incident.runbook.spec as Runbook, facts.groupMembers),
    };
  }

  /** Facts and actor in one read. */
  async resolve(user: Person, incident: Incident): Promise<{ facts: ApprovalFacts; actor: Actor }> {
    const facts = await this.facts(incident);
    return { facts, actor: this.person(user, incident, facts) };
  }
}
