/**
 * A pair and its halves in the commit-by-commit scan of a pull request or push (real git
 * repositories, the real engine). An AWS key pair is one credential, found as a pair when its key
 * id and secret key lie within DEFAULT_PAIR_WITHIN (5) lines of each other, else as two halves.
 * A commit that adds only one half, near the other, used to be seen as that half alone (git's
 * patch shows 3 lines of context), while the net change, scanned whole, saw the pair: the check
 * then reported the credential twice, once as "added in commit … and removed later … rotate",
 * though it was still there. Now:
 * - the commits are read with 5 lines of context (src/workspace/commits.ts), so a commit finds the
 *   pair as a whole-file scan does;
 * - a pair finding carries its halves' ids (`Finding.partIds`), and the net result, the head and
 *   the commits are joined on any id they share (src/core/commits.ts `secretKeys`), for the
 *   App's fallback on the commits API, whose patches keep 3 lines of context, and for a half
 *   added in one commit and completed in another.
 */
import { describe, expect, it } from 'vitest';
import { mergeCommitSecrets, mergeHistory } from '../../src/core/commits.js';
import { readPatch } from '../../src/core/diff/unified.js';
import { allDetectors } from '../../src/core/secrets/detectors/index.js';
import { scanSecrets } from '../../src/core/secrets/engine.js';
import { defaultSettings, type Finding, type ScanResult } from '../../src/core/types.js';
import { headFindingOf, scanCommitRange, secretsAtHead } from '../../src/workspace/commits.js';
import { scanHistory } from '../../src/workspace/history.js';
import { scanDirectory } from '../../src/workspace/scan-dir.js';
import type { HistoryRepo } from '../support/history-repo.js';
import { tempRepo } from '../support/temp-repo.js';

const sample = (id: string): string => allDetectors.find((d) => d.id === id)!.samples.positive[0].text;
const KEY_ID = sample('aws-access-key-id'); // AWS_ACCESS_KEY_ID=AKIA…
const SECRET_KEY = sample('aws-secret-access-key'); // AWS_SECRET_ACCESS_KEY=…
const SECRET_VALUE = SECRET_KEY.slice(SECRET_KEY.indexOf('=') + 1);
const settings = defaultSettings();

/** A 30-line env file with `at` lines set (1-based). */
function envFile(at: Record<number, string>): string {
  return Array.from({ length: 30 }, (_, i) => at[i + 1] ?? `SETTING_${i + 1}=${i + 1}`).join('\n') + '\n';
}

const newRepo = () => tempRepo('nhi-commit-pairs-');

/** What a PR check reports for `base..head` of `repo`'s checkout: the net change (as `scan --diff`) joined with each commit's secrets. */
async function prCheck(repo: HistoryRepo, base: string, head: string): Promise<{ net: ScanResult; commits: Finding[]; result: ScanResult }> {
  const { result: net } = await scanDirectory(repo.dir, { settings, diff: base });
  const commits = (await scanCommitRange(repo.dir, { base, head }, settings)).findings();
  return { net, commits, result: mergeCommitSecrets(net, commits, { scope: 'pull request' }) };
}

const secretsOf = (result: ScanResult) => result.findings.filter((f) => f.rule.startsWith('secret/'));

