/**
 * The commit-by-commit scan of a pull request or push reads each changed file whole, as its
 * commit left it, and judges only the lines the commit added (src/workspace/commits.ts,
 * `scanCommitRange`): what a detector needs around an added line is there however far away it is.
 * A Kubernetes Secret's values are secrets because of the `kind: Secret` at the top of the
 * manifest; git's patch of a value added at the bottom shows a few lines around it. Until
 * 2026-12-08 such a value, added in one commit and taken out in the next, was not reported, or
 * was named by another detector than the net change's (a `password:` key), and then reported
 * twice: once present, once "removed later". Files over WHOLE_FILE_BYTES are still scanned from
 * their patches (real git repositories, the real engine).
 */
import { describe, expect, it } from 'vitest';
import { mergeCommitSecrets } from '../../src/core/commits.js';
import { allDetectors } from '../../src/core/secrets/detectors/index.js';
import { defaultSettings, type ScanResult } from '../../src/core/types.js';
import { scanCommitRange, WHOLE_FILE_BYTES } from '../../src/workspace/commits.js';
import { scanDirectory } from '../../src/workspace/scan-dir.js';
import { fakeGithubToken } from '../support/cli/run-cli.js';
import { tempRepo } from '../support/temp-repo.js';

const settings = defaultSettings();
const VALUE = 'Wm04cUx4MnZSN2tU'; // base64, as a Secret's `data` holds its values
const TOKEN = fakeGithubToken(711);

/** A Secret manifest with `extra` entries under `data:`, the last ones far below `kind: Secret`. */
function manifest(extra: string[] = []): string {
  const entries = Array.from({ length: 12 }, (_, i) => `  setting-${i}: ${Buffer.from(`value number ${i}`).toString('base64')}`);
  return ['apiVersion: v1', 'kind: Secret', 'metadata:', '  name: billing-db', '  namespace: payments', 'type: Opaque', 'data:', ...entries, ...extra].join('\n') + '\n';
}

const newRepo = () => tempRepo('nhi-commit-whole-');
const secretsOf = (result: ScanResult) => result.findings.filter((f) => f.rule.startsWith('secret/'));

