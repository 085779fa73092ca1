/**
 * The GitOps path at plan time: find the config-repo commit that moved the image to the tag now
 * running (the commits touching the runbook's `path`, newest first), and prepare its revert — a
 * branch from the synced branch's head with one commit setting the tag back, and a pull request
 * describing the incident. Idempotent: a second plan from the same head reuses the branch and PR.
 * Nothing is merged here; approval does that (steps/gitops-merge.ts).
 */
import type { Octokit } from '@octokit/rest';
import type { GitopsPlan } from '../incidents/incident.js';
import type { Runbook } from '../runbooks/schema.js';
import { imageName, readTag, writeTag } from './image-edit.js';

export type GitopsConfig = NonNullable<Runbook['gitops']>;

export interface RevertRequest {
  service: string;
  namespace: string;
  deployment: string;
  channel: string;
  /** The image the Deployment runs now (the bad one). */
  currentImage: string;
  /** A tag on-call asked for (`/rollback svc to 1.4.2`), instead of the one before the culprit. */
  wantedTag?: string | undefined;
  about?:
    { reason?: string | undefined; alert?: string | undefined; requester?: string | undefined } | undefined;
}

export type RevertOutcome = { ok: true; plan: GitopsPlan } | { ok: false; missing: string };

const tagOf = (image: string) => {
  const name = imageName(image);
  return image.length > name.length ? image.slice(name.length + 1).split('@')[0] : undefined;
};

const status = (err: unknown) => (err as { status?: number }).status;

async function textAt(gh: Octokit, o: { owner: string; repo: string }, path: string, ref: string) {
  try {
    const res = await gh.rest.repos.getContent({ ...o, path, ref, request: { retries: 1 } });
    const data = res.data as { type?: string; content?: string };
    return data.type === 'file' && data.content
      ? Buffer.from(data.content, 'base64').toString('utf8')
      : undefined;
  } catch (err) {
    if (status(err) === 404) return undefined;
    throw err;
  }
}

function describe(
  cfg: GitopsConfig,
  req: RevertRequest,
  culprit: GitopsPlan['culprit'],
  from: string,
  to: string,
) {
  const lines = [
    `**rollbot rollback of \`${req.service}\`** (\`${req.namespace}/${req.deployment}\`): \`${from}\` → \`${to}\`.`,
    '',
  ];
  if (req.about?.alert) lines.push(`Alert: ${req.about.alert}`);
  if (req.about?.reason) lines.push(`Reason: ${req.about.reason}`);
  if (req.about?.requester) lines.push(`Requested by: ${req.about.requester} (Slack)`);
  lines.push(
    '',
    `This sets the image tag in \`${cfg.path}\` back to what it was before [\`${culprit.sha.slice(0, 7)}\`](${culprit.url ?? ''}) ` +
      `("${culprit.message}"${culprit.author ? ` by @${culprit.author}` : ''}). Merging it is the rollback: the GitOps controller ` +
      'syncs it to the cluster, then rollbot waits for the rollout and verifies.',
    '',
    cfg.merge === 'auto'
      ? 'The proposal is in Slack: rollbot merges this pull request once it is approved there.'
      : 'The proposal is in Slack: once it is approved there, a person with write access merges this pull request here.',
  );
  return lines.join('\n');
}

/** Who must merge, for the proposal. */
function mergersLine(
  cfg: GitopsConfig,
  protection: GitopsPlan['protection'],
  protectedBranch: boolean,
): string {
  const rules = protection
    ? [
        protection.requiredReviews
          ? `${protection.requiredReviews} approving review${protection.requiredReviews === 1 ? '' : 's'}`
          : '',
        protection.requiredChecks.length ? `status checks ${protection.requiredChecks.join(', ')}` : '',
      ].filter(Boolean)
    : [];
  const asks = rules.length
    ? ` (${cfg.ref} is protected: it requires ${rules.join(' and ')} first)`
    : protectedBranch && !protection
      ? ` (${cfg.ref} is protected; rollbot cannot read its rules)`
      : '';
  return cfg.merge === 'auto'
    ? `rollbot merges it on approval${asks}`
    : `a person with write access to ${cfg.repo} merges it${asks}`;
}

