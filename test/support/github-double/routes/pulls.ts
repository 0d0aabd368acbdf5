/** Pull requests: get, list, files with patches, create, request reviewers, merge. */
import { HttpError, notFound, ok, paginate, repoOf, type Ctx, type Handler } from '../http.js';
import { pullShape } from '../shapes.js';
import type { IssueState, RepoState } from '../state.js';
import { changedFiles, commitShape } from './repos.js';

/** GitHub lists at most 3000 files for a pull request. */
const MAX_PULL_FILES = 3000;

function pullOf(ctx: Ctx, repo: RepoState): IssueState {
  const issue = repo.issues.get(Number(ctx.params.pull_number));
  return issue?.pull ? issue : notFound();
}

/** `owner:branch` or `branch`; cross-repo heads are not modelled. */
function branchName(head: string): string {
  return head.includes(':') ? head.slice(head.indexOf(':') + 1) : head;
}

export const pullRoutes: Record<string, Handler> = {
  'pulls/get': (ctx) => {
    const repo = repoOf(ctx);
    return ok(pullShape(ctx.baseUrl, ctx.state, repo, pullOf(ctx, repo)));
  },
  'pulls/list': (ctx) => {
    const repo = repoOf(ctx);
    const { state = 'open', head, base } = ctx.query;
    const pulls = [...repo.issues.values()].filter(
      (i) => i.pull && (state === 'all' || i.state === state) && (!head || branchName(head) === i.pull.head) && (!base || base === i.pull.base),
    );
    return paginate(ctx, pulls.reverse().map((i) => pullShape(ctx.baseUrl, ctx.state, repo, i, false)));
  },
  // Open and closed PRs whose head branch points at the commit (fork heads are not modelled).
  'repos/list-pull-requests-associated-with-commit': (ctx) => {
    const repo = repoOf(ctx);
    const sha = String(ctx.params.commit_sha);
    const pulls = [...repo.issues.values()].filter((i) => i.pull && repo.git.refs.get(`refs/heads/${i.pull.head}`) === sha);
    return paginate(ctx, pulls.map((i) => pullShape(ctx.baseUrl, ctx.state, repo, i, false)));
  },
  'pulls/list-files': (ctx) => {
    const repo = repoOf(ctx);
    const p = pullOf(ctx, repo).pull!;
    const headSha = repo.git.refs.get(`refs/heads/${p.head}`) ?? notFound();
    const baseTip = repo.git.refs.get(`refs/heads/${p.base}`) ?? p.baseSha;
    const mergeBase = repo.git.mergeBase(baseTip, headSha) ?? p.baseSha;
    return paginate(ctx, changedFiles(ctx, repo, mergeBase, headSha).slice(0, MAX_PULL_FILES));
  },
  'pulls/list-commits': (ctx) => {
    // GitHub lists at most 250 commits, oldest first.
    const repo = repoOf(ctx);
    const p = pullOf(ctx, repo).pull!;
    const headSha = repo.git.refs.get(`refs/heads/${p.head}`) ?? notFound();
    const inBase = repo.git.ancestors(p.baseSha);
    const ahead = [...repo.git.ancestors(headSha)].filter((s) => !inBase.has(s)).reverse();
    return paginate(ctx, ahead.slice(0, 250).map((sha) => commitShape(ctx, repo, sha)));
  },
  'pulls/create': (ctx) => {
    const repo = repoOf(ctx);
    const b = ctx.body as { title?: string; head: string; base: string; body?: string; draft?: boolean };
    const head = branchName(b.head);
    if (!repo.git.refs.has(`refs/heads/${head}`)) throw new HttpError(422, 'Validation Failed', [{ resource: 'PullRequest', field: 'head', code: 'invalid' }]);
    if (!repo.git.refs.has(`refs/heads/${b.base}`)) throw new HttpError(422, 'Validation Failed', [{ resource: 'PullRequest', field: 'base', code: 'invalid' }]);
    const dup = [...repo.issues.values()].find((i) => i.pull && i.state === 'open' && i.pull.head === head && i.pull.base === b.base);
    if (dup) throw new HttpError(422, 'Validation Failed', [{ resource: 'PullRequest', code: 'custom', message: `A pull request already exists for ${repo.owner}:${head}.` }]);
    const issue = ctx.state.openPull(repo.fullName, { head, base: b.base, title: b.title ?? head, body: b.body, user: ctx.actor, draft: b.draft });
    return ok(pullShape(ctx.baseUrl, ctx.state, repo, issue), 201);
  },
  'pulls/request-reviewers': (ctx) => {
    const repo = repoOf(ctx);
    const issue = pullOf(ctx, repo);
    const b = ctx.body as { reviewers?: string[]; team_reviewers?: string[] };
    const p = issue.pull!;
    if (b.reviewers?.includes(issue.user)) throw new HttpError(422, 'Review cannot be requested from pull request author.');
    // GitHub refuses the whole request when one user is not a collaborator or one team is not the owner org's.
    const org = ctx.state.orgs.get(repo.fullName.split('/')[0].toLowerCase());
    const strangers = (b.reviewers ?? []).filter((login) => !repo.collaborators.has(login));
    const unknownTeams = (b.team_reviewers ?? []).filter((slug) => !org?.teams.has(slug));
    if (strangers.length > 0 || unknownTeams.length > 0) {
      throw new HttpError(422, `Reviews may only be requested from collaborators. One or more of the users or teams you specified is not a collaborator of the ${repo.fullName} repository.`);
    }
    p.requestedReviewers = [...new Set([...p.requestedReviewers, ...(b.reviewers ?? [])])];
    p.requestedTeams = [...new Set([...p.requestedTeams, ...(b.team_reviewers ?? [])])];
    return ok(pullShape(ctx.baseUrl, ctx.state, repo, issue, false), 201);
  },
  'pulls/merge': (ctx) => {
    const repo = repoOf(ctx);
    const issue = pullOf(ctx, repo);
    if (issue.state !== 'open') throw new HttpError(405, 'Pull Request is not mergeable');
    const sha = ctx.state.mergePull(repo.fullName, issue.number);
    return ok({ sha, merged: true, message: 'Pull Request successfully merged' });
  },
};
