/**
 * Findings on a folder of real code, for hand-judging false positives, with today's catalog and
 * (optionally) an older checkout of src/ for comparison, in the same run:
 *
 *   tsx bench/fp-corpus.ts <dir> [--base <dir with an older src/>] [--list]
 *
 * Prints MB scanned, findings per 100 MB and engine MB/s (single thread) for each; with --list,
 * every finding of today's catalog (file, line, rule, redacted value) for judging. Lock files,
 * files over 5 MB and binary files are skipped, as the scanner does.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { toSourceFile } from '../src/core/source.js';
import { defaultSettings, type Finding, type SourceFile } from '../src/core/types.js';
import { scanSecrets } from '../src/core/secrets/engine.js';

function argument(name: string): string | undefined {
  const at = process.argv.indexOf(name);
  return at === -1 ? undefined : process.argv[at + 1];
}

function walk(dir: string, out: string[]): void {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) walk(path, out);
    else if (entry.isFile()) out.push(path);
  }
}

type Scan = (file: SourceFile, settings: ReturnType<typeof defaultSettings>) => Finding[];

function measure(name: string, scan: Scan, files: SourceFile[], bytes: number): Finding[] {
  const settings = defaultSettings({ maxFileSize: 5 * 1024 * 1024 });
  for (const f of files.slice(0, 200)) scan(f, settings); // warm-up
  const findings: Finding[] = [];
  const started = performance.now();
  for (const f of files) findings.push(...scan(f, settings));
  const seconds = (performance.now() - started) / 1000;
  const mb = bytes / 1024 / 1024;
  const alarms = findings.filter((f) => f.level !== 'info');
  console.log(`${name}: ${files.length} files, ${mb.toFixed(0)} MB, ${alarms.length} findings (not info) = ${((alarms.length / mb) * 100).toFixed(2)} per 100 MB, ${(mb / seconds).toFixed(0)} MB/s`);
  return alarms;
}

async function main(): Promise<void> {
  const root = resolve(process.argv[2]);
  const paths: string[] = [];
  walk(root, paths);
  const files: SourceFile[] = [];
  let bytes = 0;
  for (const path of paths) {
    const size = statSync(path).size;
    if (size > 5 * 1024 * 1024 || size === 0) continue;
    const file = toSourceFile(relative(root, path).split('\\').join('/'), readFileSync(path), { maxFileSize: 5 * 1024 * 1024 });
    if ('content' in file) {
      files.push(file as SourceFile);
      bytes += size;
    }
  }
  const base = argument('--base');
  const baseline = base ? ((await import(pathToFileURL(join(resolve(base), 'src/core/secrets/engine.ts')).href)) as { scanSecrets: Scan }).scanSecrets : undefined;
  const before = baseline ? measure('before', baseline, files, bytes) : [];
  const after = measure('after ', scanSecrets, files, bytes);
  if (baseline) {
    const key = (f: Finding) => `${f.file}:${f.line}`;
    const old = new Set(before.map(key));
    const now = new Set(after.map(key));
    console.log(`locations only before: ${[...old].filter((k) => !now.has(k)).length}; only after: ${[...now].filter((k) => !old.has(k)).length}`);
  }
  if (process.argv.includes('--list')) for (const f of after) console.log(`${f.file}:${f.line} ${f.rule} ${f.redacted}`);
}

void main();
