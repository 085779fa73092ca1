import type { Logger } from 'pino';
import type { Clock } from '../core/clock.js';
import { asRollbotError } from '../core/errors.js';
import type { Approvals } from '../incidents/approvals.js';
import type { Person } from '../incidents/incident.js';
import type { Proposals } from '../incidents/proposals.js';
import type { IncidentRepository } from '../incidents/repository.js';
import type { RunbookRegistry } from '../runbooks/registry.js';
import { resolveTarget } from '../runbooks/registry.js';
import type { Respond } from './bolt-app.js';
import { parseRollbackCommand } from './command-grammar.js';
import {
  alreadyView,
  errorView,
  errorViewFrom,
  helpView,
  historyView,
  leaseHeldView,
  esc,
  statusView,
  USAGE_MRKDWN,
} from './views/index.js';
import type { HistoryRevision } from './views/status.js';

/**
 * `/rollback …` after the ack: parse, route to the service's runbook, and answer the person
 * privately. Creating a proposal goes through the same Proposals service an alert uses.
 */
export interface CommandDeps {
  registry: () => RunbookRegistry;
  proposals: Proposals;
  approvals: Approvals;
  repo: IncidentRepository;
  history: (namespace: string, deployment: string) => Promise<HistoryRevision[]>;
  leaseHolder: (service: string) => Promise<string | undefined>;
  clock: Clock;
  log: Logger;
}

export class RollbackCommands {
  constructor(private readonly d: CommandDeps) {}

  async handle(cmd: { text: string; user: Person; channel: string; respond: Respond }): Promise<void> {
    const { respond } = cmd;
    try {
      await this.dispatch(cmd);
    } catch (err) {
      const e = asRollbotError(err);
      this.d.log.error({ err: e, text: cmd.text, user: cmd.user.id }, '/rollback failed');
      await respond(errorViewFrom(e, `\`/rollback ${cmd.text}\` failed`));
    }
  }

  private unknownService(service: string, respond: Respond) {
    const services = this.d.registry().services();
    return respond(
      errorView({
        what: `Unknown service "${service}"`,
        why: services.length ? `rollbot has runbooks for: ${services.join(', ')}` : 'no runbooks are loaded',
        next: `Usage:\n${USAGE_MRKDWN}`,
      }),
    );
  }

  private async dispatch({
    text,
    user,
    channel,
    respond,
  }: {
    text: string;
    user: Person;
    channel: string;
    respond: Respond;
  }) {
    const parsed = parseRollbackCommand(text);
    if (!parsed.ok) {
      // Name the valid services too: a typo in the service is the most common bad syntax.
      const services = this.d.registry().services();
      const known = services.length
        ? `rollbot has runbooks for: ${services.join(', ')}`
        : 'no runbooks are loaded';
      return respond(
        errorView({
          what: `Could not read \`/rollback ${esc(text.replaceAll('`', "'"), 200)}\``,
          why: parsed.error,
          next: `${known}.\nUsage:\n${USAGE_MRKDWN}`,
        }),
      );
    }
    const command = parsed.command;
    const registry = this.d.registry();
    const now = this.d.clock.now();
    switch (command.kind) {
      case 'help':
        return respond(helpView(registry.services()));
      case 'status': {
        if (command.service && !registry.forService(command.service))
          return this.unknownService(command.service, respond);
        const active = (await this.d.repo.active()).filter(
          (i) => !command.service || i.service === command.service,
        );
        return respond(statusView(active, { now }));
      }
      case 'history': {
        const loaded = registry.forService(command.service);
        if (!loaded) return this.unknownService(command.service, respond);
        const target = resolveTarget(loaded.runbook, {});
        if (!target.ok) return respond(errorView({ what: 'No Deployment to show', why: target.reason }));
        const revisions = await this.d.history(target.target.namespace, target.target.deployment);
        return respond(historyView(command.service, revisions, { now }));
      }
      case 'cancel': {
        if (!registry.forService(command.service)) return this.unknownService(command.service, respond);
        return this.d.approvals.cancel(command.service, user, { channel, user: user.id, respond });
      }
      case 'rollback': {
        const loaded = registry.forService(command.service);
        if (!loaded) return this.unknownService(command.service, respond);
        if (command.emergency && !loaded.runbook.approval.breakGlass) {
          return respond(
            errorView({
              what: 'No break-glass path for this service',
              why: `runbook ${loaded.runbook.name} names no break-glass approvers`,
              next: `request a normal rollback: \`/rollback ${command.service}\``,
            }),
          );
        }
        const target = resolveTarget(loaded.runbook, {});
        if (!target.ok) {
          return respond(
            errorView({
              what: 'Cannot tell which Deployment to roll back',
              why: target.reason,
              next: 'add a `default:` to the runbook target',
            }),
          );
        }
        const outcome = await this.d.proposals.open({
          loaded,
          target: target.target,
          origin: 'command',
          requester: user,
          reason: command.reason,
          emergency: command.emergency,
          request: { toRevision: command.toRevision, toImageTag: command.toImageTag },
        });
        if (outcome.kind === 'refused')
          return respond(errorView({ what: 'Rollback refused', why: outcome.message }));
        const incident = outcome.incident;
        if (outcome.kind === 'joined') {
          if (incident.state === 'running' || incident.state === 'approved') {
            return respond(
              leaseHeldView({
                service: incident.service,
                incidentId: incident.id,
                holder: await this.d.leaseHolder(incident.service),
                permalink: incident.slack?.permalink,
              }),
            );
          }
          return respond(alreadyView(incident, { now }));
        }
        const where = incident.slack?.permalink
          ? `<${incident.slack.permalink}|the proposal>`
          : 'the proposal';
        return respond({
          text: `Posted ${where} in <#${incident.channel}> (incident \`${incident.id}\`). It needs approval before anything changes.`,
        });
      }
    }
  }
}
