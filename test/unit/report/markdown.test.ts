import { describe, expect, it } from 'vitest';
import { CHECK_SUMMARY_LIMIT, markdownRenderer, renderMarkdownSummary } from '../../../src/core/report/markdown.js';
import type { Finding } from '../../../src/core/types.js';
import { RAW_SECRET, context, entry, sampleResult, secretFinding } from './sample-result.js';

const headings = (md: string) => md.split('\n').filter((l) => l.startsWith('### '));

describe('markdown summary', () => {
  const result = sampleResult();

  it('has one section per concern, secrets first', () => {
    const md = renderMarkdownSummary(result, { title: 'NHI hygiene' });
    expect(md.startsWith('## NHI hygiene\n\n**5 finding(s):** 1 error, 2 warnings, 1 notice, 1 info.')).toBe(true);
    expect(headings(md)).toEqual([
      '### Secrets (2)',
      '### Non-human identities (2)',
      '### Unowned NHIs (1)',
      '### Credentials without rotation (1)',
      '### Owners-file problems (1)',
      '### Skipped files (1)',
    ]);
    // The detector column shows the catalog title, which the catalog owns; match any title.
    expect(md).toMatch(/\| error \| `services\/api\/config\.ts:12` \| [^|\n]+ \| `ghp_…1234` \|\n/);
    expect(md).toContain('| `terraform:aws_iam_access_key/ci` | credential | `infra/iam.tf:20` | `@acme/devex` | **none** |');
    expect(md).toContain('| `kubernetes:ServiceAccount/payments/billing-worker` | identity | `k8s/billing.yaml:3` | **unowned** |');
  });

  it('gives a ready-to-paste owners snippet for unowned NHIs', () => {
    const md = renderMarkdownSummary(result);
    expect(md).toContain('```yaml\nidentities:\n  - match: "kubernetes:ServiceAccount/payments/billing-worker"\n    owner: "@TODO"\n    rotation: 90d\n```');
  });

  it('lists only new or changed NHIs in PR mode', () => {
    const md = renderMarkdownSummary(result, { changedIdentities: new Set(['terraform:aws_iam_access_key/ci']) });
    expect(headings(md)).toContain('### New or changed NHIs (1)');
    expect(md).not.toContain('| `kubernetes:ServiceAccount/payments/billing-worker` | identity');
  });

  it('links locations when given a link builder', () => {
    const md = renderMarkdownSummary(result, { link: (f, l) => `https://github.com/acme/pay/blob/abc/${f}#L${l}` });
    expect(md).toContain('[`services/api/config.ts:12`](https://github.com/acme/pay/blob/abc/services/api/config.ts#L12)');
  });

  it('escapes table-breaking characters in messages', () => {
    const md = renderMarkdownSummary(result);
    expect(md).toContain('entry matches no NHI \\| check the glob');
    const html = renderMarkdownSummary({ ...result, findings: [{ ...result.findings[2], message: '<img src=x>\nnext' }] });
    expect(html).toContain('&lt;img src=x&gt; next');
  });

  it('truncates at a row boundary within maxLength and says what it left out', () => {
    const many: Finding[] = Array.from({ length: 3000 }, (_, i) => secretFinding({ file: `src/file-${i}.ts`, line: i + 1 }));
    const big = { ...result, findings: many, inventory: Array.from({ length: 500 }, (_, i) => entry({ id: `kubernetes:ServiceAccount/ns/sa-${i}` })) };
    const full = renderMarkdownSummary(big);
    expect(full.length).toBeGreaterThan(CHECK_SUMMARY_LIMIT);
    const md = renderMarkdownSummary(big, { maxLength: CHECK_SUMMARY_LIMIT });
    expect(md.length).toBeLessThanOrEqual(CHECK_SUMMARY_LIMIT);
    const shownRows = md.split('\n').filter((l) => l.startsWith('| error | `src/file-')).length;
    const omitted = Number(/_… (\d+) more row\(s\) not shown/.exec(md)?.[1]);
    // 3000 secret rows + 500 NHI rows + 1 skipped row in all.
    expect(shownRows + omitted).toBe(3501);
    const lastRow = md.split('\n').filter((l) => l.startsWith('|')).at(-1) ?? '';
    expect(lastRow.endsWith('|')).toBe(true);
  });

  it('cuts whole sections too, and handles tiny limits without exceeding them', () => {
    for (const limit of [50, 200, 600, 1200]) {
      const md = renderMarkdownSummary(result, { maxLength: limit });
      expect(md.length).toBeLessThanOrEqual(limit);
    }
    expect(renderMarkdownSummary(result, { maxLength: 600 })).toMatch(/more row\(s\) not shown/);
  });

  it('is the markdown renderer of the registry and never contains the raw secret', () => {
    const md = markdownRenderer.render(result, { ...context, maxLength: 10_000 });
    expect(md).toContain('### Secrets (2)');
    expect(md).toContain('in `demo`');
    expect(md).not.toContain(RAW_SECRET);
  });

  it('says there is nothing to do when clean', () => {
    const md = renderMarkdownSummary({ ...result, findings: [], skipped: [], inventory: [] });
    expect(md).toBe('## nhi-steward report\n\n**No findings.** 12 file(s) scanned · 0 NHI(s) · 0 skipped\n');
  });

  it('a history scan counts unique blobs and the commits walked', () => {
    const md = renderMarkdownSummary({ ...result, findings: [], skipped: [], inventory: [] }, { history: { commits: 340 }, root: 'demo' });
    expect(md).toBe('## nhi-steward report\n\n**No findings.** 12 unique blob(s) of 340 commit(s) scanned in `demo` · 0 skipped\n');
  });
});
