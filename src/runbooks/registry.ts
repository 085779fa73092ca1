/**
 * Routing: which runbook handles an alert (its matcher groups) or a `/rollback <service>`, and
 * which Deployment it targets. A registry is an immutable snapshot of loaded runbooks; reloading
 * builds a new one, so an incident that copied its `LoadedRunbook` keeps that exact version.
 */
import { RollbotError } from '../core/errors.js';
import type { Octokit } from '@octokit/rest';
import { type GitHubRunbookLocation, loadRunbooksFromGitHub } from './github-source.js';
import { formatLintError, loadRunbooks, type LintError, type LoadedRunbook } from './load.js';
import { matchesAll, parseMatcher, type Labels, type Matcher } from './matchers.js';
import type { Runbook, TargetRef } from './schema.js';

export interface Target {
  namespace: string;
  deployment: string;
}

export type TargetResult = { ok: true; target: Target } | { ok: false; reason: string };

export type RouteResult =
  | { matched: true; runbook: LoadedRunbook; target: Target }
  | { matched: false; reason: string; runbook?: LoadedRunbook };

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}

/** Resolves `target` for an alert's labels (`{}` for a slash command: fromLabel then fails). */
export function resolveTarget(runbook: Runbook, labels: Labels): TargetResult {
  const resolve = (ref: TargetRef, what: string): string | { reason: string } => {
    if (typeof ref === 'string') return ref;
    const value = labels[ref.fromLabel] || ref.default;
    return value
      ? value
      : {
          reason: `runbook "${runbook.name}" takes the ${what} from alert label "${ref.fromLabel}", which is missing`,
        };
  };
  const namespace = resolve(runbook.target.namespace, 'namespace');
  if (typeof namespace !== 'string') return { ok: false, ...namespace };
  const deployment = resolve(runbook.target.deployment, 'deployment');
  if (typeof deployment !== 'string') return { ok: false, ...deployment };
  return { ok: true, target: { namespace, deployment } };
}

interface Entry {
  loaded: LoadedRunbook;
  groups: Matcher[][];
}

export class RunbookRegistry {
  private readonly entries: readonly Entry[];
  private readonly byService: ReadonlyMap<string, Entry>;

  constructor(runbooks: readonly LoadedRunbook[]) {
    this.entries = runbooks.map((rb) => {
      const loaded = deepFreeze(structuredClone(rb));
      return { loaded, groups: loaded.runbook.match.map((g) => g.map(parseMatcher)) };
    });
    const byService = new Map<string, Entry>();
    for (const e of this.entries) {
      if (byService.has(e.loaded.runbook.service)) {
        throw new RollbotError('config_invalid', `two runbooks for service "${e.loaded.runbook.service}"`, {
          hint: `${byService.get(e.loaded.runbook.service)!.loaded.file} and ${e.loaded.file}: keep one`,
        });
      }
      byService.set(e.loaded.runbook.service, e);
    }
    this.byService = byService;
  }

  /** Loads a directory, refusing (config_invalid) when any runbook is invalid. */
  static async fromDir(dir: string): Promise<RunbookRegistry> {
    return RunbookRegistry.checked(await loadRunbooks(dir), `run \`rollbot runbooks lint ${dir}\``);
  }

  /** Loads runbooks from a GitHub repository at a ref; each records the commit SHA. */
  static async fromGitHub(octokit: Octokit, location: GitHubRunbookLocation): Promise<RunbookRegistry> {
    return RunbookRegistry.checked(
      await loadRunbooksFromGitHub(octokit, location),
      `fix them in ${location.repo} at ${location.ref}`,
    );
  }

  /** From where the config says: a directory, or a GitHub repository (which needs a client). */
  static async load(
    source: { dir: string; github?: GitHubRunbookLocation | undefined },
    octokit: Octokit | undefined,
  ): Promise<RunbookRegistry> {
    if (!source.github) return RunbookRegistry.fromDir(source.dir);
    if (!octokit)
      throw new RollbotError('config_invalid', 'RUNBOOKS_GITHUB_REPO is set but GITHUB_TOKEN is not', {
        hint: 'set GITHUB_TOKEN',
      });
    return RunbookRegistry.fromGitHub(octokit, source.github);
  }

  private static checked(
    loaded: { runbooks: LoadedRunbook[]; errors: LintError[] },
    hint: string,
  ): RunbookRegistry {
    const { runbooks, errors } = loaded;
    if (errors.length > 0) {
      throw new RollbotError(
        'config_invalid',
        `${errors.length} runbook error(s): ${errors.map(formatLintError).join('; ')}`,
        { hint },
      );
    }
    if (runbooks.length === 0) {
      throw new RollbotError('config_invalid', 'no runbooks found: rollbot would have nothing to propose', {
        hint: 'check RUNBOOKS_DIR (or RUNBOOKS_GITHUB_REPO/_PATH) and see runbooks/README.md',
      });
    }
    return new RunbookRegistry(runbooks);
  }

  /** All runbooks, frozen. */
  list(): readonly LoadedRunbook[] {
    return this.entries.map((e) => e.loaded);
  }

  /** The runbook on-call reaches with `/rollback <name>` (case-insensitive). */
  forService(name: string): LoadedRunbook | undefined {
    return this.byService.get(name.trim().toLowerCase())?.loaded;
  }

  /** Service names, sorted. */
  services(): string[] {
    return [...this.byService.keys()].sort();
  }

  /**
   * The runbook whose matchers accept the alert's labels, with its target resolved. No match,
   * more than one matching runbook (ambiguous: nobody should guess which service to roll back)
   * or a missing `fromLabel` label all give `matched: false` with a reason for the operator.
   */
  routeAlert(labels: Labels): RouteResult {
    const hits = this.entries.filter((e) => e.groups.some((g) => matchesAll(g, labels)));
    if (hits.length === 0) {
      return { matched: false, reason: 'no runbook matches the alert labels' };
    }
    if (hits.length > 1) {
      const names = hits.map((h) => `"${h.loaded.runbook.name}" (${h.loaded.file})`).join(', ');
      return {
        matched: false,
        reason: `the alert matches several runbooks: ${names}; narrow their match rules`,
      };
    }
    const runbook = hits[0]!.loaded;
    const target = resolveTarget(runbook.runbook, labels);
    return target.ok
      ? { matched: true, runbook, target: target.target }
      : { matched: false, reason: target.reason, runbook };
  }
}
