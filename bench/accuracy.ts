/**
 * Accuracy bench: recall and precision of nhi-steward, of secretlint, of ESLint with
 * eslint-plugin-no-secrets and of git-secrets on the same labelled corpus
 * (bench/accuracy-corpus.ts), in the same run.
 *
 *   npm run bench:accuracy                 # seed 20260101
 *   npm run bench:accuracy -- --seed 7     # another corpus of the same design
 *   npm run bench:accuracy -- --no-secretlint --no-eslint --no-git-secrets
 *
 * The corpus is written to bench/.work/accuracy (git-ignored). secretlint@11 and its recommended
 * preset are installed on first use into bench/.corpus/secretlint (not into our package.json) and
 * run as a child process with `--format json`. A finding counts as a true positive when it sits on
 * a labelled line (any line of a multi-line label) of the same file; `info` findings (test-mode
 * keys) are not alarms and are left out of both counts. Output never contains a whole secret.
 *
 * eslint-plugin-no-secrets (installed like the e2e bench's, bench/corpus.ts `ensureNoSecrets`)
 * lints JavaScript only: it is scored on the whole corpus, and apart on the JavaScript files it
 * lints, beside nhi-steward on the same files. Its messages quote the whole string it suspects, so
 * only their file and line are read.
 *
 * git-secrets (Debian's package, bench/git-secrets.ts) runs `git secrets --scan --no-index` over
 * the corpus folder with its AWS patterns: scored on the whole corpus, and apart on the AWS access
 * key ids and secret access keys planted, the kinds it is written for. It prints each match whole:
 * only file and line are read.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { allDetectors } from '../src/core/secrets/detectors/index.js';
import { scanSecrets } from '../src/core/secrets/engine.js';
import { toStandInSourceFile } from '../src/core/source.js';
import { redact } from '../src/core/secrets/redact.js';
import { defaultSettings } from '../src/core/types.js';
import { buildCorpus, type Label, writeCorpus } from './accuracy-corpus.js';
import { ensureGitSecrets, scanTreeWithGitSecrets } from './git-secrets.js';
import { ensureNoSecrets, NO_SECRETS_ESLINT_BIN, NO_SECRETS_ESLINT_VERSION, NO_SECRETS_PLUGIN, NO_SECRETS_VERSION } from './corpus.js';

const HERE = dirname(fileURLToPath(import.meta.url));
const WORK = join(HERE, '.work', 'accuracy');
const SECRETLINT_DIR = join(HERE, '.corpus', 'secretlint');
const SECRETLINT_BIN = join(SECRETLINT_DIR, 'node_modules', '.bin', 'secretlint');

interface Hit {
  file: string;
  line: number;
  rule: string;
  /** Redacted, for the report. */
  shown: string;
}

interface Score {
  tool: string;
  labels: number;
  found: number;
  findings: number;
  truePositives: number;
  recall: number;
  precision: number;
  missed: Label[];
  falsePositives: Hit[];
  seconds: number;
}

function argument(name: string): string | undefined {
  const at = process.argv.indexOf(name);
  return at === -1 ? undefined : process.argv[at + 1];
}

function score(tool: string, labels: Label[], hits: Hit[], seconds: number): Score {
  const byFile = new Map<string, Label[]>();
  for (const l of labels) byFile.set(l.file, [...(byFile.get(l.file) ?? []), l]);
  const matched = new Set<Label>();
  const falsePositives: Hit[] = [];
  let truePositives = 0;
  for (const hit of hits) {
    const label = (byFile.get(hit.file) ?? []).find((l) => hit.line >= l.line && hit.line <= l.endLine);
    if (label) {
      matched.add(label);
      truePositives++;
    } else {
      falsePositives.push(hit);
    }
  }
  return {
    tool,
    labels: labels.length,
    found: matched.size,
    findings: hits.length,
    truePositives,
    recall: matched.size / labels.length,
    precision: hits.length === 0 ? 1 : truePositives / hits.length,
    missed: labels.filter((l) => !matched.has(l)),
    falsePositives,
    seconds,
  };
}

