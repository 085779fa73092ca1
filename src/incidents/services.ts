/**
 * The incident domain's services, wired once (the composition root calls this): the lifecycle's
 * transitions, proposals, approve, close, supersede, the expiry sweep and the `/rollback` use case.
 */
import type { Logger } from 'pino';
import type { Clock } from '../core/clock.js';
import type { Metrics } from '../metrics/registry.js';
import type { Cooldowns } from '../policy/cooldown.js';
import type { RunbookRegistry } from '../runbooks/registry.js';
import type { Store } from '../store/index.js';
import { Actors } from './actors.js';
import { Approvals } from './approve.js';
import { Closures } from './close.js';
import { Expiry } from './expiry.js';
import type { Incident } from './incident.js';
import type { AuditSink, Directory, ExecutionStarter, Notifier, Planner } from './ports.js';
import { Proposals } from './proposals.js';
import type { IncidentRepository } from './repository.js';
import { type RequestDeps, RollbackRequests } from './requests.js';
import { Supersede } from './supersede.js';
import { Transitions } from './transitions.js';

export interface IncidentWorld {
  repo: IncidentRepository;
  store: Store;
  planner: Planner;
  notifier: Notifier;
  audit: AuditSink;
  directory: Directory;
  cooldowns: Cooldowns;
  executor: ExecutionStarter;
  registry: () => RunbookRegistry;
  history: RequestDeps['history'];
  leaseHolder: RequestDeps['leaseHolder'];
  clock: Clock;
  metrics: Metrics;
  log: Logger;
}

export function createIncidents(w: IncidentWorld) {
  const { repo, notifier, audit, clock, metrics, log } = w;
  const transitions = new Transitions({ repo, audit, clock, log, metrics });
  const actors = new Actors({ directory: w.directory, cooldowns: w.cooldowns, clock });
  const proposals = new Proposals({
    repo,
    planner: w.planner,
    notifier,
    audit,
    cooldowns: w.cooldowns,
    clock,
    metrics,
    log,
    store: w.store,
  });
  const supersede = new Supersede({ repo, transitions, proposals, notifier, audit, log });
  const approvals = new Approvals({
    repo,
    transitions,
    actors,
    supersede,
    notifier,
    cooldowns: w.cooldowns,
    executor: w.executor,
    staleness: (incident: Incident) => w.planner.staleness(incident.plan),
    clock,
    metrics,
    log,
  });
  const closures = new Closures({ repo, transitions, actors, notifier, clock, log });
  const expiry = new Expiry({ repo, transitions, notifier, log });
  const requests = new RollbackRequests({
    registry: w.registry,
    proposals,
    closures,
    repo,
    history: w.history,
    leaseHolder: w.leaseHolder,
    clock,
  });
  return { transitions, actors, proposals, supersede, approvals, closures, expiry, requests };
}

export type Incidents = ReturnType<typeof createIncidents>;