/** The commit that moved `image` from another tag to `bad`, newest first through the commits touching `path`. */
async function findCulprit(
  gh: Octokit,
  o: { owner: string; repo: string },
  cfg: GitopsConfig,
  head: string,
  image: string,
  bad: string,
) {
  const { data } = await gh.rest.repos.listCommits({
    ...o,
    sha: head,
    path: cfg.path,
    per_page: 30,
    request: { retries: 1 },
  });
  for (const c of data) {
    const parent = c.parents[0]?.sha;
    const before = parent ? await textAt(gh, o, cfg.path, parent) : undefined;
    const was = before === undefined ? undefined : readTag(before, image)?.tag;
    if (was === bad) continue;
    return {
      culprit: {
        sha: c.sha,
        message: c.commit.message.split('\n')[0] ?? '',
        author: c.author?.login ?? c.commit.author?.name ?? undefined,
        url: c.html_url,
        date: c.commit.committer?.date ?? undefined,
      },
      previous: was,
    };
  }
  return undefined;
}

export async function planRevert(gh: Octokit, cfg: GitopsConfig, req: RevertRequest): Promise<RevertOutcome> {
  const [owner, repo] = cfg.repo.split('/') as [string, string];
  const o = { owner, repo };
  const image = cfg.image ?? imageName(req.currentImage);
  const bad = tagOf(req.currentImage);
  if (!bad)
    return {
      ok: false,
      missing: `the running image ${req.currentImage} has no tag to look for in ${cfg.repo}`,
    };
  try {
    const ref = await gh.rest.git
      .getRef({ ...o, ref: `heads/${cfg.ref}`, request: { retries: 1 } })
      .catch((err) => {
        if (status(err) === 404) return undefined;
        throw err;
      });
    if (!ref) return { ok: false, missing: `${cfg.repo} has no branch ${cfg.ref}` };
    const baseSha = ref.data.object.sha;
    const text = await textAt(gh, o, cfg.path, baseSha);
    if (text === undefined)
      return { ok: false, missing: `${cfg.repo} has no file ${cfg.path} on ${cfg.ref}` };
    const now = readTag(text, image);
    if (!now)
      return { ok: false, missing: `${cfg.path} on ${cfg.repo}@${cfg.ref} sets no tag for image ${image}` };
    if (now.tag !== bad)
      return {
        ok: false,
        missing: `${cfg.repo}@${cfg.ref} already sets ${image} to ${now.tag} in ${cfg.path}, but the Deployment runs ${bad}: Git has moved on and the controller has not synced it yet, or the image comes from elsewhere`,
      };
    const found = await findCulprit(gh, o, cfg, baseSha, image, bad);
    const to = req.wantedTag ?? found?.previous;
    if (!found || to === undefined)
      return {
        ok: false,
        missing: `no commit on ${cfg.repo}@${cfg.ref} touching ${cfg.path} moved ${image} to ${bad} from an earlier tag: nothing to revert to`,
      };
    if (to === bad) return { ok: false, missing: `${image}:${to} is what runs now` };
    const branch = `rollbot/${req.service}-${to}-${baseSha.slice(0, 7)}`.replace(/[^A-Za-z0-9._/-]/g, '-');
    const commitSha = await revertCommit(gh, o, cfg, {
      branch,
      baseSha,
      text: writeTag(text, image, to),
      req,
      culprit: found.culprit,
      from: bad,
      to,
    });
    const title = `Roll back ${req.service} to ${to} (revert ${found.culprit.sha.slice(0, 7)})`;
    const open = await gh.rest.pulls.list({ ...o, head: `${owner}:${branch}`, base: cfg.ref, state: 'open' });
    const pr =
      open.data[0] ??
      (
        await gh.rest.pulls.create({
          ...o,
          title,
          head: branch,
          base: cfg.ref,
          body: describe(cfg, req, found.culprit, bad, to),
        })
      ).data;
    const { protection, protectedBranch } = await protectionOf(gh, o, cfg.ref);
    return {
      ok: true,
      plan: {
        repo: cfg.repo,
        path: cfg.path,
        ref: cfg.ref,
        merge: cfg.merge,
        image,
        fileKind: now.kind,
        fromTag: bad,
        toTag: to,
        baseSha,
        culprit: found.culprit,
        branch,
        commitSha,
        pr: { number: pr.number, url: pr.html_url, title: pr.title },
        protection,
        mergers: mergersLine(cfg, protection, protectedBranch),
      },
    };
  } catch (err) {
    return {
      ok: false,
      missing:
        `could not prepare the revert in ${cfg.repo} (GitHub: ${status(err) ?? ''} ${(err as Error).message})`.replace(
          '  ',
          ' ',
        ),
    };
  }
}

