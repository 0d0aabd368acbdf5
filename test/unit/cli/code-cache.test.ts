import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { transformSync } from 'esbuild';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { codeCacheDir, KEPT_FILES } from '../../../src/cli/code-cache.js';

/** A CommonJS module with enough code for V8 to cache, and that shows it ran in a module's scope. */
function moduleSource(answer: number): string {
  const helpers = Array.from({ length: 40 }, (_, i) => `function helper${i}(x) { return x.split('').reverse().join('') + ${i}; }`).join('\n');
  return `'use strict';
const path = require('node:path');
${helpers}
exports.answer = () => ${answer};
exports.where = () => [path.basename(__filename), path.basename(__dirname), typeof module.exports];
exports.work = () => helper0('abc') + helper39('xyz');
exports.later = () => import('node:path').then((m) => typeof m.join, (error) => error.code);
`;
}

const uid = process.getuid?.();

describe('codeCacheDir', () => {
  let base: string;
  beforeEach(() => {
    base = mkdtempSync(join(tmpdir(), 'nhi-cc-dir-'));
  });
  afterEach(() => rmSync(base, { recursive: true, force: true }));

  it('makes a folder of the user\'s own, readable and writable by the user alone', () => {
    const dir = codeCacheDir({}, base);
    expect(dir).toBe(join(base, uid === undefined ? 'nhi-steward-code-cache' : `nhi-steward-code-cache-${uid}`));
    if (uid !== undefined) expect(statSync(dir!).mode & 0o777).toBe(0o700);
    expect(codeCacheDir({}, base)).toBe(dir); // and takes it as it is the next time
  });

  it('is off when asked', () => {
    expect(codeCacheDir({ NHI_STEWARD_CODE_CACHE: 'off' }, base)).toBeUndefined();
    expect(codeCacheDir({ NHI_STEWARD_CODE_CACHE: ' OFF ' }, base)).toBeUndefined();
    expect(codeCacheDir({ NODE_DISABLE_COMPILE_CACHE: '1' }, base)).toBeUndefined();
    expect(readdirSync(base)).toEqual([]);
  });

  it.skipIf(uid === undefined)('refuses a folder someone else could have written code into', () => {
    const path = join(base, `nhi-steward-code-cache-${uid}`);
    // a link to a folder of ours
    mkdirSync(join(base, 'elsewhere'), { mode: 0o700 });
    symlinkSync(join(base, 'elsewhere'), path);
    expect(codeCacheDir({}, base)).toBeUndefined();
    rmSync(path);
    // a file in its place
    writeFileSync(path, '');
    expect(codeCacheDir({}, base)).toBeUndefined();
    rmSync(path);
    // a folder others may write to
    mkdirSync(path, { mode: 0o700 });
    chmodSync(path, 0o777);
    expect(codeCacheDir({}, base)).toBeUndefined();
    chmodSync(path, 0o755);
    expect(codeCacheDir({}, base)).toBe(path); // readable by others is fine: the cache holds the bundle's own code
    // a folder another user owns: as user uid + 1, the folder this user made under that user's name
    mkdirSync(join(base, `nhi-steward-code-cache-${uid! + 1}`), { mode: 0o700 });
    expect(codeCacheDir({}, base, uid! + 1)).toBeUndefined();
  });
});

/**
 * Each load runs in a fresh `node` process, as the CLI does: within one process V8 finds a script it
 * compiled before in its own compilation cache and never reads the cached data it is given.
 */
