import { cpSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultTreeWorkerCount, scanFileTree } from '../../../src/core/parallel/tree-pool.js';
import { scanSources } from '../../../src/core/scan.js';
import { defaultSettings, type ScanResult, type ScanSettings } from '../../../src/core/types.js';
import { scanDirectory } from '../../../src/workspace/scan-dir.js';
import { walkEntries, walkTree } from '../../../src/workspace/walk.js';
import { body } from '../secrets/engine-fixtures.js';

/**
 * The tree pool (workers that read, decode and scan their own files) must give exactly what the
 * single-thread pipeline gives: same findings in the same order, same skips with their names and
 * reasons, same inventory. The tree is the demo repository (secrets, Kubernetes, Terraform,
 * workflows with a malformed YAML file, an owners file) plus Kustomize/Helm inputs, binary,
 * oversized and unreadable entries, links leaving the root, and enough files to spread.
 */
const DEMO = join(import.meta.dirname, '../../../fixtures/demo-repo');

let root: string;
let outside: string;
const settings: ScanSettings = { ...defaultSettings(), maxFileSize: 64 * 1024 };

beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'nhi-tree-pool-'));
  outside = mkdtempSync(join(tmpdir(), 'nhi-tree-pool-outside-'));
  cpSync(DEMO, root, { recursive: true });
  const write = (path: string, content: string | Buffer) => {
    mkdirSync(join(root, path, '..'), { recursive: true });
    writeFileSync(join(root, path), content);
  };
  // Kustomize and Helm: whole-tree steps that need the text of files a worker read.
  write('deploy/kustomize/base/kustomization.yaml', 'namespace: payments\nresources:\n  - sa.yaml\n');
  write('deploy/kustomize/base/sa.yaml', 'apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: batch-runner\n');
  write('charts/api/Chart.yaml', 'apiVersion: v2\nname: api\nversion: 1.0.0\n');
  write('charts/api/values.yaml', 'serviceAccount:\n  name: api-runner\n');
  write('charts/api/templates/sa.yaml', 'apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: {{ .Values.serviceAccount.name }}\n  namespace: api\n');
  write('.github/CODEOWNERS', '* @acme/platform\n');
  write('broken/manifest.yaml', 'apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: ok\n   bad: [unclosed\n');
  write('assets/logo.bin', Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x00, 0x01, 0x02]));
  write('dumps/huge.sql', 'x'.repeat(settings.maxFileSize + 1));
  writeFileSync(join(outside, 'credentials'), `aws_secret_access_key = ${body(7, 40)}\n`);
  symlinkSync(join(outside, 'credentials'), join(root, 'leak-link'));
  symlinkSync('.', join(root, 'services/self-loop'));
  // Files with nothing to report (a worker sends those as their length only).
  for (let i = 0; i < 250; i++) write(`vendor/lib-${i}.js`, `export const value${i} = ${i};\n`);
  // Enough files, each with a secret, that every thread gets some.
  for (let i = 0; i < 300; i++) {
    write(`svc-${String(i).padStart(3, '0')}/config.env`, `# service ${i}\nDB_PASSWORD="${body(i, 18)}"\n${'const x = 1;\n'.repeat(100)}api_secret: ${body(i + 1000, 32)}\n`);
  }
});

afterAll(() => {
  rmSync(root, { recursive: true, force: true });
  rmSync(outside, { recursive: true, force: true });
});

/** A result without its timing, the one field that differs run to run. */
const comparable = (result: ScanResult) => ({ ...result, stats: { ...result.stats, durationMs: 0 } });

async function singleThread(dir = root): Promise<ScanResult> {
  return scanSources(walkTree(dir, { settings, largeFiles: settings }), { settings, parallel: { workers: 0 } });
}

