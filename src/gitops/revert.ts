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
import { describePull, mergersLine, protectionOf } from './pull-request.js';

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
  /** Tags the default choice passes over (suspect: live when an alert fired). */
  skipTags?: ReadonlySet<string> | undefined;
  about?:
    { reason?: string | undefined; alert?: string | undefined; requester?: string | undefined } | undefined;
}

export type RevertOutcome =
  | { ok: true; plan: GitopsPlan; passedOver: string[] }
  | { ok: false; missing: string; passedOver?: string[] };

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

/**
 * The commit that moved `image` to `bad` from an earlier tag, newest first through the commits
 * touching `path`. A tag in `skip` (it was live when an alert fired: incidents/suspects.ts) is
 * passed over like a suspect revision: the search goes on to the commit that moved away from the
 * last tag that is not suspect, and the revert returns to that one.
 */
async function findCulprit(
  gh: Octokit,
  o: { owner: string; repo: string },
  cfg: GitopsConfig,
  head: string,
  image: string,
  bad: string,
  skip: ReadonlySet<string>,
) {
  const { data } = await gh.rest.repos.listCommits({
    ...o,
    sha: head,
    path: cfg.path,
    per_page: 30,
    request: { retries: 1 },
  });
  let now = bad;
  const passedOver: string[] = [];
  for (const c of data) {
    const parent = c.parents[0]?.sha;
    const before = parent ? await textAt(gh, o, cfg.path, parent) : undefined;
    const was = before === undefined ? undefined : readTag(before, image)?.tag;
    if (was === now) continue; // the file changed, this image's tag did not
    if (was !== undefined && (was === bad || skip.has(was))) {
      passedOver.push(was);
      now = was;
      continue;
    }
    if (was === undefined) break; // the file (or the image in it) was added here: nothing before
    return {
      passedOver: passedOver.filter((t) => t !== bad),
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
  const suspects = passedOver.filter((t) => t !== bad);
  return suspects.length ? { culprit: undefined, previous: undefined, passedOver: suspects } : undefined;
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
    const found = await findCulprit(
      gh,
      o,
      cfg,
      baseSha,
      image,
      bad,
      req.wantedTag ? new Set() : (req.skipTags ?? new Set()),
    );
    if (found && !found.culprit)
      return {
        ok: false,
        missing: `every earlier tag of ${image} in ${cfg.path} was live when an alert fired (${found.passedOver.join(', ')}): name one with /rollback ${req.service} to <tag>`,
        passedOver: found.passedOver,
      };
    const to = req.wantedTag ?? found?.previous;
    if (!found?.culprit || to === undefined)
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
          body: describePull(cfg, req, found.culprit, bad, to),
        })
      ).data;
    const { protection, protectedBranch } = await protectionOf(gh, o, cfg.ref);
    return {
      ok: true,
      passedOver: found.passedOver,
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
