/**
 * The double's in-memory world: app, installations, repositories (with git data), issues, pulls,
 * check runs, orgs and teams. Tests seed it, the routes read and change it, and tests then assert
 * on it directly (e.g. `state.repo('acme/api').issues`).
 */
import type { Readable } from 'node:stream';
import { GitStore, type FlatTree, type GitPerson } from './git.js';

export type Permission = 'admin' | 'maintain' | 'write' | 'triage' | 'read' | 'none';

export interface Label { id: number; name: string; color: string; description: string | null }

export interface IssueState {
  id: number;
  number: number;
  title: string;
  body: string | null;
  state: 'open' | 'closed';
  state_reason: 'completed' | 'not_planned' | 'reopened' | 'duplicate' | null;
  labels: string[];
  assignees: string[];
  user: string;
  created_at: string;
  updated_at: string;
  closed_at: string | null;
  pinned: boolean;
  /** Set when this number belongs to a pull request (GitHub shares the sequence). */
  pull?: PullState;
}

export interface PullState {
  number: number;
  id: number;
  head: string;
  base: string;
  /** Base tip when the PR was opened (GitHub's `base.sha`). */
  baseSha: string;
  draft: boolean;
  merged: boolean;
  requestedReviewers: string[];
  requestedTeams: string[];
}

export interface CommentState { id: number; issue: number; body: string; user: string; created_at: string; updated_at: string }

export interface Annotation {
  path: string;
  start_line: number;
  end_line: number;
  start_column?: number;
  end_column?: number;
  annotation_level: 'notice' | 'warning' | 'failure';
  message: string;
  title?: string;
  raw_details?: string;
}

export interface CheckRunState {
  id: number;
  name: string;
  head_sha: string;
  status: string;
  conclusion: string | null;
  external_id: string | null;
  details_url: string | null;
  started_at: string | null;
  completed_at: string | null;
  output: { title: string | null; summary: string | null; text: string | null };
  annotations: Annotation[];
  /** How many requests (create + updates) carried annotations, to check batching. */
  annotationBatches: number[];
}

export interface ReactionState { id: number; subject: 'issue' | 'comment'; target: number; content: string; user: string }

export interface RepoState {
  id: number;
  owner: string;
  name: string;
  fullName: string;
  defaultBranch: string;
  private: boolean;
  fork: boolean;
  installationId: number;
  git: GitStore;
  issues: Map<number, IssueState>;
  comments: Map<number, CommentState>;
  labels: Map<string, Label>;
  checkRuns: Map<number, CheckRunState>;
  reactions: ReactionState[];
  collaborators: Map<string, Permission>;
  nextNumber: number;
  /** Replaces the generated tarball (e.g. a big or malicious one) for `tarball/{ref}`. */
  tarball?: (sha: string) => Readable;
}

export interface InstallationState { id: number; account: string; accountType: 'Organization' | 'User' }

export interface OrgState { members: Set<string>; teams: Map<string, Map<string, 'member' | 'maintainer'>> }

export interface SeedRepo {
  /** `owner/name`. */
  repo: string;
  files?: Record<string, string | Buffer>;
  defaultBranch?: string;
  private?: boolean;
  fork?: boolean;
  installationId?: number;
  collaborators?: Record<string, Permission>;
}

export interface Seed {
  app?: { id?: number; slug?: string; name?: string };
  installations?: Array<{ id: number; account: string; accountType?: 'Organization' | 'User' }>;
  repos?: SeedRepo[];
  orgs?: Record<string, { members?: string[]; teams?: Record<string, string[] | Record<string, 'member' | 'maintainer'>> }>;
}

export interface PushOptions {
  branch?: string;
  /** path → new content; `null` deletes the file. */
  files: Record<string, string | Buffer | null>;
  message?: string;
  /** Start from an empty tree instead of the branch tip's tree. */
  replace?: boolean;
  author?: string;
}

const EPOCH = Date.parse('2026-01-01T00:00:00Z');

export class DoubleState {
  readonly app: { id: number; slug: string; name: string };
  readonly installations = new Map<number, InstallationState>();
  readonly repos = new Map<string, RepoState>();
  readonly orgs = new Map<string, OrgState>();
  /** Installation tokens the double issued → installation id. */
  readonly tokens = new Map<string, number>();
  /** Every GraphQL mutation it understood, e.g. `{ name: 'pinIssue', issueId }`. */
  readonly graphql: Array<{ name: string; variables: Record<string, unknown> }> = [];
  private nextIdValue = 1000;
  private tick = 0;

