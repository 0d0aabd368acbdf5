/**
 * The demo-repo figure of `npm run bench`: one full `scanSources` over fixtures/demo-repo (read +
 * scan + policy), measured in a child process. A scan that hangs — once, a regex backtracking
 * catastrophically on deploy/k8s/ledger/ledger.yaml stalled the whole bench — is killed after a
 * timeout and reported with the file it was on, and the bench goes on.
 *
 *   npx tsx bench/demo-scan.ts      # the child: one JSON line on stdout, `scanning <path>` per file on stderr
 */
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { scanSources } from '../src/core/scan.js';
import { toSourceFile } from '../src/core/source.js';
import { defaultSettings } from '../src/core/types.js';

const HERE = dirname(fileURLToPath(import.meta.url));
const ROOT = join(HERE, '..', 'fixtures', 'demo-repo');
/** Normally well under a second, child start-up included. */
export const DEMO_TIMEOUT_MS = 60_000;

export interface DemoFigures {
  files: number;
  findings: number;
  nhis: number;
  ms: number;
}

export type DemoOutcome = { ok: true; figures: DemoFigures } | { ok: false; reason: string };

/** Runs the scan in a child process; never waits longer than `timeoutMs`. */
export function measureDemoRepo(timeoutMs = DEMO_TIMEOUT_MS): DemoOutcome {
  const child = spawnSync(process.execPath, ['--import', 'tsx', fileURLToPath(import.meta.url)], {
    cwd: join(HERE, '..'),
    encoding: 'utf8',
    timeout: timeoutMs,
    killSignal: 'SIGKILL',
    maxBuffer: 16 * 1024 * 1024,
  });
  const progress = (child.stderr ?? '').split('\n').filter((l) => l.startsWith('scanning '));
  const last = progress.at(-1)?.slice('scanning '.length);
  if (child.error || child.signal) {
    const timedOut = (child.error as NodeJS.ErrnoException | undefined)?.code === 'ETIMEDOUT' || child.signal === 'SIGKILL';
    const what = timedOut ? `did not finish within ${timeoutMs / 1000} s (killed)` : `failed: ${child.error?.message ?? child.signal}`;
    return { ok: false, reason: `${what}${last ? `; it was scanning ${last} (a regex backtracking catastrophically?)` : ''}` };
  }
  if (child.status !== 0) return { ok: false, reason: `exited ${child.status}: ${(child.stderr ?? '').split('\n').find((l) => l && !l.startsWith('scanning ')) ?? ''}` };
  return { ok: true, figures: JSON.parse(child.stdout.trim().split('\n').at(-1)!) as DemoFigures };
}

/** The scan itself (in the child): every file of the demo repo, as the CLI reads them. */
async function scanDemoRepo(): Promise<DemoFigures> {
  const settings = defaultSettings();
  const paths: string[] = [];
  const walk = (dir: string) => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      if (e.isDirectory()) walk(join(dir, e.name));
      else if (e.isFile()) paths.push(join(dir, e.name));
    }
  };
  walk(ROOT);
  const started = performance.now();
  // The pipeline scans each file as it is yielded, so the last path announced names a hang.
  function* sources() {
    for (const p of paths) {
      const path = relative(ROOT, p).split(sep).join('/');
      process.stderr.write(`scanning ${path}\n`);
      yield toSourceFile(path, readFileSync(p), settings);
    }
  }
  const result = await scanSources(sources(), { settings });
  return { files: result.stats.files, findings: result.findings.length, nhis: result.inventory.length, ms: performance.now() - started };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  console.log(JSON.stringify(await scanDemoRepo()));
}