function runNhiSteward(files: Map<string, string>): { hits: Hit[]; seconds: number } {
  const settings = defaultSettings();
  const started = performance.now();
  const hits: Hit[] = [];
  for (const [path, content] of files) {
    // As the CLI's tree scan reads them: raw bytes, a text that is not pure ASCII as a stand-in
    // (src/core/stand-in.ts), judged on its real text only where the engine needs it.
    const source = toStandInSourceFile(path, Buffer.from(content, 'utf8'), { maxFileSize: Number.MAX_SAFE_INTEGER }, () => true);
    for (const f of scanSecrets('content' in source ? source : { path, content }, settings)) {
      if (f.level === 'info') continue;
      hits.push({ file: path, line: f.line, rule: f.rule, shown: f.redacted ?? '' });
    }
  }
  return { hits, seconds: (performance.now() - started) / 1000 };
}

function ensureSecretlint(): boolean {
  if (existsSync(SECRETLINT_BIN)) return true;
  console.log('installing secretlint@11 into bench/.corpus/secretlint …');
  mkdirSync(SECRETLINT_DIR, { recursive: true });
  const result = spawnSync('npm', ['install', '--prefix', SECRETLINT_DIR, '--no-audit', '--no-fund', 'secretlint@11', '@secretlint/secretlint-rule-preset-recommend@11'], { stdio: 'inherit' });
  return result.status === 0 && existsSync(SECRETLINT_BIN);
}

interface SecretlintResult {
  filePath: string;
  messages: { ruleId: string; loc: { start: { line: number } }; severity: string }[];
}

function runSecretlint(paths: string[]): { hits: Hit[]; seconds: number } {
  const rc = join(WORK, '..', 'accuracy.secretlintrc.json');
  writeFileSync(rc, JSON.stringify({ rules: [{ id: '@secretlint/secretlint-rule-preset-recommend' }] }));
  const started = performance.now();
  const hits: Hit[] = [];
  // Batches keep the command line short; secretlint exits 1 when it finds something.
  for (let i = 0; i < paths.length; i += 200) {
    const batch = paths.slice(i, i + 200);
    // --output, not stdout: secretlint exits before a large piped stdout is flushed.
    const output = join(WORK, '..', 'accuracy.secretlint.json');
    const run = spawnSync(SECRETLINT_BIN, [...batch, '--format', 'json', '--secretlintrc', rc, '--output', output], { cwd: WORK, encoding: 'utf8' });
    if (run.status !== 0 && run.status !== 1) throw new Error(`secretlint failed (${run.status}): ${run.stderr}`);
    const out = readFileSync(output, 'utf8');
    for (const result of JSON.parse(out) as SecretlintResult[]) {
      const file = relative(WORK, result.filePath).split('\\').join('/');
      for (const m of result.messages) hits.push({ file, line: m.loc.start.line, rule: m.ruleId.replace('@secretlint/secretlint-rule-', ''), shown: '' });
    }
  }
  return { hits, seconds: (performance.now() - started) / 1000 };
}

/** The detectors whose values git-secrets' AWS patterns are written for (access key ids; secret access keys behind a key name). */
const GIT_SECRETS_KINDS = ['aws-access-key-id', 'aws-secret-access-key'];

/** JavaScript files: all eslint-plugin-no-secrets lints (with ESLint's default parser). */
const JAVASCRIPT = /\.(?:js|mjs|cjs)$/;

/** ESLint with eslint-plugin-no-secrets over the corpus folder: each message of its rule, by file and line. */
function runNoSecrets(): { hits: Hit[]; seconds: number; files: number; unparsed: number } {
  ensureNoSecrets();
  const config = join(WORK, '..', 'accuracy.no-secrets.config.mjs');
  writeFileSync(config, [
    `import plugin from ${JSON.stringify(pathToFileURL(NO_SECRETS_PLUGIN).href)};`,
    `export default [{ files: ['**/*.js', '**/*.mjs', '**/*.cjs'], languageOptions: { ecmaVersion: 'latest', sourceType: 'module' }, plugins: { 'no-secrets': plugin.default ?? plugin }, rules: { 'no-secrets/no-secrets': 'error' } }];`,
    '',
  ].join('\n'));
  const output = join(WORK, '..', 'accuracy.no-secrets.json');
  const started = performance.now();
  // ESLint lints only files under its working folder, so it runs from the corpus folder's parent.
  const run = spawnSync(process.execPath, [NO_SECRETS_ESLINT_BIN, '-c', config, '--no-inline-config', '--format', 'json', '--output-file', output, 'accuracy'], { cwd: join(WORK, '..'), encoding: 'utf8' });
  const seconds = (performance.now() - started) / 1000;
  if (run.status !== 0 && run.status !== 1) throw new Error(`eslint (no-secrets) exited ${run.status}: ${run.stderr.slice(0, 500)}`);
  const hits: Hit[] = [];
  let unparsed = 0;
  const results = JSON.parse(readFileSync(output, 'utf8')) as { filePath: string; messages: { fatal?: boolean; ruleId: string | null; line: number }[] }[];
  for (const result of results) {
    const file = relative(WORK, result.filePath).split('\\').join('/');
    if (result.messages.some((m) => m.fatal)) unparsed++;
    for (const m of result.messages) if (m.ruleId === 'no-secrets/no-secrets') hits.push({ file, line: m.line, rule: 'no-secrets', shown: '' });
  }
  return { hits, seconds, files: results.length, unparsed };
}