/** The branch's one commit: reused when a plan from the same head made it already. */
async function revertCommit(
  gh: Octokit,
  o: { owner: string; repo: string },
  cfg: GitopsConfig,
  x: {
    branch: string;
    baseSha: string;
    text: string;
    req: RevertRequest;
    culprit: GitopsPlan['culprit'];
    from: string;
    to: string;
  },
): Promise<string> {
  const existing = await gh.rest.git.getRef({ ...o, ref: `heads/${x.branch}` }).catch((err) => {
    if (status(err) === 404) return undefined;
    throw err;
  });
  if (existing) return existing.data.object.sha;
  const base = await gh.rest.git.getCommit({ ...o, commit_sha: x.baseSha });
  const tree = await gh.rest.git.createTree({
    ...o,
    base_tree: base.data.tree.sha,
    tree: [{ path: cfg.path, mode: '100644', type: 'blob', content: x.text }],
  });
  const commit = await gh.rest.git.createCommit({
    ...o,
    message: `Roll back ${x.req.service} to ${x.to}\n\nSets ${cfg.path} back to ${x.to} (from ${x.from}), reverting ${x.culprit.sha.slice(0, 7)} "${x.culprit.message}". Prepared by rollbot for ${x.req.namespace}/${x.req.deployment}.`,
    tree: tree.data.sha,
    parents: [x.baseSha],
  });
  await gh.rest.git.createRef({ ...o, ref: `refs/heads/${x.branch}`, sha: commit.data.sha });
  return commit.data.sha;
}

/** Branch protection as far as rollbot may read it (the rules need admin rights on GitHub). */
async function protectionOf(gh: Octokit, o: { owner: string; repo: string }, branch: string) {
  const b = await gh.rest.repos.getBranch({ ...o, branch });
  if (!b.data.protected) return { protection: undefined, protectedBranch: false };
  try {
    const p = await gh.rest.repos.getBranchProtection({ ...o, branch });
    return {
      protectedBranch: true,
      protection: {
        requiredReviews: p.data.required_pull_request_reviews?.required_approving_review_count ?? 0,
        requiredChecks: p.data.required_status_checks?.contexts ?? [],
      },
    };
  } catch {
    // 403/404 without admin rights: the proposal says the branch is protected, rules unknown.
    return { protection: undefined, protectedBranch: true };
  }
}

/** Whether the synced branch moved since the plan: the revert was cut from `baseSha`. */
export async function configMoved(gh: Octokit, g: GitopsPlan): Promise<string | undefined> {
  const [owner, repo] = g.repo.split('/') as [string, string];
  const ref = await gh.rest.git.getRef({ owner, repo, ref: `heads/${g.ref}` });
  const now = ref.data.object.sha;
  if (now === g.baseSha) return undefined;
  const c = await gh.rest.repos.getCommit({ owner, repo, ref: now }).catch(() => undefined);
  const what = c
    ? ` (now ${now.slice(0, 7)} "${c.data.commit.message.split('\n')[0]}"${c.data.author?.login ? ` by ${c.data.author.login}` : ''})`
    : '';
  return `${g.repo}@${g.ref} moved since the proposal${what}; the revert pull request #${g.pr.number} was cut from ${g.baseSha.slice(0, 7)}`;
}