describe('a pair and its halves across a pull request', () => {
  it.each([2, 3, 4, 5])('a secret key added %i lines under a key id the file held: one pair, named with its commit, present', async (apart) => {
    const repo = newRepo();
    const base = repo.commit('Alice', '2025-03-01T10:00:00Z', { 'deploy/creds.env': envFile({ 10: KEY_ID }) });
    const head = repo.commit('Bob', '2025-03-02T10:00:00Z', { 'deploy/creds.env': envFile({ 10: KEY_ID, [10 + apart]: SECRET_KEY }) });
    const { commits, result } = await prCheck(repo, base, head);
    // The commit sees the key id in its patch's context: the pair, as a whole-file scan finds it.
    expect(commits.map((f) => [f.rule, f.line])).toEqual([['secret/aws-access-key-pair', 10]]);
    const secrets = secretsOf(result);
    expect(secrets).toHaveLength(1);
    expect(secrets[0]).toMatchObject({ rule: 'secret/aws-access-key-pair', line: 10, presentAtHead: true, commit: { sha: head, author: 'Bob' } });
    expect(secrets[0].message).not.toContain('removed later');
    expect(JSON.stringify(result)).not.toContain(SECRET_VALUE);
  });

  it('a secret key added next to a key id and taken out again in a later commit: one pair, removed, naming the commit that added it', async () => {
    const repo = newRepo();
    const base = repo.commit('Alice', '2025-03-01T10:00:00Z', { 'deploy/creds.env': envFile({ 10: KEY_ID }) });
    const added = repo.commit('Bob', '2025-03-02T10:00:00Z', { 'deploy/creds.env': envFile({ 10: KEY_ID, 15: SECRET_KEY }) });
    const head = repo.commit('Bob', '2025-03-03T10:00:00Z', { 'deploy/creds.env': envFile({ 10: KEY_ID }) });
    const { result } = await prCheck(repo, base, head);
    const secrets = secretsOf(result);
    expect(secrets).toHaveLength(1);
    expect(secrets[0]).toMatchObject({ rule: 'secret/aws-access-key-pair', presentAtHead: false, commit: { sha: added } });
    expect(secrets[0].message).toContain(`added in commit ${added.slice(0, 7)}`);
    expect(secrets[0].message).toContain('rotate the credential');
  });

  it('a key id added in one commit and its secret key in the next: one pair, named with the older commit', async () => {
    const repo = newRepo();
    const base = repo.commit('Alice', '2025-03-01T10:00:00Z', { 'deploy/creds.env': envFile({}) });
    const first = repo.commit('Bob', '2025-03-02T10:00:00Z', { 'deploy/creds.env': envFile({ 10: KEY_ID }) });
    const head = repo.commit('Carol', '2025-03-03T10:00:00Z', { 'deploy/creds.env': envFile({ 10: KEY_ID, 13: SECRET_KEY }) });
    const { net, commits, result } = await prCheck(repo, base, head);
    // The first commit holds the key id alone; the second makes the pair.
    expect(commits.map((f) => [f.rule, f.commit?.sha])).toEqual([
      ['secret/aws-access-key-id', first],
      ['secret/aws-access-key-pair', head],
    ]);
    expect(secretsOf(net).map((f) => f.rule)).toEqual(['secret/aws-access-key-pair']);
    const secrets = secretsOf(result);
    expect(secrets).toHaveLength(1);
    expect(secrets[0]).toMatchObject({ rule: 'secret/aws-access-key-pair', line: 10, presentAtHead: true, commit: { sha: first, author: 'Bob' } });
  });

  it('a key id and a pair both taken out before the head: reported once, with the oldest commit', async () => {
    const repo = newRepo();
    const base = repo.commit('Alice', '2025-03-01T10:00:00Z', { 'README.md': '# app\n' });
    const first = repo.commit('Bob', '2025-03-02T10:00:00Z', { 'deploy/creds.env': envFile({ 10: KEY_ID }) });
    repo.commit('Carol', '2025-03-03T10:00:00Z', { 'deploy/creds.env': envFile({ 10: KEY_ID, 13: SECRET_KEY }) });
    const head = repo.commit('Dan', '2025-03-04T10:00:00Z', { 'deploy/creds.env': null });
    const { commits, result } = await prCheck(repo, base, head);
    expect(commits).toHaveLength(2);
    const secrets = secretsOf(result);
    expect(secrets).toHaveLength(1);
    expect(secrets[0]).toMatchObject({ presentAtHead: false, commit: { sha: first } });
    expect(secrets[0].message).toContain(`added in commit ${first.slice(0, 7)}`);
  });

  it("a commit that saw only the secret key (3 lines of context, as the commits API's patches): joined with the pair at the net result and at the head", async () => {
    const repo = newRepo();
    const base = repo.commit('Alice', '2025-03-01T10:00:00Z', { 'deploy/creds.env': envFile({ 10: KEY_ID }) });
    const head = repo.commit('Bob', '2025-03-02T10:00:00Z', { 'deploy/creds.env': envFile({ 10: KEY_ID, 15: SECRET_KEY }) });
    // The commit as the App's API fallback reads it (src/github/pr-commits.ts): the commits API's
    // `patch`, the hunks of git's default diff, 3 lines of context.
    const diff = repo.git('diff', '--no-color', '--no-renames', base, head);
    const view = readPatch(diff.slice(diff.indexOf('@@')));
    const alone = scanSecrets({ path: 'deploy/creds.env', content: view.sparseContent, addedLines: view.addedLines }, settings).map((f) => ({ ...f, commit: { sha: head, author: 'Bob', date: '2025-03-02T10:00:00Z' } }));
    expect(alone.map((f) => [f.rule, f.line])).toEqual([['secret/aws-secret-access-key', 15]]);

    // Still at the head, in the pair it makes there.
    const atHead = await secretsAtHead(repo.dir, head, alone, settings, base);
    expect(headFindingOf(atHead, alone[0])).toMatchObject({ rule: 'secret/aws-access-key-pair', line: 10 });

    // Joined with the net change's pair: one finding, with the commit.
    const { result: net } = await scanDirectory(repo.dir, { settings, diff: base });
    const merged = secretsOf(mergeCommitSecrets(net, alone, { scope: 'pull request' }));
    expect(merged).toHaveLength(1);
    expect(merged[0]).toMatchObject({ rule: 'secret/aws-access-key-pair', presentAtHead: true, commit: { sha: head } });
  });

  it('a pair a commit added, whose halves a later commit moved apart: still at the head, as its two halves, each named with that commit', async () => {
    const repo = newRepo();
    const base = repo.commit('Alice', '2025-03-01T10:00:00Z', { 'deploy/creds.env': envFile({}) });
    const added = repo.commit('Bob', '2025-03-02T10:00:00Z', { 'deploy/creds.env': envFile({ 10: KEY_ID, 13: SECRET_KEY }) });
    const head = repo.commit('Carol', '2025-03-03T10:00:00Z', { 'deploy/creds.env': envFile({ 10: KEY_ID, 28: SECRET_KEY }) });
    const { commits, result } = await prCheck(repo, base, head);
    // The move adds the secret key's line again: the second commit holds it alone.
    expect(commits.map((f) => [f.rule, f.commit?.sha])).toEqual([
      ['secret/aws-access-key-pair', added],
      ['secret/aws-secret-access-key', head],
    ]);
    // The App reads where each commit secret is at the head from git: the pair is found by a half.
    const atHead = await secretsAtHead(repo.dir, head, commits, settings, base);
    expect(headFindingOf(atHead, commits[0])).toMatchObject({ rule: 'secret/aws-access-key-id', line: 10 });
    const secrets = secretsOf(result);
    expect(secrets.map((f) => [f.rule, f.line, f.presentAtHead, f.commit?.sha])).toEqual([
      ['secret/aws-access-key-id', 10, true, added],
      ['secret/aws-secret-access-key', 28, true, added],
    ]);
  });

  it('a key id and a secret key too far apart to pair stay two secrets', async () => {
    const repo = newRepo();
    const base = repo.commit('Alice', '2025-03-01T10:00:00Z', { 'deploy/creds.env': envFile({ 10: KEY_ID }) });
    const added = repo.commit('Bob', '2025-03-02T10:00:00Z', { 'deploy/creds.env': envFile({ 10: KEY_ID, 25: SECRET_KEY }) });
    const head = repo.commit('Bob', '2025-03-03T10:00:00Z', { 'deploy/creds.env': envFile({ 10: KEY_ID }) });
    const { result } = await prCheck(repo, base, head);
    // The secret key was added and taken out; the key id was never part of the pull request.
    const secrets = secretsOf(result);
    expect(secrets.map((f) => [f.rule, f.presentAtHead, f.commit?.sha])).toEqual([['secret/aws-secret-access-key', false, added]]);
  });
});

