/**
 * The incident lifecycle in one place: every state, every move between them, who may make it and
 * what is audited (DESIGN.md invariants 1 and 9). `transition(incident, event, actor, now)` is pure:
 * it answers either the changes to store plus the one audit record to write first, or a refusal
 * with a reason and a sentence for the person. transitions.ts stores the answer (audit first,
 * then the compare-and-set); README.md's "Incident states" table is generated from MOVES (a test
 * keeps them equal).
 */
import type { AuditAction } from '../audit/actions.js';
import { approvalGuard, type ApprovalFacts } from '../policy/approval.js';
import type { Role } from '../policy/roles.js';
import type { Runbook } from '../runbooks/schema.js';
import { describeStop, describeState, describeWhoMay } from './describe.js';
import type { Incident, IncidentChanges, IncidentState, Person } from './incident.js';

type Failure = NonNullable<NonNullable<Incident['execution']>['failure']>;
import { withChanges } from './incident.js';

export type IncidentEvent =
  | { type: 'approve'; facts: ApprovalFacts }
  | { type: 'dismiss'; reason?: string | undefined }
  | { type: 'cancel' }
  | { type: 'start'; owner: string; fromStep: string | null }
  | { type: 'finish'; outcome: 'succeeded' | 'failed'; failure?: Failure | undefined }
  | { type: 'stop' }
  | { type: 'supersede'; reason: string }
  | { type: 'expire' }
  | { type: 'withdraw'; reason: string };

export type EventType = IncidentEvent['type'];

/** Who acts: a person with their roles on this incident (policy/roles.ts), or rollbot itself. */
export type Actor =
  { kind: 'person'; person: Person; roles: readonly Role[] } | { kind: 'rollbot'; name: string };
export type Who = Role | 'rollbot';

export interface Move {
  event: EventType;
  from: readonly IncidentState[];
  /** The state after the move, as a reader says it. */
  to: string;
  who: readonly Who[];
  audit: readonly AuditAction[];
  /** Audited when a person is refused this move. */
  refused: AuditAction;
}

const ROLLBOT: readonly Who[] = ['rollbot'];
const CLOSERS: readonly Who[] = ['approver', 'breakglass', 'requester'];

/** The table. Anything not listed is refused: "This proposal was dismissed by … at …". */
// prettier-ignore
export const MOVES: readonly Move[] = [
  { event: 'approve', from: ['proposed'], to: 'approved (proposed until enough approvals)', who: ['approver'], audit: ['approval.granted', 'breakglass.approved'], refused: 'approval.refused' },
  { event: 'dismiss', from: ['proposed'], to: 'dismissed', who: CLOSERS, audit: ['proposal.dismissed'], refused: 'dismissal.refused' },
  { event: 'cancel', from: ['proposed'], to: 'cancelled', who: CLOSERS, audit: ['proposal.cancelled'], refused: 'cancellation.refused' },
  { event: 'cancel', from: ['approved', 'running'], to: 'unchanged, stops before the next step', who: ['approver', 'breakglass'], audit: ['rollback.cancel_requested'], refused: 'cancellation.refused' },
  { event: 'start', from: ['approved'], to: 'running', who: ROLLBOT, audit: ['execution.started'], refused: 'approval.refused' },
  { event: 'start', from: ['running'], to: 'running (resumed by another runner)', who: ROLLBOT, audit: ['execution.resumed'], refused: 'approval.refused' },
  { event: 'finish', from: ['running'], to: 'succeeded / failed', who: ROLLBOT, audit: ['rollback.succeeded', 'rollback.failed'], refused: 'approval.refused' },
  { event: 'stop', from: ['running'], to: 'cancelled', who: ROLLBOT, audit: ['rollback.cancelled'], refused: 'approval.refused' },
  { event: 'supersede', from: ['proposed'], to: 'superseded', who: ROLLBOT, audit: ['proposal.superseded'], refused: 'approval.refused' },
  { event: 'expire', from: ['proposed'], to: 'expired', who: ROLLBOT, audit: ['proposal.expired'], refused: 'approval.refused' },
  { event: 'withdraw', from: ['proposed'], to: 'dismissed', who: ROLLBOT, audit: ['proposal.withdrawn'], refused: 'approval.refused' },
];

