import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../support/cli/run-cli.js';
import { runInProcess } from '../support/cli/run-in-process.js';

interface Planted {
  id: string;
  file: string;
  line: number;
  /** Where the finding is reported when not on `line` (the first half of a paired credential). */
  findingLine?: number;
  secret: string;
  description: string;
}

const DEMO = 'fixtures/demo-repo';
const planted: Planted[] = JSON.parse(readFileSync('fixtures/demo-repo.secrets.json', 'utf8')).secrets;

/**
 * What must never appear in any output: each whole secret, and for multi-line ones (PEM blocks,
 * JSON-escaped keys) each line long enough to be a usable fragment.
 */
const probes = planted.flatMap((p) => [p.secret, ...p.secret.split(/\n|\\n/).filter((part) => part.length >= 16 && !/^-----/.test(part))].map((probe) => ({ id: p.id, probe })));

describe('no planted secret leaves unredacted, and every planted secret is found', () => {
  const outputs = new Map<string, string>();
  let tmp: string;

  beforeAll(async () => {
    tmp = mkdtempSync(join(tmpdir(), 'nhi-leak-'));
    // First in a child with a deadline: a regex driven into catastrophic backtracking by the demo
    // files would block this process for good, so it must fail here, not hang the suite.
    const guard = await runCli(['scan', DEMO, '--fail-on', 'none', '-f', 'json'], { timeoutMs: 60_000 });
    if (guard.code !== 0) throw new Error(`scanning ${DEMO} failed (exit ${guard.code}${guard.code === 124 ? ': no result within 60 s, catastrophic backtracking?' : ''}): ${guard.stderr}`);
    const commands: [string, string[]][] = [
      ['scan text', ['scan', DEMO, '--fail-on', 'none']],
      ['scan json', ['scan', DEMO, '--fail-on', 'none', '-f', 'json']],
      ['scan sarif', ['scan', DEMO, '--fail-on', 'none', '-f', 'sarif']],
      ['scan markdown', ['scan', DEMO, '--fail-on', 'none', '-f', 'markdown']],
      ['inventory json', ['inventory', DEMO, '-f', 'json']],
      ['inventory markdown', ['inventory', DEMO, '-f', 'markdown']],
      ['inventory csv', ['inventory', DEMO, '-f', 'csv']],
      ['owners init', ['owners', 'init', DEMO, '--output', '-']],
    ];
    for (const [name, args] of commands) {
      const run = await runInProcess(args);
      expect(run.code, `${name}: ${run.stderr}`).toBe(0);
      outputs.set(name, run.stdout + run.stderr);
    }
    const baselineFile = join(tmp, 'baseline.json');
    await runInProcess(['baseline', DEMO, '--output', baselineFile]);
    outputs.set('baseline file', readFileSync(baselineFile, 'utf8'));
    // The published entry point as users and `npm run demo` run it, with colors forced on.
    const child = await runCli(['scan', DEMO, '--fail-on', 'none'], { env: { FORCE_COLOR: '1', NO_COLOR: '' } });
    expect(child.code).toBe(0);
    outputs.set('child text (colors)', child.stdout + child.stderr);
  }, 180_000);
  afterAll(() => rmSync(tmp, { recursive: true, force: true }));

  it('the planted list is sane (each secret is really in its file, at its line)', () => {
    expect(planted.length).toBeGreaterThanOrEqual(12);
    for (const p of planted) {
      const lines = readFileSync(join(DEMO, p.file), 'utf8').split('\n');
      const first = p.secret.split(/\n|\\n/)[0];
      expect(lines[p.line - 1], `${p.id} at ${p.file}:${p.line}`).toContain(first);
    }
  });

  it('no output in any format contains a raw planted secret', () => {
    expect(outputs.size).toBe(10);
    const leaks: string[] = [];
    for (const [name, text] of outputs) for (const { id, probe } of probes) if (text.includes(probe)) leaks.push(`${name} leaks ${id}`);
    expect(leaks).toEqual([]);
  });

  it('each planted secret is reported at its file and line', () => {
    const found = JSON.parse(outputs.get('scan json') ?? '{}').findings as { rule: string; file: string; line: number }[];
    const at = new Set(found.filter((f) => f.rule.startsWith('secret/')).map((f) => `${f.file}:${f.line}`));
    const missed = planted.filter((p) => !at.has(`${p.file}:${p.findingLine ?? p.line}`)).map((p) => `${p.id} (${p.file}:${p.findingLine ?? p.line})`);
    expect(missed).toEqual([]);
  });
});
