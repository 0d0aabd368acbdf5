/**
 * Injection through names from a scanned repository (docs/security.md, "Injection"): identity ids,
 * file names and owners reach issue titles and bodies, the dashboard, check-run summaries and the
 * owners-file snippet. Mentions must not notify, links and images must not render, and a newline
 * must not add a line to a table or a YAML snippet.
 */
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { ownersSnippet } from '../../../src/core/policy/rules.js';
import { code, markdownText } from '../../../src/core/report/escape.js';
import { renderMarkdownSummary } from '../../../src/core/report/markdown.js';
import { scanSources } from '../../../src/core/scan.js';
import { defaultSettings, type Finding, type ScanResult } from '../../../src/core/types.js';
import { dashboardIssue } from '../../../src/github/dashboard.js';
import { desiredIssues } from '../../../src/github/issue-content.js';
import { entry } from '../report/sample-result.js';

const EVIL_ID = 'kubernetes:ServiceAccount/ns/x @acme/everyone ![i](https://evil.example/p.png) [click](https://evil.example) <img src=x> `|` -->';
const EVIL_FILE = 'k8s/a.yaml\n  - match: "**"\n    owner: "@attacker"\n#';

/** Markdown with code spans removed: what GitHub renders as text, links and mentions. */
function outsideCode(md: string): string {
  return md.replace(/(`+)[\s\S]*?\1/g, '');
}

function assertInert(md: string, allowedMentions: string[] = []): void {
  const text = outsideCode(md).replace(/<!--[\s\S]*?-->/g, '');
  const mentions = (text.match(/(?<![\w\u200b])@[A-Za-z0-9][\w/-]*/g) ?? []).filter((m) => !allowedMentions.includes(m));
  expect(mentions, md).toEqual([]);
  // Link and image syntax only counts when its brackets are not backslash-escaped.
  expect(text).not.toMatch(/(?<!\\)!(?<!\\)\[[^\]]*(?<!\\)\]\(/);
  expect(text).not.toMatch(/(?<!\\)\]\(https:\/\/evil/);
  expect(text).not.toContain('<img');
}

describe('one escaping function', () => {
  it.each(['plain', 'a`b', '``x``', '`start', 'end`', ' spaced ', 'a\nb', 'tab\there'])('code(%j) is one code span that shows the value', (value) => {
    const span = code(value);
    const fence = /^`+/.exec(span)![0];
    expect(span.endsWith(fence)).toBe(true);
    const inner = span.slice(fence.length, span.length - fence.length);
    // No backtick run inside is as long as the fence, so the span cannot end early.
    expect(Math.max(0, ...(inner.match(/`+/g) ?? []).map((r) => r.length))).toBeLessThan(fence.length);
    expect(span).not.toContain('\n');
  });

  it('markdownText leaves no live syntax', () => {
    assertInert(markdownText('hi @acme/all ![x](https://evil.example/a.png) [y](https://evil.example) <img src=x>'));
  });
});

