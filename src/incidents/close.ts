/**
 * Closing by a person: Dismiss (the proposal's button) and cancel (`/rollback cancel`, confirmed
 * with a button). Both need an approver of the proposal, a break-glass approver, or — for a
 * proposal their own `/rollback` created — the requester (lifecycle.ts MOVES); a running rollback
 * can be stopped by approvers only. Everyone else is refused privately, and the refusal audited.
 */
import type { Logger } from 'pino';
import type { Clock } from '../core/clock.js';
import type { Actors } from './actors.js';
import { revisionText } from './describe.js';
import type { Incident, Person } from './incident.js';
import { type IncidentEvent, type Refusal, transition } from './lifecycle.js';
import type { Audience, Notifier } from './ports.js';
import type { IncidentRepository } from './repository.js';
import type { Transitions } from './transitions.js';

export interface CloseDeps {
  repo: IncidentRepository;
  transitions: Transitions;
  actors: Actors;
  notifier: Notifier;
  clock: Clock;
  log: Logger;
}

/** What `/rollback cancel <service>` answers before anything changes: a confirm, or why not. */
export type CancelPreview =
  | { kind: 'nothing'; service: string }
  | { kind: 'refused'; incident: Incident; refusal: Refusal }
  | { kind: 'confirm'; incident: Incident; question: string; button: string };

export class Closures {
  constructor(private readonly d: CloseDeps) {}

  async dismiss(incidentId: string, user: Person, to: Audience, reason?: string): Promise<boolean> {
    return (await this.act(incidentId, user, to, { type: 'dismiss', reason }, 'Not dismissed')) !== undefined;
  }

  /** The confirm button of `/rollback cancel`: closes the proposal, or asks the run to stop. */
  async cancel(incidentId: string, user: Person, to: Audience): Promise<boolean> {
    const done = await this.act(incidentId, user, to, { type: 'cancel' }, 'Not cancelled');
    if (!done) return false;
    if (done.state === 'cancelled')
      await this.d.notifier.tell(to, {
        what: `Cancelled the proposal for ${done.service} (incident ${done.id})`,
      });
    else
      await this.d.notifier.tell(to, {
        what: `Stop requested for the rollback of ${done.service} (incident ${done.id})`,
        why: 'a running check or wait stops at once; a step that changes the cluster finishes first, and no further step starts',
        next: 'the message in the channel says exactly where it stopped and what to check',
      });
    return true;
  }

  /** `/rollback cancel <service>`: who may, and what cancelling would mean, before the confirm. */
  async preview(service: string, user: Person): Promise<CancelPreview> {
    const open = await this.d.repo.openFor(service);
    if (!open) return { kind: 'nothing', service };
    const { actor } = await this.d.actors.resolve(user, open);
    const decision = transition(open, { type: 'cancel' }, actor, this.d.clock.now());
    if (!decision.ok) {
      await this.d.transitions.recordRefusal(open, 'cancel', actor, decision.refusal, decision.move);
      return { kind: 'refused', incident: open, refusal: decision.refusal };
    }
    return { kind: 'confirm', incident: open, ...cancelQuestion(open) };
  }

  /** The person's move through the lifecycle; a refusal is told to them (and audited by transitions). */
  private async act(
    incidentId: string,
    user: Person,
    to: Audience,
    event: IncidentEvent,
    refusedAs: string,
  ): Promise<Incident | undefined> {
    const incident = await this.d.repo.require(incidentId);
    const { actor } = await this.d.actors.resolve(user, incident);
    const res = await this.d.transitions.apply(incidentId, event, actor);
    if (!res.ok) {
      await this.d.notifier.tell(to, { what: refusedAs, why: res.refusal.message, next: res.refusal.next });
      return undefined;
    }
    await this.refresh(res.incident);
    return res.incident;
  }

  private async refresh(incident: Incident): Promise<void> {
    await this.d.notifier
      .refresh(incident)
      .catch((err) => this.d.log.warn({ err, incidentId: incident.id }, 'could not refresh the message'));
  }
}

/** The confirm dialog's words: what cancelling does from where the incident stands. */
export function cancelQuestion(incident: Incident): { question: string; button: string } {
  const ref = `${incident.plan.namespace}/${incident.plan.deployment}`;
  if (incident.state === 'proposed')
    return {
      question: `Cancel the proposal to roll back ${ref}? Nothing has changed in the cluster.`,
      button: 'Cancel proposal',
    };
  const undo = incident.execution?.steps.find((s) => s.type === 'k8s.rolloutUndo');
  const applied = undo?.status === 'succeeded' || undo?.status === 'skipped';
  const target = incident.plan.target ? revisionText(incident.plan.target) : 'the previous revision';
  return {
    question: applied
      ? `The undo already applied: ${ref} runs ${target}. Stopping now leaves it there, unverified.`
      : `Stop the rollback of ${ref} before its next step? The undo has not run yet.`,
    button: 'Stop rollback',
  };
}