function percent(x: number): string {
  return `${(x * 100).toFixed(1)}%`;
}

function report(s: Score): void {
  console.log(`\n## ${s.tool}`);
  console.log(`recall    ${s.recall.toFixed(3)}  (${s.found}/${s.labels} planted secrets found)`);
  console.log(`precision ${s.precision.toFixed(3)}  (${s.truePositives}/${s.findings} findings on planted secrets)`);
  console.log(`time      ${s.seconds.toFixed(2)} s`);
}

function details(s: Score, labels: Label[]): void {
  const missedBy = new Map<string, number>();
  for (const m of s.missed) missedBy.set(`${m.detector} (${m.placement})`, (missedBy.get(`${m.detector} (${m.placement})`) ?? 0) + 1);
  const top = [...missedBy].sort((a, b) => b[1] - a[1]).slice(0, 25);
  if (top.length) {
    console.log(`\n${s.tool}: missed, by detector format (placement):`);
    for (const [k, n] of top) console.log(`  ${String(n).padStart(3)}  ${k}`);
  }
  if (s.falsePositives.length) {
    console.log(`\n${s.tool}: false positives (first 25):`);
    for (const fp of s.falsePositives.slice(0, 25)) console.log(`  ${fp.file}:${fp.line}  ${fp.rule}  ${fp.shown}`);
  }
  const placements = new Map<string, [number, number]>();
  for (const l of labels) {
    const [found, total] = placements.get(l.placement) ?? [0, 0];
    placements.set(l.placement, [found + (s.missed.includes(l) ? 0 : 1), total + 1]);
  }
  console.log(`\n${s.tool}: recall by placement: ${[...placements].map(([p, [f, t]]) => `${p} ${percent(f / t)}`).join(', ')}`);
}