describe('the commit-by-commit scan reads changed files whole', () => {
  it("a Kubernetes Secret value added far below `kind: Secret` and taken out in the next commit is reported, naming the commit", async () => {
    const repo = newRepo();
    const base = repo.commit('Alice', '2025-04-01T10:00:00Z', { 'deploy/secret.yaml': manifest() });
    const added = repo.commit('Bob', '2025-04-02T10:00:00Z', { 'deploy/secret.yaml': manifest([`  signing-salt: ${VALUE}`]) });
    const head = repo.commit('Bob', '2025-04-03T10:00:00Z', { 'deploy/secret.yaml': manifest() });
    const found = (await scanCommitRange(repo.dir, { base, head }, settings)).findings();
    expect(found.map((f) => [f.rule, f.file, f.line, f.commit?.sha])).toEqual([['secret/kubernetes-secret-data', 'deploy/secret.yaml', 20, added]]);
    const { result: net } = await scanDirectory(repo.dir, { settings, diff: base });
    const merged = secretsOf(mergeCommitSecrets(net, found, { scope: 'pull request' }));
    expect(merged).toHaveLength(1);
    expect(merged[0].message).toContain(`added in commit ${added.slice(0, 7)}`);
    expect(JSON.stringify(merged)).not.toContain(VALUE);
  });

  it('a Secret value under a `password:` key that the pull request keeps: one finding, by the net change\'s detector, with its commit', async () => {
    const repo = newRepo();
    const base = repo.commit('Alice', '2025-04-01T10:00:00Z', { 'deploy/secret.yaml': manifest() });
    const head = repo.commit('Bob', '2025-04-02T10:00:00Z', { 'deploy/secret.yaml': manifest([`  password: ${VALUE}`]) });
    const found = (await scanCommitRange(repo.dir, { base, head }, settings)).findings();
    const { result: net } = await scanDirectory(repo.dir, { settings, diff: base });
    expect(found.map((f) => f.rule)).toEqual(secretsOf(net).map((f) => f.rule));
    const merged = secretsOf(mergeCommitSecrets(net, found, { scope: 'pull request' }));
    expect(merged.map((f) => [f.rule, f.line, f.presentAtHead, f.commit?.sha])).toEqual([['secret/kubernetes-secret-data', 20, true, head]]);
    expect(merged[0].message).not.toContain('removed later');
  });

  it(`a file over WHOLE_FILE_BYTES (${WHOLE_FILE_BYTES / 1024} KiB) is scanned from its patch: a token it adds is found at its line`, async () => {
    const repo = newRepo();
    const bundle = (extra: string) => `${'module.exports.v = [1, 2, 3];\n'.repeat(Math.ceil(WHOLE_FILE_BYTES / 30) + 100)}${extra}`;
    const base = repo.commit('Alice', '2025-04-01T10:00:00Z', { 'dist/index.js': bundle('') });
    const head = repo.commit('Bob', '2025-04-02T10:00:00Z', { 'dist/index.js': bundle(`const token = "${TOKEN}";\n`) });
    const lines = bundle('').split('\n').length;
    const scan = await scanCommitRange(repo.dir, { base, head }, settings);
    expect(scan.findings().map((f) => [f.rule, f.line, f.commit?.sha])).toEqual([['secret/github-classic-pat', lines, head]]);
    expect(scan.summary()).toEqual([]);
  });

  it(`a file over WHOLE_FILE_BYTES: a secret key added 4 lines under a key id is found as the pair, its patch read with 5 lines of context`, async () => {
    const repo = newRepo();
    const sample = (id: string) => allDetectors.find((d) => d.id === id)!.samples.positive[0].text;
    const filler = Array.from({ length: Math.ceil(WHOLE_FILE_BYTES / 15) }, (_, i) => `SETTING_${String(i).padStart(6, '0')}=${i % 10}`); // 17 characters and a line feed
    const env = (tail: string[]) => [...filler, ...tail].join('\n') + '\n';
    const base = repo.commit('Alice', '2025-04-01T10:00:00Z', { 'data/big.env': env([sample('aws-access-key-id'), 'A=1', 'B=2', 'C=3']) });
    const head = repo.commit('Bob', '2025-04-02T10:00:00Z', { 'data/big.env': env([sample('aws-access-key-id'), 'A=1', 'B=2', 'C=3', sample('aws-secret-access-key')]) });
    expect(Buffer.byteLength(env([]))).toBeGreaterThan(WHOLE_FILE_BYTES);
    const scan = await scanCommitRange(repo.dir, { base, head }, settings);
    expect(scan.findings().map((f) => [f.rule, f.line])).toEqual([['secret/aws-access-key-pair', filler.length + 1]]);
  });

  it('one secret in two files of a commit is kept at the first path, though a later file read from its patch answers first', async () => {
    const repo = newRepo();
    const small = defaultSettings({ maxFileSize: 768 });
    const base = repo.commit('Alice', '2025-04-01T10:00:00Z', { 'README.md': '# app\n' });
    // a.env is read whole (its blob answers late); b.env's patch is over max-file-size, read in pieces as it streams.
    const head = repo.commit('Bob', '2025-04-02T10:00:00Z', { 'a.env': `GITHUB_TOKEN=${TOKEN}\n`, 'b.env': `${'PADDING=0123456789\n'.repeat(60)}GITHUB_TOKEN=${TOKEN}\n` });
    const found = (await scanCommitRange(repo.dir, { base, head }, small)).findings();
    expect(found.map((f) => [f.file, f.line])).toEqual([['a.env', 1]]);
  });

  it('a submodule commit in the range is passed over, and the other files of its commit are scanned', async () => {
    const repo = newRepo();
    const base = repo.commit('Alice', '2025-04-01T10:00:00Z', { 'README.md': '# app\n' });
    repo.commit('Bob', '2025-04-02T10:00:00Z', { 'config/app.env': `GITHUB_TOKEN=${TOKEN}\n` });
    // A submodule pointer to a commit of another repository (not in this one), committed by
    // plumbing (`add -A` would drop an entry with no checkout).
    repo.git('update-index', '--add', '--cacheinfo', `160000,${'5'.repeat(40)},vendor/lib`);
    repo.git('commit', '-q', '-m', 'vendor/lib added');
    // And moved to another commit: git names the mode on the `index` line only.
    repo.git('update-index', '--cacheinfo', `160000,${'6'.repeat(40)},vendor/lib`);
    repo.git('commit', '-q', '-m', 'vendor/lib moved');
    const head = repo.git('rev-parse', 'HEAD');
    expect(repo.git('ls-tree', head, 'vendor/lib')).toContain('160000 commit');
    const scan = await scanCommitRange(repo.dir, { base, head }, settings);
    expect(scan.findings().map((f) => [f.file, f.line])).toEqual([['config/app.env', 1]]);
    expect(scan.summary()).toEqual([]);
  });
});