  constructor(seed: Seed = {}) {
    this.app = { id: seed.app?.id ?? 4242, slug: seed.app?.slug ?? 'nhi-steward', name: seed.app?.name ?? 'nhi-steward' };
    for (const i of seed.installations ?? []) this.addInstallation(i.id, i.account, i.accountType);
    for (const [login, org] of Object.entries(seed.orgs ?? {})) {
      for (const m of org.members ?? []) this.addOrgMember(login, m);
      for (const [slug, members] of Object.entries(org.teams ?? {})) {
        const entries = Array.isArray(members) ? members.map((m) => [m, 'member' as const] as const) : Object.entries(members);
        for (const [m, role] of entries) this.addTeamMember(login, slug, m, role);
      }
    }
    for (const r of seed.repos ?? []) this.addRepo(r);
  }

  nextId(): number {
    return this.nextIdValue++;
  }

  /** Monotonic timestamps, so ordering by time is deterministic. */
  now(): string {
    return new Date(EPOCH + 1000 * this.tick++).toISOString().replace(/\.\d{3}Z$/, 'Z');
  }

  addInstallation(id: number, account: string, accountType: 'Organization' | 'User' = 'Organization'): InstallationState {
    const inst = { id, account, accountType };
    this.installations.set(id, inst);
    return inst;
  }

  addRepo(seed: SeedRepo): RepoState {
    const [owner, name] = seed.repo.split('/');
    if (!owner || !name) throw new Error(`seed repo must be "owner/name", got "${seed.repo}"`);
    const installationId =
      seed.installationId ?? [...this.installations.values()].find((i) => i.account === owner)?.id ?? this.addInstallation(this.nextId(), owner).id;
    const repo: RepoState = {
      id: this.nextId(),
      owner,
      name,
      fullName: `${owner}/${name}`,
      defaultBranch: seed.defaultBranch ?? 'main',
      private: seed.private ?? false,
      fork: seed.fork ?? false,
      installationId,
      git: new GitStore(),
      issues: new Map(),
      comments: new Map(),
      labels: new Map(),
      checkRuns: new Map(),
      reactions: [],
      collaborators: new Map(Object.entries(seed.collaborators ?? {})),
      nextNumber: 1,
    };
    this.repos.set(repo.fullName.toLowerCase(), repo);
    this.push(repo.fullName, { branch: repo.defaultBranch, files: seed.files ?? { 'README.md': `# ${name}\n` }, message: 'Initial commit', replace: true });
    return repo;
  }

  repo(fullName: string): RepoState {
    const r = this.findRepo(fullName);
    if (!r) throw new Error(`github-double: no repo ${fullName} (seed it first)`);
    return r;
  }

  findRepo(fullName: string): RepoState | undefined {
    return this.repos.get(fullName.toLowerCase());
  }

  /** Commits `files` on top of `branch` (default branch when omitted; a new branch starts there). */
  push(fullName: string, opts: PushOptions): string {
    const repo = this.repo(fullName);
    const branch = opts.branch ?? repo.defaultBranch;
    const ref = `refs/heads/${branch}`;
    const parent = repo.git.refs.get(ref) ?? repo.git.refs.get(`refs/heads/${repo.defaultBranch}`);
    const flat: FlatTree =
      opts.replace || !parent ? new Map() : repo.git.flatten(repo.git.get(parent, 'commit')!.tree);
    for (const [path, content] of Object.entries(opts.files)) {
      if (content === null) flat.delete(path);
      else flat.set(path, { mode: '100644', type: 'blob', sha: repo.git.writeBlob(Buffer.from(content)) });
    }
    const tree = repo.git.buildTree(flat);
    const sha = repo.git.writeCommit({
      tree,
      parents: parent ? [parent] : [],
      message: opts.message ?? `Update ${Object.keys(opts.files).join(', ')}`,
      author: this.person(opts.author ?? 'octocat'),
    });
    repo.git.refs.set(ref, sha);
    return sha;
  }

  person(login: string): GitPerson {
    return { name: login, email: `${login}@users.noreply.github.com`, date: this.now() };
  }