function main(): void {
  const seed = Number(argument('--seed') ?? 20260101);
  const corpus = buildCorpus(allDetectors, seed);
  writeCorpus(WORK, corpus);
  const bytes = [...corpus.files.values()].reduce((n, c) => n + c.length, 0);
  console.log(`# Accuracy bench (seed ${seed}, ${new Date().toISOString().slice(0, 10)})`);
  console.log(`corpus: ${corpus.files.size} files, ${(bytes / 1024).toFixed(0)} KiB, ${corpus.labels.length} planted secrets of ${allDetectors.length} detectors, in ${new Set(corpus.labels.map((l) => l.placement)).size} placements`);
  if (corpus.replayed.length) console.log(`sample values replayed (no fresh value could be made): ${corpus.replayed.join(', ')}`);

  const ours = runNhiSteward(corpus.files);
  const nhi = score('nhi-steward', corpus.labels, ours.hits, ours.seconds);
  report(nhi);

  let secretlint: Score | undefined;
  if (!process.argv.includes('--no-secretlint') && ensureSecretlint()) {
    const theirs = runSecretlint([...corpus.files.keys()]);
    secretlint = score('secretlint 11 (preset-recommend)', corpus.labels, theirs.hits, theirs.seconds);
    report(secretlint);
  }

  if (secretlint) {
    // A fairer view: only the kinds of secret secretlint knows (detectors it found at least once).
    const known = new Set(corpus.labels.filter((l) => !secretlint!.missed.includes(l)).map((l) => l.detector));
    const shared = corpus.labels.filter((l) => known.has(l.detector));
    const recallOn = (s: Score) => shared.filter((l) => !s.missed.includes(l)).length / shared.length;
    console.log(`\non the ${known.size} kinds of secret secretlint covers (${shared.length} planted): nhi-steward recall ${recallOn(nhi).toFixed(3)}, secretlint recall ${recallOn(secretlint).toFixed(3)}`);
  }

  let noSecrets: Score | undefined;
  if (!process.argv.includes('--no-eslint')) {
    const lint = runNoSecrets();
    noSecrets = score(`eslint-plugin-no-secrets ${NO_SECRETS_VERSION} (ESLint ${NO_SECRETS_ESLINT_VERSION})`, corpus.labels, lint.hits, lint.seconds);
    report(noSecrets);
    // The fair view: the JavaScript files it lints, and nhi-steward on the same files.
    const jsLabels = corpus.labels.filter((l) => JAVASCRIPT.test(l.file));
    const onJs = (tool: string, hits: Hit[]) => score(tool, jsLabels, hits.filter((h) => JAVASCRIPT.test(h.file)), 0);
    const theirs = onJs('eslint-plugin-no-secrets', lint.hits);
    const mine = onJs('nhi-steward', ours.hits);
    console.log(`\non the ${lint.files} JavaScript files it lints (${jsLabels.length} planted secrets${lint.unparsed > 0 ? `; ${lint.unparsed} it could not parse` : ''}): eslint-plugin-no-secrets recall ${theirs.recall.toFixed(3)}, precision ${theirs.precision.toFixed(3)} (${theirs.findings} findings, ${theirs.falsePositives.length} false); nhi-steward recall ${mine.recall.toFixed(3)}, precision ${mine.precision.toFixed(3)} (${mine.findings} findings, ${mine.falsePositives.length} false)`);
  }

  // git-secrets (Debian's package; bench/git-secrets.ts) with its AWS patterns, over the same folder.
  let gitSecrets: Score | undefined;
  if (!process.argv.includes('--no-git-secrets')) {
    const tool = ensureGitSecrets();
    if ('missing' in tool) console.log(`\ngit-secrets: not measured (${tool.missing})`);
    else {
      const scan = scanTreeWithGitSecrets(tool, WORK);
      const hits = scan.hits.map((h): Hit => ({ ...h, rule: 'git-secrets', shown: '' }));
      gitSecrets = score(`git-secrets ${tool.version} (--register-aws)`, corpus.labels, hits, scan.run.wallS);
      report(gitSecrets);
      // The fair view: the two kinds of secret its patterns are for.
      const aws = corpus.labels.filter((l) => GIT_SECRETS_KINDS.includes(l.detector));
      const onAws = (s: Score) => aws.filter((l) => !s.missed.includes(l)).length / aws.length;
      console.log(`\non the ${GIT_SECRETS_KINDS.join(' and ')} values planted (${aws.length}): git-secrets recall ${onAws(gitSecrets).toFixed(3)}, nhi-steward recall ${onAws(nhi).toFixed(3)}; git-secrets' findings outside every planted secret: ${gitSecrets.falsePositives.length}`);
    }
  }

  if (process.argv.includes('--details')) {
    details(nhi, corpus.labels);
    if (secretlint) details(secretlint, corpus.labels);
  } else {
    const misses = nhi.missed.slice(0, 10).map((m) => `${m.file}:${m.line} ${m.detector} ${redact(m.secret)}`);
    if (misses.length) console.log(`\nnhi-steward misses (first 10; --details for more):\n  ${misses.join('\n  ')}`);
    const fps = nhi.falsePositives.slice(0, 10).map((f) => `${f.file}:${f.line} ${f.rule} ${f.shown}`);
    if (fps.length) console.log(`\nnhi-steward false positives (first 10):\n  ${fps.join('\n  ')}`);
  }

  console.log('\n| tool | recall | precision | findings | time |');
  console.log('|---|---|---|---|---|');
  for (const s of [nhi, secretlint, noSecrets, gitSecrets].filter((x): x is Score => x !== undefined)) {
    console.log(`| ${s.tool} | ${s.recall.toFixed(3)} | ${s.precision.toFixed(3)} | ${s.findings} | ${s.seconds.toFixed(1)} s |`);
  }
  writeFileSync(join(WORK, '..', 'accuracy-labels.json'), JSON.stringify(corpus.labels.map((l) => ({ ...l, secret: redact(l.secret) })), null, 1));
  if (nhi.recall < 0.97 || nhi.precision < 0.97) process.exitCode = 1;
}

main();
