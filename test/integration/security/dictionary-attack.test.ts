/**
 * The attack from docs/security.md, run offline against every artifact nhi-steward writes: take a
 * dictionary of guesses (the real secrets among them) and check each guess against every hex digest
 * and every salt in the JSON, SARIF and Markdown reports, the baseline, `.nhi-stewardignore`, and
 * everything the App sent to GitHub (issue bodies and markers with their ready-to-paste ignore lines,
 * the dashboard, check runs, the `.nhi-stewardignore` a `/nhi-steward ignore` pull request commits).
 * Nothing may confirm a guess: no unkeyed or unsalted hash of a secret value anywhere. The same
 * attack against the digests earlier releases published does confirm the secrets (so the attacker
 * below is not toothless).
 */
import { createHash, createHmac } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { run } from '../../../src/cli/program.js';
import { allDetectors } from '../../../src/core/secrets/detectors/index.js';
import { legacyFingerprint } from '../../../src/core/secrets/fingerprint.js';
import { startApp, privateKey, retarget, example, type RunningApp } from '../../support/app-harness.js';
import { startGitHubDouble, type GitHubDouble } from '../../support/github-double/index.js';

const WEAK_PASSWORD = 'Summer2024!Acme';
const SHORT_PASSWORD = 'Tr0ub4dor';
const TOKEN = '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';
const SECRETS = [WEAK_PASSWORD, SHORT_PASSWORD, TOKEN];

const FILES: Record<string, string> = {
  'README.md': '# ledger\n',
  'src/config.yml': `db:\n  host: db.internal\n  password: "${WEAK_PASSWORD}"\n`,
  'src/app.js': `const ADMIN_PASSWORD = "${SHORT_PASSWORD}";\nconst gh = "${TOKEN}";\n`,
  'k8s/sa.yaml': 'apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: ledger\n  namespace: ledger\n',
};

/** A small password list with the real secrets in it, as an attacker's list would have. */
const DICTIONARY = [
  ...['password', 'Password1', 'Summer2023!', 'Summer2024!', 'Winter2024!Acme', 'hunter2', 'letmein', 'Tr0ub4dor&3', 'correcthorse'],
  ...Array.from({ length: 40 }, (_, i) => `Acme${2000 + i}!`),
  ...SECRETS,
];

const DETECTOR_IDS = [...new Set(allDetectors.flatMap((d) => [d.id, d.pair?.id].filter((x): x is string => Boolean(x))))];

/** Every way an unkeyed, unsalted digest of a guess could have been written (first 16 hex digits). */
function unkeyedDigests(guess: string): string[] {
  const out: string[] = [];
  const h = (alg: string, text: string) => createHash(alg).update(text).digest('hex');
  for (const alg of ['sha256', 'sha1', 'md5', 'sha512']) out.push(h(alg, guess));
  out.push(createHmac('sha256', '').update(guess).digest('hex'));
  for (const id of DETECTOR_IDS) {
    out.push(legacyFingerprint(id, guess), h('sha256', `${id}:${guess}`), h('sha256', `${id}|${guess}`), h('sha256', `secret/${id}\0${guess}`));
  }
  return out;
}

interface Verdict {
  confirmed: string[];
}

/** Runs the dictionary over every hex run of 16+ digits in `artifacts`. */
function attack(artifacts: Record<string, string>): Verdict {
  const digests = new Map<string, string[]>();
  for (const [name, text] of Object.entries(artifacts)) {
    for (const hex of text.match(/[0-9a-f]{16,}/gi) ?? []) {
      const key = hex.toLowerCase();
      // A digest may be written whole or cut (SARIF's 16-digit line hash): compare every window.
      for (let i = 0; i + 16 <= key.length; i += 16) digests.set(key.slice(i, i + 16), [...(digests.get(key.slice(i, i + 16)) ?? []), name]);
    }
  }
  const confirmed: string[] = [];
  for (const guess of DICTIONARY) {
    for (const digest of unkeyedDigests(guess)) {
      for (let i = 0; i + 16 <= digest.length; i += 16) {
        const where = digests.get(digest.slice(i, i + 16));
        if (where) confirmed.push(`${guess} in ${where.join(', ')}`);
      }
    }
  }
  return { confirmed: [...new Set(confirmed)] };
}