  /** Opens a pull request from `head` into `base` (default branch), as a user would. */
  openPull(fullName: string, p: { head: string; base?: string; title: string; body?: string; user?: string; draft?: boolean }): IssueState {
    const repo = this.repo(fullName);
    const base = p.base ?? repo.defaultBranch;
    const baseSha = repo.git.refs.get(`refs/heads/${base}`);
    if (!baseSha) throw new Error(`github-double: no base branch ${base} in ${fullName}`);
    if (!repo.git.refs.get(`refs/heads/${p.head}`)) throw new Error(`github-double: no head branch ${p.head} in ${fullName}`);
    const issue = this.createIssue(repo, { title: p.title, body: p.body ?? null, user: p.user ?? 'octocat' });
    issue.pull = { number: issue.number, id: this.nextId(), head: p.head, base, baseSha, draft: p.draft ?? false, merged: false, requestedReviewers: [], requestedTeams: [] };
    return issue;
  }

  /** Merges a pull request: a merge commit on the base branch with the head's tree. */
  mergePull(fullName: string, number: number): string {
    const repo = this.repo(fullName);
    const issue = repo.issues.get(number);
    if (!issue?.pull) throw new Error(`github-double: no pull #${number} in ${fullName}`);
    const baseTip = repo.git.refs.get(`refs/heads/${issue.pull.base}`)!;
    const headTip = repo.git.refs.get(`refs/heads/${issue.pull.head}`)!;
    const sha = repo.git.writeCommit({
      tree: repo.git.get(headTip, 'commit')!.tree,
      parents: [baseTip, headTip],
      message: `Merge pull request #${number} from ${issue.pull.head}`,
      author: this.person('octocat'),
    });
    repo.git.refs.set(`refs/heads/${issue.pull.base}`, sha);
    issue.pull.merged = true;
    issue.state = 'closed';
    issue.closed_at = this.now();
    return sha;
  }

  createIssue(repo: RepoState, p: { title: string; body: string | null; user: string; labels?: string[]; assignees?: string[] }): IssueState {
    const at = this.now();
    const issue: IssueState = {
      id: this.nextId(),
      number: repo.nextNumber++,
      title: p.title,
      body: p.body,
      state: 'open',
      state_reason: null,
      labels: [],
      assignees: p.assignees ?? [],
      user: p.user,
      created_at: at,
      updated_at: at,
      closed_at: null,
      pinned: false,
    };
    this.setLabels(repo, issue, p.labels ?? []);
    repo.issues.set(issue.number, issue);
    return issue;
  }

  /** GitHub creates unknown labels on the fly when an issue is labelled. */
  setLabels(repo: RepoState, issue: IssueState, names: string[]): void {
    for (const n of names) this.ensureLabel(repo, n);
    issue.labels = [...new Set(names)];
  }

  ensureLabel(repo: RepoState, name: string, color = 'ededed', description: string | null = null): Label {
    let label = repo.labels.get(name.toLowerCase());
    if (!label) repo.labels.set(name.toLowerCase(), (label = { id: this.nextId(), name, color, description }));
    return label;
  }

  setPermission(fullName: string, login: string, permission: Permission): void {
    this.repo(fullName).collaborators.set(login, permission);
  }

  org(login: string): OrgState {
    let org = this.orgs.get(login.toLowerCase());
    if (!org) this.orgs.set(login.toLowerCase(), (org = { members: new Set(), teams: new Map() }));
    return org;
  }

  addOrgMember(org: string, login: string): void {
    this.org(org).members.add(login);
  }

  removeOrgMember(org: string, login: string): void {
    const o = this.org(org);
    o.members.delete(login);
    for (const team of o.teams.values()) team.delete(login);
  }

  addTeamMember(org: string, team: string, login: string, role: 'member' | 'maintainer' = 'member'): void {
    const o = this.org(org);
    let t = o.teams.get(team);
    if (!t) o.teams.set(team, (t = new Map()));
    t.set(login, role);
    o.members.add(login);
  }

  /** Serves `factory(sha)` as the tarball of this repo instead of one built from its tree. */
  setTarball(fullName: string, factory: (sha: string) => Readable): void {
    this.repo(fullName).tarball = factory;
  }

  /** Pull requests (issues with a pull) of a repo. */
  pulls(fullName: string): IssueState[] {
    return [...this.repo(fullName).issues.values()].filter((i) => i.pull);
  }
}
