import { describe, expect, it } from 'vitest';
import { CommitSecrets, mergeCommitSecrets, mergeHistory } from '../../src/core/commits.js';
import { defaultSettings, type Finding, type ScanResult } from '../../src/core/types.js';
import { fakeGithubToken } from '../support/cli/run-cli.js';

const TOKEN = fakeGithubToken(301);
const OTHER = fakeGithubToken(302);
const alice = { sha: 'a'.repeat(40), author: 'Alice', date: '2024-01-01T00:00:00Z' };
const bob = { sha: 'b'.repeat(40), author: 'Bob', date: '2024-01-02T00:00:00Z' };

const result = (findings: Finding[]): ScanResult => ({ findings, skipped: [], inventory: [], stats: { files: 0, bytes: 0, skipped: 0, durationMs: 0, detectors: 0, identities: 0 } });

describe('CommitSecrets', () => {
  it('keeps each secret once, with the first commit that added it, and judges only added lines', () => {
    const secrets = new CommitSecrets(defaultSettings());
    secrets.startCommit();
    secrets.addFile(alice, { path: 'a.ts', content: `const t = '${TOKEN}';\nconst u = '${OTHER}';\n`, addedLines: new Set([1]) });
    secrets.startCommit();
    secrets.addFile(bob, { path: 'b.ts', content: `const t = '${TOKEN}';\nconst u = '${OTHER}';\n`, addedLines: new Set([1, 2]) });
    const found = secrets.findings();
    expect(secrets.commits).toBe(2);
    expect(found.map((f) => [f.file, f.line, f.commit?.author])).toEqual([
      ['a.ts', 1, 'Alice'],
      ['b.ts', 2, 'Bob'],
    ]);
  });

  it('honours paths-ignore, allow markers and the baseline', () => {
    const first = new CommitSecrets(defaultSettings());
    first.addFile(alice, { path: 'a.ts', content: `const t = '${TOKEN}';\n`, addedLines: new Set([1]) });
    const fingerprint = first.findings()[0].fingerprint;
    const secrets = new CommitSecrets(defaultSettings({ pathsIgnore: ['vendor/**'], baseline: new Set([fingerprint]) }));
    secrets.addFile(alice, { path: 'vendor/x.ts', content: `const u = '${OTHER}';\n`, addedLines: new Set([1]) });
    secrets.addFile(alice, { path: 'b.ts', content: `const u = '${OTHER}'; // nhi-steward:allow\n`, addedLines: new Set([1]) });
    secrets.addFile(alice, { path: 'c.ts', content: `const t = '${TOKEN}';\n`, addedLines: new Set([1]) });
    expect(secrets.findings()).toEqual([]);
  });
});

describe('mergeCommitSecrets', () => {
  const scan = () => {
    const secrets = new CommitSecrets(defaultSettings());
    secrets.addFile(alice, { path: 'a.ts', content: `const t = '${TOKEN}';\n`, addedLines: new Set([1]) });
    secrets.addFile(bob, { path: 'b.ts', content: `const u = '${OTHER}';\n`, addedLines: new Set([1]) });
    return secrets.findings();
  };

  it('a secret still in the net change gains its commit; one removed since is added, naming the commit and saying rotate', () => {
    const [inNet] = scan();
    const net = result([{ ...inNet, commit: undefined }]);
    const merged = mergeCommitSecrets(net, scan(), { scope: 'pull request', commitUrl: (sha) => `https://example.test/commit/${sha}` });
    expect(merged.findings.map((f) => [f.file, f.presentAtHead, f.commit?.author])).toEqual([
      ['a.ts', true, 'Alice'],
      ['b.ts', false, 'Bob'],
    ]);
    expect(merged.findings[0].message).toBe(inNet.message);
    expect(merged.findings[1].message).toContain(`added in commit bbbbbbb (https://example.test/commit/${bob.sha}) by Bob and removed later in this pull request`);
    expect(merged.findings[1].message).toContain('rotate the credential');
    expect(JSON.stringify(merged)).not.toContain(TOKEN);
    expect(JSON.stringify(merged)).not.toContain(OTHER);
  });

  it('findings of one credential (halves joined by a pair) are reported once: the oldest, at the severest level among them', () => {
    const carol = { sha: 'c'.repeat(40), author: 'Carol', date: '2024-01-03T00:00:00Z' };
    const secret = (rule: string, level: Finding['level'], commit: typeof alice, contentId: string, partIds?: string[]): Finding => ({ rule, level, file: 'deploy/creds.env', line: 10, column: 1, fingerprint: `fp-${contentId}`, contentId, message: rule, commit, ...(partIds ? { partIds } : {}) });
    // A key id (Alice) and a secret key (Bob) added apart, then brought together as a pair (Carol): one credential, all removed.
    const commits = [secret('secret/key-id', 'warning', alice, 'A'), secret('secret/secret-key', 'warning', bob, 'B'), secret('secret/key-pair', 'error', carol, 'P', ['A', 'B']), secret('secret/other', 'notice', bob, 'O')];
    const merged = mergeCommitSecrets(result([]), commits, { scope: 'pull request' });
    expect(merged.findings.map((f) => [f.rule, f.level, f.commit?.author, f.presentAtHead])).toEqual([
      ['secret/key-id', 'error', 'Alice', false],
      ['secret/other', 'notice', 'Bob', false],
    ]);
    expect(merged.findings[0].message).toContain('added in commit aaaaaaa by Alice');
    // The pair still in the net change takes the oldest commit of the three, and none is reported apart.
    const kept = mergeCommitSecrets(result([{ ...commits[2], commit: undefined }]), commits, { scope: 'pull request' });
    expect(kept.findings.map((f) => [f.rule, f.commit?.author, f.presentAtHead])).toEqual([
      ['secret/key-pair', 'Alice', true],
      ['secret/other', 'Bob', false],
    ]);
  });

  it('no commit findings: the net result is returned unchanged', () => {
    const net = result([]);
    expect(mergeCommitSecrets(net, [], { scope: 'push' })).toBe(net);
  });
});

describe('mergeHistory', () => {
  it('a tree finding gains the history commit; history-only findings are added; skips are joined', () => {
    const [a, b] = (() => {
      const s = new CommitSecrets(defaultSettings());
      s.addFile(alice, { path: 'a.ts', content: `const t = '${TOKEN}';\n`, addedLines: new Set([1]) });
      s.addFile(bob, { path: 'b.ts', content: `const u = '${OTHER}';\n`, addedLines: new Set([1]) });
      return s.findings();
    })();
    const tree = { ...result([{ ...a, commit: undefined }]), skipped: [{ path: 'x.png', reason: 'binary' as const, detail: 'NUL' }] };
    const history = { ...result([a, { ...b, presentAtHead: false }]), skipped: [{ path: 'y.bin', reason: 'binary' as const, detail: 'NUL' }] };
    const merged = mergeHistory(tree, history);
    expect(merged.findings.map((f) => [f.file, f.commit?.author, f.presentAtHead])).toEqual([
      ['a.ts', 'Alice', true],
      ['b.ts', 'Bob', false],
    ]);
    expect(merged.skipped.map((s) => s.path)).toEqual(['x.png', 'y.bin']);
  });
});