/** Raw values, and the tail of a value under 12 characters, must not appear either. */
function assertNoValues(artifacts: Record<string, string>): void {
  for (const [name, text] of Object.entries(artifacts)) {
    for (const secret of SECRETS) expect(text.includes(secret), `${name} holds a raw secret`).toBe(false);
    expect(text.includes(`…${SHORT_PASSWORD.slice(-2)}`), `${name} shows the tail of a 9-character password`).toBe(false);
  }
}

describe('offline dictionary attack on the CLI artifacts', () => {
  let dir: string;
  const artifacts: Record<string, string> = {};
  const io = { stdout: (t: string) => void (out += t), stderr: () => undefined, color: false };
  let out = '';

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'nhi-dict-'));
    for (const [path, content] of Object.entries(FILES)) {
      mkdirSync(dirname(join(dir, path)), { recursive: true });
      writeFileSync(join(dir, path), content);
    }
    for (const format of ['json', 'sarif', 'markdown', 'text']) {
      out = '';
      await run(['scan', dir, '--format', format, '--fail-on', 'none', '--no-gitignore'], io);
      artifacts[format] = out;
    }
    const json = JSON.parse(artifacts.json);
    const secretFps: string[] = json.findings.filter((f: any) => f.rule.startsWith('secret/')).map((f: any) => f.fingerprint);
    expect(secretFps).toHaveLength(3);
    expect(await run(['baseline', dir, '--no-gitignore'], io)).toBe(0);
    artifacts.baseline = readFileSync(join(dir, '.nhi-steward-baseline.json'), 'utf8');
    rmSync(join(dir, '.nhi-steward-baseline.json'));
    expect(await run(['ignore', ...secretFps, '--dir', dir, '--reason', 'rotated test fixtures', '--no-gitignore'], io)).toBe(0);
    artifacts.ignore = readFileSync(join(dir, '.nhi-stewardignore'), 'utf8');
  }, 60_000);
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('finds the three secrets (so the artifacts are about them)', () => {
    expect(artifacts.sarif).toContain('secret/generic-password');
    expect(artifacts.ignore.match(/^scrypt:/gm)).toHaveLength(3);
  });

  it('confirms no guess from any artifact, and shows no value', () => {
    expect(attack(artifacts).confirmed).toEqual([]);
    assertNoValues(artifacts);
  });

  it('the baseline and the ignore file each have their own salt and a memory-hard cost (>= 2^15 x 8 x 128 bytes)', () => {
    const baseline = JSON.parse(artifacts.baseline);
    expect(baseline.version).toBe(2);
    expect(baseline.kdf.N * baseline.kdf.r * 128).toBeGreaterThanOrEqual(32 * 1024 * 1024);
    const salt = /salt=(\S+)/.exec(artifacts.ignore)![1];
    expect(salt).not.toBe(baseline.kdf.salt);
  });

  it('the scan still honours both: nothing is reported after the secrets were accepted', async () => {
    out = '';
    await run(['scan', dir, '--format', 'json', '--fail-on', 'none', '--no-gitignore'], io);
    expect(JSON.parse(out).findings.filter((f: any) => f.rule.startsWith('secret/'))).toEqual([]);
  });

  it('the attacker is not toothless: it breaks the digests earlier releases published', () => {
    const old = { legacy: JSON.stringify({ version: 1, fingerprints: [{ fingerprint: legacyFingerprint('generic-password', WEAK_PASSWORD) }, { fingerprint: legacyFingerprint('generic-password', SHORT_PASSWORD) }] }) };
    expect(attack(old).confirmed.sort()).toEqual([`${WEAK_PASSWORD} in legacy`, `${SHORT_PASSWORD} in legacy`]);
  });
});

