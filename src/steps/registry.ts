/** Step type → implementation. The executor looks steps up here; tests may register fakes. */
import { alertmanagerExpireSilence, alertmanagerSilence } from './alertmanager-silence.js';
import { githubComment } from './github-comment.js';
import { githubIssue } from './github-issue.js';
import { gitopsMerge } from './gitops-merge.js';
import { gitopsWaitSync } from './gitops-wait-sync.js';
import { httpCheck } from './http-check.js';
import { httpRequest } from './http-request.js';
import { rolloutUndo } from './k8s-rollout-undo.js';
import { waitRollout } from './k8s-wait-rollout.js';
import { prometheusCheck } from './prometheus-check.js';
import { slackNotify } from './slack-notify.js';
import type { StepImplementation } from './types.js';
import { wait } from './wait.js';

export type StepRegistry = ReadonlyMap<string, StepImplementation>;

export const BUILTIN_STEPS: readonly StepImplementation[] = [
  rolloutUndo,
  waitRollout,
  httpCheck,
  prometheusCheck,
  slackNotify,
  githubIssue,
  githubComment,
  wait,
  httpRequest,
  gitopsMerge,
  gitopsWaitSync,
  alertmanagerSilence,
  alertmanagerExpireSilence,
];

/** The built-in steps, optionally with some replaced or added (drills, tests). */
export function createStepRegistry(overrides: readonly StepImplementation[] = []): StepRegistry {
  const map = new Map<string, StepImplementation>();
  for (const s of [...BUILTIN_STEPS, ...overrides]) map.set(s.type, s);
  return map;
}
