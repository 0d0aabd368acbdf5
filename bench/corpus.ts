/**
 * The real-code corpus for `npm run bench`: the published package folders of popular npm
 * packages at pinned versions (so every run measures the same ~170 MB of real JavaScript,
 * TypeScript declarations, JSON and Markdown). They are installed into bench/.corpus/npm
 * (git-ignored) with `npm install --prefix … --no-save`, then copied out of node_modules into
 * bench/.corpus/files/<package>, a plain folder that no scanner skips by convention.
 */
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

export const HERE = dirname(fileURLToPath(import.meta.url));
export const CORPUS_ROOT = join(HERE, '.corpus');
export const FILES_DIR = join(CORPUS_ROOT, 'files');

/** Pinned: changing a version changes the corpus, so the figures are comparable run to run. */
export const CORPUS_PACKAGES = [
  'typescript@5.6.3',
  'aws-sdk@2.1692.0',
  'webpack@5.96.1',
  'eslint@9.14.0',
  'lodash@4.17.21',
  'prettier@3.3.3',
  'moment@2.30.1',
  'rxjs@7.8.1',
] as const;

/** The fixed subset secretlint scans (it runs at well under 1 MB/s; the whole corpus would take hours). */
export const SECRETLINT_SUBSET = ['lodash', 'moment/src', 'moment/locale'] as const;

export const SECRETLINT_VERSION = '11.7.1';
export const SECRETLINT_DIR = join(CORPUS_ROOT, 'secretlint');
export const SECRETLINT_BIN = join(SECRETLINT_DIR, 'node_modules', '.bin', 'secretlint');

export interface CorpusFile {
  /** POSIX path relative to FILES_DIR, e.g. `lodash/lodash.js`. */
  path: string;
  absolute: string;
  bytes: number;
}

const packageName = (spec: string) => spec.slice(0, spec.lastIndexOf('@'));

function run(command: string, args: string[]): void {
  const result = spawnSync(command, args, { stdio: 'inherit' });
  if (result.status !== 0) throw new Error(`${command} ${args.join(' ')} failed (exit ${result.status})`);
}

/** Installs and copies the corpus unless bench/.corpus/files already holds this exact list. */
export function ensureCorpus(log: (line: string) => void = console.log): void {
  const marker = join(FILES_DIR, '.packages');
  const wanted = CORPUS_PACKAGES.join('\n');
  if (existsSync(marker) && readFileSync(marker, 'utf8') === wanted) return;
  const npmDir = join(CORPUS_ROOT, 'npm');
  mkdirSync(npmDir, { recursive: true });
  log(`installing the corpus into ${relative(process.cwd(), npmDir)} …`);
  run('npm', ['install', '--prefix', npmDir, '--no-save', '--ignore-scripts', '--no-audit', '--no-fund', '--package-lock=false', ...CORPUS_PACKAGES]);
  rmSync(FILES_DIR, { recursive: true, force: true });
  for (const spec of CORPUS_PACKAGES) {
    const name = packageName(spec);
    cpSync(join(npmDir, 'node_modules', name), join(FILES_DIR, name), { recursive: true, dereference: true });
  }
  writeFileSync(marker, wanted);
}

/** secretlint and its recommended preset, in bench/.corpus/secretlint (never in our package.json). */
export function ensureSecretlint(log: (line: string) => void = console.log): void {
  if (existsSync(SECRETLINT_BIN)) return;
  log(`installing secretlint@${SECRETLINT_VERSION} into ${relative(process.cwd(), SECRETLINT_DIR)} …`);
  mkdirSync(SECRETLINT_DIR, { recursive: true });
  run('npm', ['install', '--prefix', SECRETLINT_DIR, '--no-save', '--ignore-scripts', '--no-audit', '--no-fund', '--package-lock=false', `secretlint@${SECRETLINT_VERSION}`, `@secretlint/secretlint-rule-preset-recommend@${SECRETLINT_VERSION}`]);
}

/**
 * The second peer from the npm registry: ESLint with eslint-plugin-no-secrets (an ESLint rule that
 * reports string literals of high Shannon entropy and of known token shapes). It reads only what
 * ESLint parses (JavaScript here), so it runs on the same JavaScript subset as secretlint.
 * Pinned, installed into bench/.corpus/no-secrets (never in our package.json).
 */
export const NO_SECRETS_VERSION = '2.3.3';
export const NO_SECRETS_ESLINT_VERSION = '10.16.0';
export const NO_SECRETS_DIR = join(CORPUS_ROOT, 'no-secrets');
export const NO_SECRETS_ESLINT_BIN = join(NO_SECRETS_DIR, 'node_modules', 'eslint', 'bin', 'eslint.js');
export const NO_SECRETS_PLUGIN = join(NO_SECRETS_DIR, 'node_modules', 'eslint-plugin-no-secrets', 'dist', 'index.js');

export function ensureNoSecrets(log: (line: string) => void = console.log): void {
  if (existsSync(NO_SECRETS_ESLINT_BIN) && existsSync(NO_SECRETS_PLUGIN)) return;
  log(`installing eslint@${NO_SECRETS_ESLINT_VERSION} and eslint-plugin-no-secrets@${NO_SECRETS_VERSION} into ${relative(process.cwd(), NO_SECRETS_DIR)} …`);
  mkdirSync(NO_SECRETS_DIR, { recursive: true });
  run('npm', ['install', '--prefix', NO_SECRETS_DIR, '--no-save', '--ignore-scripts', '--no-audit', '--no-fund', '--package-lock=false', `eslint@${NO_SECRETS_ESLINT_VERSION}`, `eslint-plugin-no-secrets@${NO_SECRETS_VERSION}`]);
}

/** Every regular file under `dir` (relative to FILES_DIR), sorted, symlinks not followed. */
export function listFiles(dir = FILES_DIR): CorpusFile[] {
  const out: CorpusFile[] = [];
  const walk = (at: string) => {
    for (const entry of readdirSync(at, { withFileTypes: true })) {
      const absolute = join(at, entry.name);
      if (entry.isDirectory()) walk(absolute);
      else if (entry.isFile() && entry.name !== '.packages') {
        out.push({ path: relative(FILES_DIR, absolute).split(sep).join('/'), absolute, bytes: statSync(absolute).size });
      }
    }
  };
  walk(dir);
  return out.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}
