/**
 * What each Slack interaction does, for Bolt (bolt-app.ts acks first and calls these after). A
 * button whose incident is gone, or a forged value, still gets an answer: the failure is logged
 * and told to the person who clicked.
 */
import { asRollbotError } from '../core/errors.js';
import type { Person } from '../incidents/incident.js';
import type { Audience } from '../incidents/ports.js';
import type { Logger } from '../log/logger.js';
import type { InteractionHandlers, Respond } from './bolt-app.js';
import { errorViewFrom } from './views/index.js';

type ButtonAction = (incidentId: string, user: Person, to: Audience) => Promise<unknown>;

export function interactionHandlers(deps: {
  command: InteractionHandlers['command'];
  approve: ButtonAction;
  dismiss: ButtonAction;
  cancel: ButtonAction;
  log: Logger;
}): InteractionHandlers {
  const button =
    (what: string, action: ButtonAction) =>
    async (incidentId: string, user: Person, channel: string, respond: Respond): Promise<void> => {
      try {
        await action(incidentId, user, { channel, user: user.id, respond });
      } catch (err) {
        const e = asRollbotError(err);
        deps.log.warn({ err: e, incidentId: incidentId.slice(0, 100) }, `${what} click failed`);
        await respond(errorViewFrom(e, `${what} failed`));
      }
    };
  return {
    command: deps.command,
    approve: button('Approve', deps.approve),
    dismiss: button('Dismiss', deps.dismiss),
    cancel: button('Cancel', deps.cancel),
  };
}