describe('names from the repository reach GitHub inert', () => {
  const links = { htmlUrl: 'https://github.com/acme/payments', sha: 'a'.repeat(40) };
  const finding: Finding = {
    rule: 'credential/no-rotation',
    level: 'warning',
    file: EVIL_FILE,
    line: 3,
    column: 1,
    message: `${EVIL_ID} has no rotation policy`,
    fingerprint: 'f'.repeat(64),
    identityId: EVIL_ID,
    owasp: ['NHI7'],
  };
  const inventory = [entry({ id: EVIL_ID, file: EVIL_FILE, owner: '@acme/payments', kind: 'credential', findings: ['credential/no-rotation'] })];
  const result: ScanResult = { findings: [finding], skipped: [], inventory, stats: { files: 1, bytes: 1, skipped: 0, durationMs: 1, detectors: 1, identities: 1 } };

  it('issue title and body: no mention, link, image or HTML from the names; no forged marker', () => {
    const [issue] = desiredIssues(result, links, defaultSettings());
    expect(issue.title).not.toContain('\n');
    assertInert(issue.body, ['@acme/payments']);
    // The id is not plain: no id marker, so no command can act on it.
    expect(issue.body).not.toContain('nhi-steward:id=');
    expect(issue.body.match(/-->/g)).toHaveLength(1); // the fingerprint marker's own
  });

  it('dashboard: one table row per NHI, whatever the names hold', () => {
    const dashboard = dashboardIssue({ inventory, gapIssues: new Map(), gapsByIdentity: new Map(), sha: 'a'.repeat(40), labels: ['nhi-steward'] });
    const rows = dashboard.body.split('\n').filter((l) => l.startsWith('| `') || l.startsWith('| ``'));
    expect(rows).toHaveLength(1);
    expect(rows[0].replace(/\\\|/g, '').split('|')).toHaveLength(9); // 7 cells + the two outer bars
    assertInert(dashboard.body.split('```mermaid')[0]);
  });

  it("dashboard: what the scan did not scan, listed inert and bounded; binary and oversized files counted", () => {
    const odd = Array.from({ length: 23 }, (_, i) => ({ path: `x\`y${i} @acme/payments [a](https://evil.example)`, reason: 'unreadable' as const, detail: 'left out of the tarball, and its blob could not be fetched: <b>500</b>' }));
    const routine = [
      { path: 'logo.png', reason: 'binary' as const, detail: 'NUL byte in the first 8 KiB' },
      { path: 'big.json', reason: 'too-large' as const, detail: '9 bytes exceeds max-file-size 1' },
    ];
    const dashboard = dashboardIssue({ inventory, gapIssues: new Map(), gapsByIdentity: new Map(), sha: 'a'.repeat(40), labels: ['nhi-steward'], skipped: [...routine, ...odd] });
    const section = dashboard.body.split('### Not scanned')[1].split('### Identities')[0];
    expect(section.split('\n').filter((l) => l.startsWith('- `'))).toHaveLength(20);
    expect(section).toContain('- _3 more_');
    expect(section).toContain('2 binary or oversized files skipped.');
    expect(section).not.toContain('logo.png');
    assertInert(section, []);
    expect(dashboardIssue({ inventory, gapIssues: new Map(), gapsByIdentity: new Map(), sha: 'a'.repeat(40), labels: [], skipped: [] }).body).not.toContain('Not scanned');
    // A file over max-file-size read in pieces was scanned for secrets: not "not scanned".
    const pieces = { path: 'db/dump.sql', reason: 'too-large' as const, detail: '9 bytes exceeds max-file-size 1: scanned for secrets in pieces, not parsed for identities' };
    expect(dashboardIssue({ inventory, gapIssues: new Map(), gapsByIdentity: new Map(), sha: 'a'.repeat(40), labels: [], skipped: [pieces] }).body).not.toContain('Not scanned');
    const both = dashboardIssue({ inventory, gapIssues: new Map(), gapsByIdentity: new Map(), sha: 'a'.repeat(40), labels: [], skipped: [pieces, ...routine] }).body;
    expect(both).toContain('2 binary or oversized files skipped.');
  });

  it('check-run summary: inert and one row per finding', () => {
    const md = renderMarkdownSummary(result);
    assertInert(md);
    expect(md.split('\n').filter((l) => l.includes('has no rotation') || l.startsWith('| warning'))).toHaveLength(1);
  });

  it('owners snippet: a newline in a file name cannot add YAML lines', () => {
    const snippet = ownersSnippet({ id: 'kubernetes:ServiceAccount/ns/x', kind: 'identity', platform: 'kubernetes', type: 'ServiceAccount', name: 'x', file: EVIL_FILE, line: 1, attributes: {}, usedBy: [] });
    const parsed = parse(`identities:\n${snippet}`);
    expect(parsed.identities).toEqual([{ match: 'kubernetes:ServiceAccount/ns/x', owner: '@TODO' }]);
  });

  it('the scan reads files whose names hold control characters, and refuses such identity names', async () => {
    const token = ['ghp', 'R8vJm2KqL9xTn4WbZ5cYd7Hs3Fg6Ea1Pi0Uo'].join('_');
    const scanned = await scanSources(
      [
        { path: 'k8s/evil\nname.yaml', content: `apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: ok\n  namespace: ns\n  annotations:\n    token: ${token}\n` },
        { path: 'k8s/sa.yaml', content: 'apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: "bad\\nname"\n  namespace: ns\n' },
      ],
      { settings: defaultSettings() },
    );
    // A skip would let a change hide a secret behind one control character (a skip fails no check).
    expect(scanned.skipped).toEqual([]);
    expect(scanned.findings.filter((f) => f.rule.startsWith('secret/')).map((f) => [f.file, f.line])).toEqual([['k8s/evil\nname.yaml', 7]]);
    expect(scanned.inventory.map((e) => [e.id, e.file])).toEqual([['kubernetes:ServiceAccount/ns/ok', 'k8s/evil\nname.yaml']]);
    expect(scanned.findings.some((f) => f.rule === 'parse/error' && f.message.includes('control characters'))).toBe(true);
    // Every Markdown surface shows the name escaped, on one line.
    const md = renderMarkdownSummary(scanned);
    expect(md).toContain('evil\\nname.yaml');
    expect(md).not.toContain('evil\nname');
  });
});