export interface AuditDraft {
  action: AuditAction;
  actor:
    { type: 'user'; id: string; name?: string | undefined } | { type: 'system'; name?: string | undefined };
  details: Record<string, unknown>;
}

export interface Refusal {
  reason: string;
  message: string;
  /** What the person is told to do instead, when there is something. */
  next?: string | undefined;
}

export type Decision =
  | { ok: true; move: Move; changes: IncidentChanges; next: Incident; audit: AuditDraft }
  | { ok: false; move: Move | undefined; refusal: Refusal };

const runbookOf = (incident: Incident) => incident.runbook.spec as Runbook;

export function movesFor(event: EventType, state: IncidentState): Move | undefined {
  return MOVES.find((m) => m.event === event && m.from.includes(state));
}

function actorRecord(actor: Actor): AuditDraft['actor'] {
  if (actor.kind === 'rollbot') return { type: 'system', name: actor.name };
  const { id, name } = actor.person;
  return { type: 'user', id, ...(name !== undefined ? { name } : {}) };
}

/** The one decision for every move: allowed from here? by this actor? then what changes and what is audited. */
export function transition(incident: Incident, event: IncidentEvent, actor: Actor, now: number): Decision {
  const move = movesFor(event.type, incident.state);
  if (!move) {
    const reason = event.type === 'approve' ? 'not_proposed' : 'not_allowed_now';
    return {
      ok: false,
      move: MOVES.find((m) => m.event === event.type),
      refusal: { reason, message: describeState(incident) },
    };
  }
  const allowed =
    actor.kind === 'rollbot' ? move.who.includes('rollbot') : actor.roles.some((r) => move.who.includes(r));
  if (!allowed) return { ok: false, move, refusal: describeWhoMay(move, incident, actor, event) };
  const made = change(incident, event, actor, now);
  if ('reason' in made) return { ok: false, move, refusal: made };
  return {
    ok: true,
    move,
    changes: made.changes,
    next: withChanges(incident, made.changes),
    audit: { action: made.action, actor: made.actor ?? actorRecord(actor), details: made.details },
  };
}

type Made =
  | {
      changes: IncidentChanges;
      action: AuditAction;
      details: Record<string, unknown>;
      actor?: AuditDraft['actor'];
    }
  | Refusal;

const person = (actor: Actor): Person | undefined => (actor.kind === 'person' ? actor.person : undefined);

