/** A StepContext over a test world, for calling one step directly. */
import { systemClock } from '../../src/core/clock.js';
import type { Incident } from '../../src/incidents/incident.js';
import { EffectLedger } from '../../src/steps/effects.js';
import type { StepContext } from '../../src/steps/types.js';
import type { World } from '../helpers/world.js';

export function stepContext<P>(
  world: World,
  incident: Incident,
  stepId: string,
  params: P,
  opts: { signal?: AbortSignal; lines?: string[]; fetch?: typeof fetch } = {},
): StepContext<P> {
  return {
    incident,
    stepId,
    params,
    kube: world.kube,
    github: world.github,
    slack: world.slack,
    fetch: opts.fetch ?? fetch,
    prometheusUrl: world.endpoints.prometheusUrl,
    clock: systemClock,
    log: world.log,
    signal: opts.signal ?? new AbortController().signal,
    progress: (line) => void opts.lines?.push(line),
    effects: new EffectLedger(world.store, incident.id, stepId),
  };
}
