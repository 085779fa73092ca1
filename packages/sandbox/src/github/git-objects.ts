import { createHash } from 'node:crypto';

/**
 * Git's object model, content-addressed as git does it (`sha1("<type> <size>\0" + body)`, trees in
 * git's binary format and order), so the shas the double hands out behave like real ones: the same
 * content is the same blob, an unchanged subtree keeps its sha, a commit names its tree and parents.
 */
export interface GitPerson {
  name: string;
  email: string;
  date: string;
}

export interface TreeEntry {
  /** 100644 file, 100755 executable, 040000 directory (written `40000` inside git's tree format). */
  mode: string;
  type: 'blob' | 'tree';
  sha: string;
  path: string;
}

export interface CommitObject {
  tree: string;
  parents: string[];
  author: GitPerson;
  committer: GitPerson;
  message: string;
}

export type GitObject =
  | { type: 'blob'; sha: string; content: Buffer }
  | { type: 'tree'; sha: string; entries: TreeEntry[] }
  | { type: 'commit'; sha: string; commit: CommitObject };

const hash = (type: string, body: Buffer) =>
  createHash('sha1')
    .update(Buffer.concat([Buffer.from(`${type} ${body.length}\0`), body]))
    .digest('hex');

/** Git's tree order: names compared bytewise, a directory as if its name ended in "/". */
function treeOrder(a: TreeEntry, b: TreeEntry): number {
  const ka = Buffer.from(a.type === 'tree' ? `${a.path}/` : a.path);
  const kb = Buffer.from(b.type === 'tree' ? `${b.path}/` : b.path);
  return Buffer.compare(ka, kb);
}

function personLine(role: string, p: GitPerson): string {
  const secs = Math.floor(Date.parse(p.date) / 1000);
  return `${role} ${p.name} <${p.email}> ${secs} +0000`;
}

export class ObjectStore {
  private readonly objects = new Map<string, GitObject>();

  get(sha: string): GitObject | undefined {
    return this.objects.get(sha);
  }

  has(sha: string): boolean {
    return this.objects.has(sha);
  }

  blob(content: Buffer): string {
    const sha = hash('blob', content);
    this.objects.set(sha, { type: 'blob', sha, content });
    return sha;
  }

  tree(entries: TreeEntry[]): string {
    const sorted = [...entries].sort(treeOrder);
    const body = Buffer.concat(
      sorted.map((e) =>
        Buffer.concat([
          Buffer.from(`${e.mode === '040000' ? '40000' : e.mode} ${e.path}\0`),
          Buffer.from(e.sha, 'hex'),
        ]),
      ),
    );
    const sha = hash('tree', body);
    this.objects.set(sha, { type: 'tree', sha, entries: sorted });
    return sha;
  }

  commit(c: CommitObject): string {
    const lines = [
      `tree ${c.tree}`,
      ...c.parents.map((p) => `parent ${p}`),
      personLine('author', c.author),
      personLine('committer', c.committer),
      '',
      c.message,
    ];
    const sha = hash('commit', Buffer.from(lines.join('\n')));
    this.objects.set(sha, { type: 'commit', sha, commit: c });
    return sha;
  }

  commitObject(sha: string): CommitObject | undefined {
    const o = this.objects.get(sha);
    return o?.type === 'commit' ? o.commit : undefined;
  }

  /** Every file under a tree, path → blob sha (what a checkout would write). */
  files(treeSha: string, prefix = ''): Map<string, string> {
    const out = new Map<string, string>();
    const t = this.objects.get(treeSha);
    if (t?.type !== 'tree') return out;
    for (const e of t.entries) {
      const path = prefix + e.path;
      if (e.type === 'blob') out.set(path, e.sha);
      else for (const [p, s] of this.files(e.sha, `${path}/`)) out.set(p, s);
    }
    return out;
  }

  /** Every entry under a tree, directories included, as `GET /git/trees/{sha}?recursive=1` lists them. */
  walk(treeSha: string, recursive: boolean, prefix = ''): TreeEntry[] {
    const t = this.objects.get(treeSha);
    if (t?.type !== 'tree') return [];
    return t.entries.flatMap((e) => {
      const here = { ...e, path: prefix + e.path };
      return recursive && e.type === 'tree' ? [here, ...this.walk(e.sha, true, `${here.path}/`)] : [here];
    });
  }

  /** Builds the nested trees for a flat path → blob sha map; returns the root tree's sha. */
  treeFromFiles(files: Map<string, string>): string {
    const here: TreeEntry[] = [];
    const dirs = new Map<string, Map<string, string>>();
    for (const [path, sha] of files) {
      const slash = path.indexOf('/');
      if (slash < 0) here.push({ mode: '100644', type: 'blob', sha, path });
      else {
        const dir = path.slice(0, slash);
        const sub = dirs.get(dir) ?? new Map<string, string>();
        dirs.set(dir, sub.set(path.slice(slash + 1), sha));
      }
    }
    for (const [dir, sub] of dirs)
      here.push({ mode: '040000', type: 'tree', sha: this.treeFromFiles(sub), path: dir });
    return this.tree(here);
  }

  blobText(sha: string): string | undefined {
    const o = this.objects.get(sha);
    return o?.type === 'blob' ? o.content.toString('utf8') : undefined;
  }
}