describe('loadWithCodeCache', () => {
  let root: string;
  let dir: string;
  let file: string;
  let runner: string;
  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'nhi-cc-'));
    dir = join(root, 'cache');
    mkdirSync(dir, { mode: 0o700 });
    mkdirSync(join(root, 'bundle'));
    file = join(root, 'bundle', 'cli.cjs');
    writeFileSync(file, moduleSource(42));
    const loader = readFileSync(join(import.meta.dirname, '../../../src/cli/code-cache.ts'), 'utf8');
    writeFileSync(join(root, 'code-cache.mjs'), transformSync(loader, { loader: 'ts', format: 'esm' }).code);
    runner = join(root, 'load.mjs');
    writeFileSync(
      runner,
      `import { loadWithCodeCache } from './code-cache.mjs';
const [file, dir, variant, save] = process.argv.slice(2);
const calls = [];
const loaded = loadWithCodeCache(file, { dir: dir === '-' ? undefined : dir, variant, beforeSave: () => calls.push('beforeSave') });
const cli = loaded.exports;
const out = { status: loaded.status, answer: cli.answer(), where: cli.where(), work: cli.work(), later: await cli.later() };
if (save === 'save') { out.saved = loaded.save(); out.calls = calls; }
console.log(JSON.stringify(out));`,
    );
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  interface Loaded { status: string; answer: number; where: unknown[]; work: string; later: string; saved?: boolean; calls?: string[] }
  function load(variant = 'tree', save = true, cacheDir: string | null = dir): Loaded {
    const out = execFileSync(process.execPath, [runner, file, cacheDir === null ? '-' : cacheDir, variant, save ? 'save' : ''], { encoding: 'utf8' });
    return JSON.parse(out) as Loaded;
  }
  const cacheFiles = () => readdirSync(dir).filter((f) => f.endsWith('.v8cache'));

  it('loads a module as require would, saves V8\'s code, and the next process uses it', () => {
    const first = load('tree', false);
    // `later`: a dynamic import() fails, cache or not (see loadWithCodeCache; the bundle has none).
    expect(first).toEqual({ status: 'missing', answer: 42, where: ['cli.cjs', 'bundle', 'object'], work: 'cba0zyx39', later: 'ERR_VM_DYNAMIC_IMPORT_CALLBACK_MISSING' });
    expect(cacheFiles()).toEqual([]); // saved only when asked (the CLI: at exit)
    expect(load()).toMatchObject({ status: 'missing', saved: true, calls: ['beforeSave'] });
    expect(cacheFiles()).toHaveLength(1);
    if (uid !== undefined) expect(statSync(join(dir, cacheFiles()[0])).mode & 0o777).toBe(0o600);
    expect(load('tree', false)).toEqual({ status: 'used', answer: 42, where: ['cli.cjs', 'bundle', 'object'], work: 'cba0zyx39', later: 'ERR_VM_DYNAMIC_IMPORT_CALLBACK_MISSING' });
  });

  it('compiles as usual when the cache is damaged, and saves it again', () => {
    expect(load().saved).toBe(true);
    const [name] = cacheFiles();
    const bytes = readFileSync(join(dir, name));
    bytes.fill(0x5a, 0, 64); // V8's header: magic number, version and flag hashes
    writeFileSync(join(dir, name), bytes);
    expect(load()).toMatchObject({ status: 'rejected', answer: 42, saved: true });
    expect(load('tree', false)).toMatchObject({ status: 'used', answer: 42 });
  });

  it('never meets a cache of other source: a rebuilt module gets its own file', () => {
    expect(load().saved).toBe(true);
    const [old] = cacheFiles();
    // Same length (V8 checks only the length of the source), other content.
    writeFileSync(file, moduleSource(43));
    expect(readFileSync(file, 'utf8').length).toBe(moduleSource(42).length);
    expect(load()).toMatchObject({ status: 'missing', answer: 43, saved: true });
    expect(cacheFiles()).toHaveLength(2);
    expect(cacheFiles()).toContain(old); // the old build's, for as long as it is run too
    expect(load('tree', false)).toMatchObject({ status: 'used', answer: 43 });
    writeFileSync(file, moduleSource(42));
    expect(load('tree', false)).toMatchObject({ status: 'used', answer: 42 });
  });

  it(`keeps the ${KEPT_FILES} most recently written cache files of a module`, () => {
    const Y2K = new Date('2000-01-01T00:00:00Z').getTime() / 1000;
    // Other builds' files, written long ago (the oldest first), and another module's.
    const others = Array.from({ length: KEPT_FILES + 2 }, (_, i) => `cli.cjs.${String(i).padStart(16, '0')}.00000000.v8cache`);
    others.forEach((name, i) => {
      writeFileSync(join(dir, name), 'old');
      utimesSync(join(dir, name), Y2K + i, Y2K + i);
    });
    writeFileSync(join(dir, 'other.cjs.0000000000000000.00000000.v8cache'), 'another module');
    expect(load().saved).toBe(true);
    const kept = cacheFiles();
    expect(kept).toHaveLength(KEPT_FILES + 1);
    expect(kept).toContain('other.cjs.0000000000000000.00000000.v8cache');
    // The new file and the KEPT_FILES - 1 newest of the others.
    expect(kept.filter((name) => others.includes(name)).sort()).toEqual(others.slice(-(KEPT_FILES - 1)));
    expect(load('tree', false).status).toBe('used');
  });

  it('keeps one file per variant (runs under other V8 flags)', () => {
    expect(load('tree').saved).toBe(true);
    expect(load('history')).toMatchObject({ status: 'missing', saved: true });
    expect(cacheFiles()).toHaveLength(2);
    expect(load('tree', false).status).toBe('used');
    expect(load('history', false).status).toBe('used');
  });

  it('without a folder: compiles only, saves nothing', () => {
    expect(load('tree', true, null)).toMatchObject({ status: 'off', answer: 42, saved: false, calls: [] });
    expect(cacheFiles()).toEqual([]);
  });

  it('a folder it cannot write to: the module still loads, save says no', () => {
    const gone = join(root, 'gone');
    expect(load('tree', true, gone)).toMatchObject({ status: 'missing', answer: 42, saved: false });
    expect(existsSync(gone)).toBe(false);
  });
});