describe('tree pool: workers read and scan their own files', () => {
  it('gives the single-thread result exactly, with a worker scanning files', async () => {
    const expected = await singleThread();
    const pooled = await scanFileTree(walkEntries(root, { settings }), { settings, workers: 1, largeTreeBytes: 0, scanHere: false });
    expect(pooled.workersStarted).toBe(1);
    expect(pooled.filesFromWorkers).toBeGreaterThan(0);
    expect(comparable(pooled.result)).toEqual(comparable(expected));

    // The tree is what it claims to be: each kind of input shows up in the shared result.
    const rules = new Set(expected.findings.map((f) => f.rule));
    expect(rules).toContain('secret/aws-access-key-pair');
    expect(expected.findings.filter((f) => f.rule === 'secret/generic-password' && f.file.startsWith('svc-')).length).toBeGreaterThanOrEqual(250);
    const parseErrors = expected.findings.filter((f) => f.rule === 'parse/error').map((f) => `${f.file}:${f.line}`);
    expect(parseErrors).toEqual(expect.arrayContaining(['.github/workflows/nightly-reports.yml:21', expect.stringMatching(/^broken\/manifest\.yaml:\d+$/)]));
    expect(expected.inventory.map((r) => r.id)).toEqual(expect.arrayContaining([expect.stringContaining('payments/batch-runner'), expect.stringContaining('api-runner')]));
    const skips = Object.fromEntries(expected.skipped.map((s) => [s.path, s.reason]));
    expect(skips).toMatchObject({ 'assets/logo.bin': 'binary', 'dumps/huge.sql': 'too-large', 'leak-link': 'invalid-path', 'services/self-loop': 'symlink-loop' });
    // A link leaving the root is never read, by any thread.
    expect(JSON.stringify(pooled.result)).not.toContain(body(7, 40));
  });

  it('scans everything in this thread for a small tree, or with no workers', async () => {
    const services = join(root, 'services');
    const small = await scanFileTree(walkEntries(services, { settings }), { settings, workers: 1 });
    expect(small.workersStarted).toBe(0);
    expect(comparable(small.result)).toEqual(comparable(await singleThread(services)));
    expect(small.result.findings.length).toBeGreaterThan(3);
    const none = await scanFileTree(walkEntries(root, { settings }), { settings, workers: 0, largeTreeBytes: 0 });
    expect([none.workersStarted, none.filesFromWorkers]).toEqual([0, 0]);
    expect(comparable(none.result)).toEqual(comparable(await singleThread()));
  });

  it('starts its workers before the first read when the walk lists enough files ahead', async () => {
    const expected = comparable(await singleThread());
    // Bytes alone would never start one here: only the files listed ahead do.
    const early = await scanFileTree(walkEntries(root, { settings }), { settings, workers: 1, largeTreeBytes: Number.POSITIVE_INFINITY, largeTreeFiles: 100, scanHere: false });
    expect(early.workersStarted).toBe(1);
    expect(early.filesFromWorkers).toBeGreaterThan(0);
    expect(comparable(early.result)).toEqual(expected);
    // The tree has fewer files than the threshold: none is started.
    const few = await scanFileTree(walkEntries(root, { settings }), { settings, workers: 1, largeTreeBytes: Number.POSITIVE_INFINITY, largeTreeFiles: 100_000 });
    expect(few.workersStarted).toBe(0);
    expect(comparable(few.result)).toEqual(expected);
  });

  it('scans a batch here when the worker file is missing or the worker dies', async () => {
    const expected = comparable(await singleThread());
    const missing = await scanFileTree(walkEntries(root, { settings }), { settings, workers: 1, largeTreeBytes: 0, workerUrl: new URL('file:///nonexistent/secrets-worker.js') });
    expect(missing.filesFromWorkers).toBe(0);
    expect(comparable(missing.result)).toEqual(expected);
    const dying = join(outside, 'dying-worker.mjs');
    writeFileSync(dying, 'process.exit(3);\n');
    const died = await scanFileTree(walkEntries(root, { settings }), { settings, workers: 1, largeTreeBytes: 0, workerUrl: new URL(`file://${dying}`) });
    expect(died.filesFromWorkers).toBe(0);
    expect(comparable(died.result)).toEqual(expected);
    // A worker that claims files on the shared counter and dies before answering: they are scanned here.
    const claimer = join(outside, 'claiming-worker.mjs');
    writeFileSync(claimer, "import { parentPort, workerData } from 'node:worker_threads';\nparentPort.once('message', () => { Atomics.add(workerData.next, 0, 10); process.exit(3); });\n");
    const claimed = await scanFileTree(walkEntries(root, { settings }), { settings, workers: 1, largeTreeBytes: 0, scanHere: false, workerUrl: new URL(`file://${claimer}`) });
    expect([claimed.workersStarted, claimed.filesFromWorkers]).toEqual([1, 0]);
    expect(comparable(claimed.result)).toEqual(expected);
  });

  it('scanDirectory gives the same report with and without a worker', async () => {
    const none = await scanDirectory(root, { settings, workers: 0 });
    const one = await scanDirectory(root, { settings, workers: 1, largeTreeBytes: 0 });
    expect(comparable(one.result)).toEqual(comparable(none.result));
    expect(comparable(none.result)).toEqual(comparable(await singleThread()));
  });

  it('passes revealed secrets from workers to the sink (live verification)', async () => {
    const here: string[] = [];
    const there: string[] = [];
    await scanFileTree(walkEntries(root, { settings }), { settings, workers: 0, revealSecrets: (s) => here.push(JSON.stringify(s)) });
    const pooled = await scanFileTree(walkEntries(root, { settings }), { settings, workers: 1, largeTreeBytes: 0, scanHere: false, revealSecrets: (s) => there.push(JSON.stringify(s)) });
    expect(pooled.filesFromWorkers).toBeGreaterThan(0);
    expect(there.sort()).toEqual(here.sort());
    expect(here.length).toBeGreaterThan(250);
  });

  it('uses no worker up to 2 cores, then one per core beyond the first', () => {
    expect([1, 2, 3, 4, 8].map((cores) => defaultTreeWorkerCount(cores))).toEqual([0, 0, 2, 3, 7]);
  });
});