describe('a pair and its halves across a history (scan --history, the Action and the App with history: on)', () => {
  it('a key id committed alone and joined later by its secret key: present at HEAD, and one finding with the tree, named with the older commit', async () => {
    const repo = newRepo();
    const first = repo.commit('Alice', '2025-03-01T10:00:00Z', { 'deploy/creds.env': envFile({ 10: KEY_ID }) });
    const second = repo.commit('Bob', '2025-03-02T10:00:00Z', { 'deploy/creds.env': envFile({ 10: KEY_ID, 13: SECRET_KEY }) });
    const { result: history } = await scanHistory(repo.dir, { settings });
    // Each version's own findings: the key id alone, then the pair; the key id is still at HEAD, in the pair.
    expect(secretsOf(history).map((f) => [f.rule, f.commit?.sha, f.presentAtHead])).toEqual([
      ['secret/aws-access-key-id', first, true],
      ['secret/aws-access-key-pair', second, true],
    ]);
    const { result: tree } = await scanDirectory(repo.dir, { settings });
    const merged = secretsOf(mergeHistory(tree, history));
    expect(merged.map((f) => [f.rule, f.line, f.commit?.sha, f.presentAtHead])).toEqual([['secret/aws-access-key-pair', 10, first, true]]);
  });

  it('a key id and the pair it made, both gone from HEAD: not present, and one finding with the tree, the oldest', async () => {
    const repo = newRepo();
    const first = repo.commit('Alice', '2025-03-01T10:00:00Z', { 'deploy/creds.env': envFile({ 10: KEY_ID }) });
    repo.commit('Bob', '2025-03-02T10:00:00Z', { 'deploy/creds.env': envFile({ 10: KEY_ID, 13: SECRET_KEY }) });
    repo.commit('Carol', '2025-03-03T10:00:00Z', { 'deploy/creds.env': null, 'README.md': '# app\n' });
    const { result: history } = await scanHistory(repo.dir, { settings });
    expect(secretsOf(history).map((f) => f.presentAtHead)).toEqual([false, false]);
    const { result: tree } = await scanDirectory(repo.dir, { settings });
    const merged = secretsOf(mergeHistory(tree, history));
    expect(merged.map((f) => [f.rule, f.commit?.sha, f.presentAtHead])).toEqual([['secret/aws-access-key-id', first, false]]);
  });
});