/** What each move changes, and the audit record that goes with it. */
function change(incident: Incident, event: IncidentEvent, actor: Actor, now: number): Made {
  const rb = runbookOf(incident);
  const plan = { from: incident.plan.current.revision, to: incident.plan.target?.revision ?? null };
  switch (event.type) {
    case 'approve': {
      const who = person(actor)!;
      const d = approvalGuard(incident, rb, who, event.facts);
      if (!d.ok) return { reason: d.reason, message: d.message };
      const approvals = [
        ...incident.approvals,
        { ...who, at: now, ...(incident.emergency ? { breakGlass: true } : {}) },
      ];
      const required = incident.emergency ? 1 : rb.approval.required;
      const complete = approvals.length >= required;
      return {
        changes: { approvals, ...(complete ? { state: 'approved', approvedAt: now } : {}) },
        action: incident.emergency ? 'breakglass.approved' : 'approval.granted',
        details: {
          approvals: approvals.length,
          required,
          complete,
          runbook: `${rb.name}@${rb.version}`,
          ...plan,
        },
      };
    }
    case 'dismiss':
    case 'cancel': {
      if (incident.state !== 'proposed') {
        const asked = incident.execution?.cancelRequested;
        if (asked)
          return {
            reason: 'already_requested',
            message: `Stopping was already requested by <@${asked.id}>; the run stops before its next step.`,
          };
        const by = person(actor)!;
        return {
          changes: { execution: { cancelRequested: { ...by, at: now } } },
          action: 'rollback.cancel_requested',
          details: { phase: incident.state, ...plan },
        };
      }
      const quietUntil = now + rb.approval.dismissalWindow;
      return {
        changes: {
          state: event.type === 'dismiss' ? 'dismissed' : 'cancelled',
          closedBy: person(actor),
          closeReason: event.type === 'dismiss' ? event.reason : undefined,
          quietUntil,
        },
        action: event.type === 'dismiss' ? 'proposal.dismissed' : 'proposal.cancelled',
        details: {
          phase: 'proposal',
          reason: event.type === 'dismiss' ? event.reason : undefined,
          quietUntil: new Date(quietUntil).toISOString(),
        },
      };
    }
    case 'start': {
      const resuming = incident.state === 'running';
      const ex = incident.execution;
      const resumedCount = (ex?.resumedCount ?? 0) + (resuming ? 1 : 0);
      return {
        changes: {
          state: 'running',
          execution: {
            owner: event.owner,
            startedAt: ex?.startedAt ?? now,
            ...(resuming ? { resumedCount } : {}),
          },
        },
        action: resuming ? 'execution.resumed' : 'execution.started',
        details: { owner: event.owner.split('#')[0], fromStep: event.fromStep, resumedCount },
      };
    }
    case 'finish': {
      const ex = incident.execution;
      const succeeded = event.outcome === 'succeeded';
      return {
        changes: {
          state: event.outcome,
          execution: {
            finishedAt: now,
            ...(event.failure ? { failure: event.failure } : {}),
            ...(succeeded ? { rolloutCompleteAt: ex?.rolloutCompleteAt ?? now, recoveredAt: now } : {}),
          },
        },
        action: succeeded ? 'rollback.succeeded' : 'rollback.failed',
        details: { ...(event.failure && { failure: event.failure }), steps: stepList(incident) },
      };
    }
    case 'stop': {
      const by = incident.execution?.cancelRequested;
      if (!by) return { reason: 'not_requested', message: 'nobody asked to stop this rollback' };
      const stopped = describeStop(incident);
      return {
        changes: {
          state: 'cancelled',
          closedBy: { id: by.id, name: by.name },
          execution: { finishedAt: now, stopped },
        },
        action: 'rollback.cancelled',
        actor: { type: 'user', id: by.id, ...(by.name !== undefined ? { name: by.name } : {}) },
        details: {
          phase: 'execution',
          stopped: stopped.summary,
          next: stopped.next,
          steps: stepList(incident),
        },
      };
    }
    case 'supersede':
      return {
        changes: { state: 'superseded', closeReason: event.reason },
        action: 'proposal.superseded',
        details: { reason: event.reason },
      };
    case 'expire': {
      const ttl = rb.approval.proposalTtl;
      if (now <= incident.createdAt + ttl)
        return { reason: 'not_expired', message: 'the proposal is still within its TTL' };
      const closeReason = `no approval within ${Math.round(ttl / 60_000)} minutes`;
      return {
        changes: { state: 'expired', closeReason },
        action: 'proposal.expired',
        details: { reason: closeReason, ttlMs: ttl },
      };
    }
    case 'withdraw':
      return {
        changes: { state: 'dismissed', closeReason: event.reason },
        action: 'proposal.withdrawn',
        details: { reason: event.reason },
      };
  }
}

function stepList(incident: Incident): string[] {
  return incident.execution?.steps.map((s) => `${s.id}:${s.status}`) ?? [];
}

/** The table as Markdown, for README.md (a test keeps the README's copy equal to this). */
export function movesTable(): string {
  const who = (w: readonly Who[]) =>
    w
      .map(
        (r) =>
          ({
            approver: 'approvers',
            breakglass: 'break-glass approvers',
            requester: 'the requester (own `/rollback`)',
            rollbot: 'rollbot',
          })[r],
      )
      .join(', ');
  const rows = MOVES.map(
    (m) =>
      `| ${m.event} | ${m.from.join(', ')} | ${m.to} | ${who(m.who)} | ${m.audit.map((a) => `\`${a}\``).join(', ')} |`,
  );
  return ['| Move | From | To | Who may make it | Audited as |', '|---|---|---|---|---|', ...rows].join('\n');
}
