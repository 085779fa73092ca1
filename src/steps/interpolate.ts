/**
 * Fills `{{ placeholder }}`s in step params when the step runs (the runbook keeps them verbatim).
 * Known names: incident.id, incident.reason, incident.requester, service, runbook.name,
 * runbook.version, target.namespace, target.deployment, target.revision, target.image,
 * current.revision, current.image, env.NAME. An unknown name or an unset env variable is an
 * error, never an empty string: a half-filled URL or message must not go out.
 */
import { RollbotError } from '../core/errors.js';
import type { Incident } from '../incidents/incident.js';

export type Env = Readonly<Record<string, string | undefined>>;

const PLACEHOLDER = /\{\{\s*([A-Za-z0-9_.-]+)\s*\}\}/g;

export function placeholderValues(incident: Incident): Record<string, string | undefined> {
  const { plan } = incident;
  return {
    'incident.id': incident.id,
    'incident.reason': incident.reason,
    'incident.requester': incident.requester?.name ?? incident.requester?.id,
    service: incident.service,
    'runbook.name': incident.runbook.name,
    'runbook.version': incident.runbook.version,
    'target.namespace': plan.namespace,
    'target.deployment': plan.deployment,
    'target.revision': plan.target ? String(plan.target.revision) : undefined,
    'target.image': plan.target?.images.join(', '),
    'current.revision': String(plan.current.revision),
    'current.image': plan.current.images.join(', '),
  };
}

export function interpolateText(text: string, values: Record<string, string | undefined>, env: Env): string {
  return text.replace(PLACEHOLDER, (_whole, name: string) => {
    if (name.startsWith('env.')) {
      const value = env[name.slice(4)];
      if (value === undefined) {
        throw new RollbotError(
          'bad_input',
          `placeholder {{ ${name} }}: environment variable ${name.slice(4)} is not set`,
          {
            hint: `set ${name.slice(4)} in rollbot's environment, or change the runbook`,
          },
        );
      }
      return value;
    }
    if (!(name in values)) {
      throw new RollbotError('bad_input', `unknown placeholder {{ ${name} }}`, {
        hint: `use one of ${Object.keys(values)
          .map((k) => `{{ ${k} }}`)
          .join(', ')}, {{ env.NAME }}`,
      });
    }
    const value = values[name];
    if (value === undefined) {
      throw new RollbotError('bad_input', `placeholder {{ ${name} }} has no value for incident`, {
        hint: 'the plan or request does not provide it; remove it from the runbook text',
      });
    }
    return value;
  });
}

/** Interpolates every string inside `params` (objects and arrays walked; other values kept). */
export function interpolate<T>(params: T, incident: Incident, env: Env): T {
  const values = placeholderValues(incident);
  const walk = (v: unknown): unknown => {
    if (typeof v === 'string') return interpolateText(v, values, env);
    if (Array.isArray(v)) return v.map(walk);
    if (v !== null && typeof v === 'object')
      return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, walk(x)]));
    return v;
  };
  return walk(params) as T;
}
