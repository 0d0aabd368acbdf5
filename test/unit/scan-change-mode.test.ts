import { describe, expect, it } from 'vitest';
import { samples } from '../../src/core/policy/nhi-rules.js';
import { scanSources, type SourceItem } from '../../src/core/scan.js';
import { defaultSettings } from '../../src/core/types.js';
import { fakeGitHubToken } from '../support/tokens.js';

/**
 * Change modes (`--diff`, `--staged`, src/workspace/scan-dir.ts) stream the whole tree through
 * scanSources and compute the changed identities once every file was read
 * (`resolveChangedIdentities`), instead of keeping every file's text until then; files with no
 * added line skip the secrets engine (docs/performance.md, "Change modes").
 */
describe('scanSources in a change mode', () => {
  const settings = defaultSettings({ mode: 'pr' });
  const files = samples['identity/overprivileged'][0].files;
  const blamed = new Set(['terraform:aws_iam_role/iam/deployer']);

  it('resolves the changed identities once, after the last source, and judges by them', async () => {
    const events: string[] = [];
    async function* sources(): AsyncGenerator<SourceItem> {
      for (const file of files) {
        events.push(`read ${file.path}`);
        yield file;
      }
      events.push('end');
    }
    const resolved = await scanSources(sources(), {
      settings,
      resolveChangedIdentities: async () => {
        events.push('resolve');
        return blamed;
      },
    });
    expect(events).toEqual([...files.map((f) => `read ${f.path}`), 'end', 'resolve']);
    const given = await scanSources(files, { settings, changedIdentities: blamed });
    expect(resolved.findings.map((f) => `${f.rule} ${f.file}:${f.line}`)).toEqual(given.findings.map((f) => `${f.rule} ${f.file}:${f.line}`));
    expect(resolved.findings.filter((f) => f.rule === 'identity/overprivileged').map((f) => `${f.file}:${f.line}`)).toEqual(['iam/attach.tf:3']);
  });

  it('reports a secret on an added line, none in a file without added lines, every one without a change set', async () => {
    const token = fakeGitHubToken(7);
    const content = `const a = 1;\nconst token = '${token}';\n`;
    const secretsOf = async (items: SourceItem[]) => (await scanSources(items, { settings, changedIdentities: new Set() })).findings.filter((f) => f.rule.startsWith('secret/')).map((f) => `${f.file}:${f.line}`);
    expect(await secretsOf([{ path: 'a.js', content, addedLines: new Set() }])).toEqual([]);
    expect(await secretsOf([{ path: 'a.js', content, addedLines: new Set([1]) }])).toEqual([]);
    expect(await secretsOf([{ path: 'a.js', content, addedLines: new Set([2]) }])).toEqual(['a.js:2']);
    expect(await secretsOf([{ path: 'a.js', content, addedLines: new Set() }, { path: 'b.js', content, addedLines: new Set([2]) }, { path: 'c.js', content }])).toEqual(['b.js:2', 'c.js:2']);
    for (const finding of (await scanSources([{ path: 'c.js', content }], { settings })).findings) expect(JSON.stringify(finding)).not.toContain(token);
  });
});