describe('offline dictionary attack on what the App publishes', () => {
  const REPO = 'acme/ledger';
  let double: GitHubDouble;
  let app: RunningApp;
  const saved = process.env.PRIVATE_KEY;

  beforeAll(() => {
    // As in production: Probot and the fingerprint key both come from PRIVATE_KEY.
    process.env.PRIVATE_KEY = privateKey();
  });
  afterAll(() => {
    if (saved === undefined) delete process.env.PRIVATE_KEY;
    else process.env.PRIVATE_KEY = saved;
  });
  afterEach(async () => {
    await app?.close();
    await double?.close();
  });

  it('issue bodies and markers, the dashboard and check runs confirm no guess; an issue opened with an old marker is adopted and rewritten', async () => {
    double = await startGitHubDouble({
      seed: {
        installations: [{ id: 1, account: 'acme', accountType: 'Organization' }],
        repos: [{ repo: REPO, files: FILES, installationId: 1, collaborators: { jdoe: 'write' } }],
      },
    });
    // An issue an earlier release opened for the token, marked with sha256(detector + secret).
    const repo = double.state.repo(REPO);
    double.state.ensureLabel(repo, 'nhi-steward');
    const old = double.state.createIssue(repo, {
      title: 'Embedded secret (github-classic-pat) in src/app.js',
      body: `<!-- nhi-steward:fp=${legacyFingerprint('github-classic-pat', TOKEN)} -->\n### What\nold body`,
      user: 'nhi-steward[bot]',
      labels: ['nhi-steward'],
    });
    app = await startApp(double);
    await app.scheduler.tick();

    // A PR that adds another copy of a secret: its check run is published too.
    const head = double.state.push(REPO, { branch: 'feature', files: { 'src/more.js': `const ADMIN_PASSWORD = "${SHORT_PASSWORD}";\n` }, author: 'jdoe' });
    const pr = double.state.openPull(REPO, { head: 'feature', title: 'More', user: 'jdoe' });
    const payload = retarget(example('pull_request', 'opened'), double, REPO);
    payload.number = pr.number;
    payload.pull_request = { ...payload.pull_request, number: pr.number, head: { ...payload.pull_request.head, sha: head, ref: 'feature', repo: payload.repository }, base: { ...payload.pull_request.base, sha: pr.pull!.baseSha, ref: repo.defaultBranch, repo: payload.repository } };
    expect((await app.deliver('pull_request', payload)).status).toBe(200);

    const issues = [...repo.issues.values()].filter((i) => !i.pull);
    const secretIssues = issues.filter((i) => i.title.startsWith('Embedded secret'));
    expect(secretIssues.map((i) => i.title).sort()).toEqual([
      'Embedded secret (generic-password) in src/app.js',
      'Embedded secret (generic-password) in src/config.yml',
      'Embedded secret (github-classic-pat) in src/app.js',
    ]);
    const adopted = repo.issues.get(old.number)!;
    expect(adopted.state).toBe('open');
    expect(adopted.body).not.toContain(legacyFingerprint('github-classic-pat', TOKEN));
    expect(adopted.body).toContain('`ghp_…hEf4`');
    expect(secretIssues.filter((i) => i.title.includes('github-classic-pat'))).toHaveLength(1);

    // Each secret issue shows the ignore lines to accept it; accept one with the command, so the
    // pull request's `.nhi-stewardignore` is attacked too.
    for (const issue of secretIssues) expect(issue.body).toMatch(/^[0-9a-f]{64} secret\/[a-z0-9-]+ # REASON$/m);
    const target = secretIssues.find((i) => i.title.includes('config.yml'))!;
    const commentId = double.state.nextId();
    repo.comments.set(commentId, { id: commentId, issue: target.number, body: '/nhi-steward ignore "rotated test fixture"', user: 'jdoe', created_at: double.state.now(), updated_at: double.state.now() });
    const command = retarget(example('issue_comment', 'created'), double, REPO);
    command.issue = { ...command.issue, number: target.number, body: target.body, labels: [{ name: 'nhi-steward' }] };
    delete command.issue.pull_request;
    command.comment = { ...command.comment, id: commentId, body: '/nhi-steward ignore "rotated test fixture"', user: { ...command.comment.user, login: 'jdoe', type: 'User' } };
    expect((await app.deliver('issue_comment', command)).status).toBe(200);
    const ignorePr = double.state.pulls(REPO).find((p) => p.pull?.head === `nhi-steward/issue-${target.number}`);
    expect(ignorePr).toBeDefined();
    const ignoreTree = double.requests.find((r) => r.operationId === 'git/create-tree' && JSON.stringify(r.body).includes('.nhi-stewardignore'));
    expect(JSON.stringify(ignoreTree?.body)).toMatch(/[0-9a-f]{64} secret\/generic-password # rotated test fixture/);

    const checkRuns = [...repo.checkRuns.values()];
    expect(checkRuns.length).toBeGreaterThan(0);
    const artifacts: Record<string, string> = {
      requests: double.requests.map((r) => JSON.stringify(r.body ?? '')).join('\n'),
      issues: JSON.stringify(issues.map((i) => [i.title, i.body])),
      checkRuns: JSON.stringify(checkRuns),
      logs: app.logs.join('\n'),
    };
    expect(attack(artifacts).confirmed).toEqual([]);
    assertNoValues(artifacts);
    double.assertNoViolations();
  }, 60_000);
});
