import { describe, expect, it } from 'vitest';
import { samples } from '../../../src/core/policy/nhi-rules.js';
import { ruleHelp } from '../../../src/core/report/rule-help.js';
import { scanSources } from '../../../src/core/scan.js';
import { defaultSettings, type ScanSettings } from '../../../src/core/types.js';

const scan = (files: Array<{ path: string; content: string }>, settings: Partial<ScanSettings> = {}) => scanSources(files, { settings: defaultSettings({ now: new Date('2026-06-15T00:00:00Z'), ...settings }) });
const cases = Object.entries(samples).flatMap(([rule, list]) => list.map((sample) => ({ rule, ...sample })));

describe('OWASP NHI rules: each fires on its bad samples and on none of its least-privilege controls (whole pipeline)', () => {
  it.each(cases)('$rule: $name', async ({ rule, files, expect: expected }) => {
    const result = await scan(files);
    const hits = result.findings.filter((f) => f.rule === rule);
    expect(hits.map((f) => `${f.file}:${f.line}`).sort()).toEqual([...expected].sort());
    for (const hit of hits) {
      expect(hit.owasp?.length).toBeGreaterThan(0);
      expect(hit.message).toMatch(/: /); // what, then the fix
    }
  });
});

describe('rule reference', () => {
  it.each(Object.keys(samples))('%s has a title, help with a fix, and OWASP ids', (rule) => {
    const help = ruleHelp(rule);
    expect(help.title).not.toBe(rule);
    expect(help.help).toContain('**Fix:**');
    expect(help.owasp.length).toBeGreaterThan(0);
  });
});

describe('config: rules can be switched off or re-levelled', () => {
  const bad = samples['identity/overprivileged'][0].files;

  it('default level warning, re-levelled to error, switched off', async () => {
    expect((await scan(bad)).findings.filter((f) => f.rule === 'identity/overprivileged').map((f) => f.level)).toEqual(['warning']);
    expect((await scan(bad, { rules: { 'identity/overprivileged': 'error' } })).findings.filter((f) => f.rule === 'identity/overprivileged').map((f) => f.level)).toEqual(['error']);
    expect((await scan(bad, { rules: { 'identity/overprivileged': 'off' } })).findings.filter((f) => f.rule === 'identity/overprivileged')).toEqual([]);
  });

  it('the inventory still lists the gap only when the rule is on', async () => {
    const off = await scan(bad, { rules: { 'identity/overprivileged': 'off' } });
    expect(off.inventory.flatMap((e) => e.findings)).not.toContain('identity/overprivileged');
  });
});

describe('PR mode: judged only for what the PR adds or changes', () => {
  it('an unchanged over-privileged role is not blamed; a changed one is', async () => {
    const files = samples['identity/overprivileged'][0].files;
    const unchanged = await scanSources(files, { settings: defaultSettings({ mode: 'pr' }), changedIdentities: new Set() });
    expect(unchanged.findings.filter((f) => f.rule === 'identity/overprivileged')).toEqual([]);
    const changed = await scanSources(files, { settings: defaultSettings({ mode: 'pr' }), changedIdentities: new Set(['terraform:aws_iam_role/iam/deployer']) });
    expect(changed.findings.filter((f) => f.rule === 'identity/overprivileged').map((f) => `${f.file}:${f.line}`)).toEqual(['iam/attach.tf:3']);
  });

  it('a dangling reference is blamed only on a line the PR adds', async () => {
    const files = samples['identity/dangling-reference'][0].files;
    const untouched = await scanSources(files.map((f) => ({ ...f, addedLines: new Set<number>() })), { settings: defaultSettings({ mode: 'pr' }), changedIdentities: new Set() });
    expect(untouched.findings.filter((f) => f.rule === 'identity/dangling-reference')).toEqual([]);
    const typo = await scanSources(files.map((f) => ({ ...f, addedLines: new Set(f.path === 'k8s/deploy.yaml' ? [7] : []) })), { settings: defaultSettings({ mode: 'pr' }), changedIdentities: new Set() });
    const [finding] = typo.findings.filter((f) => f.rule === 'identity/dangling-reference');
    expect(finding.message).toBe('kubernetes:Deployment/shop/cart names kubernetes:ServiceAccount/shop/cartservice-v2 (serviceAccountName), which no file declares; did you mean kubernetes:ServiceAccount/shop/cartservice?: fix the name, or declare it in the repository so it has an owner');
  });
});

describe('config file: rules', () => {
  it('reads levels and off; a bad level is an error with its line', async () => {
    const { parseConfig } = await import('../../../src/core/policy/config.js');
    const ok = parseConfig('rules:\n  identity/overprivileged: error\n  credential/long-lived-key: off\n', '.github/nhi-steward.yml');
    expect(ok.errors).toEqual([]);
    expect(ok.settings.rules).toEqual({ 'identity/overprivileged': 'error', 'credential/long-lived-key': 'off' });
    const bad = parseConfig('rules:\n  identity/overprivileged: loud\n', '.github/nhi-steward.yml');
    expect(bad.errors.map((e) => e.line)).toEqual([2]);
  });
});
