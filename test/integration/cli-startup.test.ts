import { execFile } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import module from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { transformSync } from 'esbuild';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { historyInputOn } from '../../src/action/on-off.js';
import { inliningChosenByUser } from '../../src/core/parallel/inlining.js';
import { cliHistoryScan, youngGenerationChosenByUser } from '../../src/core/parallel/young-generation.js';
import { promisify } from 'node:util';
import { runCli, writeTree } from '../support/cli/run-cli.js';
import { findNode24, node24OrSkip } from './action/node24.js';
import { INLINING_PROBE, inlinedCalls } from '../support/inlining.js';
import { GARBAGE_THEN_NEW_SPACE, KEPT_SMALL, probeEnv } from '../support/young-generation.js';

/**
 * Start-up (docs/performance.md, "Start-up"): a scan loads nothing it does not use. A recorder
 * preloaded into the CLI process logs every module the ESM loader resolves (a resolve hook) and
 * every CommonJS file in require's cache at exit (yaml is loaded with require, on demand).
 */
const HOOKS = `
import { appendFileSync } from 'node:fs';
export async function resolve(specifier, context, next) {
  const resolved = await next(specifier, context);
  appendFileSync(process.env.NHI_MODULE_LOG, resolved.url + '\\n');
  return resolved;
}`;
const RECORDER = `
import { register, createRequire } from 'node:module';
import { appendFileSync } from 'node:fs';
register('data:text/javascript,' + encodeURIComponent(${JSON.stringify(HOOKS)}));
const cache = createRequire(import.meta.url).cache;
process.on('exit', () => appendFileSync(process.env.NHI_MODULE_LOG, Object.keys(cache).join('\\n') + '\\n'));
`;

/** Packages a folder scan must not load: the App's, Octokit, the queue, and (without a config or owners file) the YAML editor. */
const APP_ONLY = [/\/node_modules\/probot\//, /\/node_modules\/@octokit\//, /\/node_modules\/bullmq\//, /\/node_modules\/ioredis\//];
const ON_DEMAND = [/\/node_modules\/yaml\//];
/** ajv beyond its run-time helpers: the schemas are compiled ahead of time (scripts/schema-validators.ts), so never. */
const AJV_COMPILER = /\/node_modules\/ajv\/(?!dist\/runtime\/)/;

describe('CLI start-up: lazy loading', () => {
  let tmp: string;
  beforeAll(() => {
    tmp = mkdtempSync(join(tmpdir(), 'nhi-startup-'));
    writeFileSync(join(tmp, 'recorder.mjs'), RECORDER);
    writeTree(join(tmp, 'plain'), { 'src/app.ts': 'export const answer = 42;\n' });
    writeTree(join(tmp, 'configured'), { 'src/app.ts': 'export const answer = 42;\n', '.github/nhi-steward.yml': 'fail-on: error\n' });
  });
  afterAll(() => rmSync(tmp, { recursive: true, force: true }));

  async function modulesOf(folder: string, log: string): Promise<string[]> {
    const run = await runCli(['scan', join(tmp, folder), '--format', 'json'], { env: { NHI_MODULE_LOG: join(tmp, log), NODE_OPTIONS: `--import ${join(tmp, 'recorder.mjs')}` } });
    expect(run.code, run.stderr).toBe(0);
    return readFileSync(join(tmp, log), 'utf8').split('\n').filter(Boolean);
  }

  it('a folder scan loads no App, Octokit or queue module, nor yaml without a config file, nor ajv\'s compiler', async () => {
    const loaded = await modulesOf('plain', 'plain.log');
    expect(loaded.some((m) => m.includes('/src/cli/main.ts'))).toBe(true);
    expect(loaded.some((m) => m.includes('/node_modules/js-yaml/'))).toBe(true); // the recorder sees packages
    for (const pattern of [...APP_ONLY, ...ON_DEMAND, AJV_COMPILER]) expect(loaded.filter((m) => pattern.test(m))).toEqual([]);
  });

  it('loads yaml once there is a config file to read (the recorder sees CommonJS loads), and still not ajv\'s compiler', async () => {
    const loaded = await modulesOf('configured', 'configured.log');
    for (const pattern of ON_DEMAND) expect(loaded.some((m) => pattern.test(m))).toBe(true);
    expect(loaded.some((m) => /\/node_modules\/ajv\/dist\/runtime\//.test(m))).toBe(true); // the recorder sees ajv's files
    for (const pattern of [...APP_ONLY, AJV_COMPILER]) expect(loaded.filter((m) => pattern.test(m))).toEqual([]);
  });
});

/**
 * A stand-in package for bin/nhi-steward.js as shipped: the bin itself, the module it loads first
 * (lib/core/parallel/young-generation.js, transpiled here from its source, so no build is needed)
 * and `main` as lib/cli/main.js.
 */
function standInPackage(prefix: string, main: string): string {
  const pkg = mkdtempSync(join(tmpdir(), prefix));
  mkdirSync(join(pkg, 'bin'));
  mkdirSync(join(pkg, 'lib', 'cli'), { recursive: true });
  mkdirSync(join(pkg, 'lib', 'core', 'parallel'), { recursive: true });
  copyFileSync(join(import.meta.dirname, '../../bin/nhi-steward.js'), join(pkg, 'bin', 'nhi-steward.js'));
  for (const name of ['v8-setting', 'young-generation', 'inlining']) {
    const source = readFileSync(join(import.meta.dirname, `../../src/core/parallel/${name}.ts`), 'utf8');
    writeFileSync(join(pkg, 'lib', 'core', 'parallel', `${name}.js`), transformSync(source, { loader: 'ts', format: 'esm' }).code);
  }
  writeFileSync(join(pkg, 'lib', 'cli', 'main.js'), main);
  return pkg;
}

/**
 * bin/nhi-steward.js turns on Node's compile cache (Node 22.1+; a no-op on Node 20) before it
 * loads the CLI. Run here as shipped, beside a stand-in lib/cli/main.js (no build needed): the
 * CLI module loads on every Node, and on Node 24 the cache folder fills.
 */
describe('bin/nhi-steward.js: compile cache', () => {
  const run = promisify(execFile);
  let pkg: string;
  beforeAll(() => {
    pkg = standInPackage('nhi-bin-', "console.log('cli loaded');\n");
  });
  afterAll(() => rmSync(pkg, { recursive: true, force: true }));

  /** Runs the bin with `temp` as the system's temporary folder, where Node puts the default cache. */
  async function startWith(node: string, temp: string): Promise<string> {
    mkdirSync(temp);
    const env: NodeJS.ProcessEnv = { ...process.env, TMPDIR: temp, NODE_OPTIONS: '' };
    delete env.NODE_COMPILE_CACHE;
    delete env.NODE_DISABLE_COMPILE_CACHE;
    const { stdout } = await run(node, [join(pkg, 'bin', 'nhi-steward.js')], { env, timeout: 30_000 });
    return stdout;
  }

  it('loads the CLI on this Node', async () => {
    expect(await startWith(process.execPath, join(pkg, 'temp-here'))).toBe('cli loaded\n');
  });

  it('fills the compile cache on Node 24', async (context) => {
    const node24 = node24OrSkip(await findNode24(), context);
    const temp = join(pkg, 'temp-24');
    expect(await startWith(node24, temp)).toBe('cli loaded\n');
    expect(readdirSync(join(temp, 'node-compile-cache')).length).toBeGreaterThan(0);
  }, 60_000);
});

/**
 * bin/nhi-steward.js keeps V8's young generation at its starting size (docs/performance.md, "Young
 * generation"): a stand-in CLI makes short- and mid-lived garbage, as a scan does, and reports the new
 * space's size. Without the flag V8 grows it to 16-32 MB (32 MB on Node 20.20 and 24.21 here), and
 * a grown young generation stays resident.
 */
describe('bin/nhi-steward.js: young generation', () => {
  const run = promisify(execFile);
  let pkg: string;
  beforeAll(() => {
    pkg = standInPackage('nhi-young-', GARBAGE_THEN_NEW_SPACE);
  });
  afterAll(() => rmSync(pkg, { recursive: true, force: true }));

  async function newSpaceBytes(node: string, extra: NodeJS.ProcessEnv = {}, args: string[] = []): Promise<number> {
    const { stdout } = await run(node, [join(pkg, 'bin', 'nhi-steward.js'), ...args], { env: probeEnv(extra), timeout: 30_000 });
    return Number(stdout.trim());
  }

  it('stays at most 8 MiB (KEPT_SMALL) on this Node', async () => {
    const bytes = await newSpaceBytes(process.execPath);
    expect(bytes).toBeGreaterThan(0);
    expect(bytes).toBeLessThanOrEqual(KEPT_SMALL);
  });

  it('stays at most 8 MiB (KEPT_SMALL) on Node 24', async (context) => {
    const bytes = await newSpaceBytes(node24OrSkip(await findNode24(), context));
    expect(bytes).toBeGreaterThan(0);
    expect(bytes).toBeLessThanOrEqual(KEPT_SMALL);
  }, 60_000);
  it('grows as V8 decides with NHI_STEWARD_YOUNG_GENERATION=default', async () => {
    expect(await newSpaceBytes(process.execPath, { NHI_STEWARD_YOUNG_GENERATION: 'default' })).toBeGreaterThan(KEPT_SMALL);
  });

  it('stays small for a tree scan, and grows as V8 decides for a history scan (scan --history)', async () => {
    expect(await newSpaceBytes(process.execPath, {}, ['scan', '.', '--format', 'json'])).toBeLessThanOrEqual(KEPT_SMALL);
    expect(await newSpaceBytes(process.execPath, {}, ['scan', '.', '--history', '--format', 'json'])).toBeGreaterThan(KEPT_SMALL);
  });

  it('tells a history scan from other arguments (CLI and the Action\'s history input)', () => {
    expect(cliHistoryScan(['scan', '--history'])).toBe(true);
    expect(cliHistoryScan(['scan', 'repo', '--since', 'origin/main', '--history'])).toBe(true);
    expect(cliHistoryScan(['--no-color', 'scan', '--history', 'repo'])).toBe(true);
    expect(cliHistoryScan(['scan', 'repo'])).toBe(false);
    expect(cliHistoryScan(['scan', '--', '--history'])).toBe(false); // a folder named --history
    expect(cliHistoryScan(['baseline', '--history'])).toBe(false);
    expect(cliHistoryScan([])).toBe(false);
    expect(historyInputOn({ INPUT_HISTORY: 'on' })).toBe(true);
    expect(historyInputOn({ INPUT_HISTORY: ' True ' })).toBe(true);
    expect(historyInputOn({ INPUT_HISTORY: 'off' })).toBe(false);
    expect(historyInputOn({})).toBe(false);
  });

  it("follows the user's own young-generation flag in NODE_OPTIONS", async () => {
    expect(await newSpaceBytes(process.execPath, { NODE_OPTIONS: '--max-semi-space-size=16' })).toBeGreaterThan(KEPT_SMALL);
  });

  it('recognises young-generation flags on the command line and in NODE_OPTIONS, with - or _', () => {
    expect(youngGenerationChosenByUser([], {})).toBe(false);
    expect(youngGenerationChosenByUser(['--max-old-space-size=300'], { NODE_OPTIONS: '--enable-source-maps' })).toBe(false);
    expect(youngGenerationChosenByUser(['--max-semi-space-size=8'], {})).toBe(true);
    expect(youngGenerationChosenByUser([], { NODE_OPTIONS: '--import x.mjs --min_semi_space_size=4' })).toBe(true);
    expect(youngGenerationChosenByUser([], { NODE_OPTIONS: '--semi-space-growth-factor' })).toBe(true);
    expect(youngGenerationChosenByUser([], { NHI_STEWARD_YOUNG_GENERATION: ' Default ' })).toBe(true);
    expect(youngGenerationChosenByUser([], { NHI_STEWARD_YOUNG_GENERATION: 'small' })).toBe(false);
    expect(youngGenerationChosenByUser(['--semi-space-size-x=1'], {})).toBe(false);
  });
});

/**
 * bin/nhi-steward.js gives V8's optimising compiler a smaller inlining budget for a history scan
 * (src/core/parallel/inlining.ts): a stand-in CLI turns on V8's inlining trace and has V8 optimise a
 * function that calls a 74-byte one four times. The history scan's budget (100 bytes) leaves room
 * for exactly one; V8's (920) for all four, and it inlines at least two (four here on Node 20 and
 * 24 alone, three once in the Action's process on Node 24: its heuristics weigh more than size).
 */
describe('bin/nhi-steward.js: inlining budget', () => {
  const run = promisify(execFile);
  let pkg: string;
  beforeAll(() => {
    pkg = standInPackage('nhi-inlining-', INLINING_PROBE);
  });
  afterAll(() => rmSync(pkg, { recursive: true, force: true }));

  async function inlined(args: string[], extra: NodeJS.ProcessEnv = {}, node = process.execPath, nodeArgs: string[] = []): Promise<number> {
    const { stdout } = await run(node, [...nodeArgs, join(pkg, 'bin', 'nhi-steward.js'), ...args], { env: { ...probeEnv(), NHI_STEWARD_INLINING: '', ...extra }, timeout: 30_000 });
    expect(stdout).toContain('probe done');
    return inlinedCalls(stdout);
  }

  it('is smaller for a history scan than for a tree scan', async () => {
    expect(await inlined(['scan', '.', '--format', 'json'])).toBeGreaterThanOrEqual(2);
    expect(await inlined(['scan', '.', '--history', '--format', 'json'])).toBe(1);
  });

  it('is smaller for a history scan on Node 24', async (context) => {
    const node24 = node24OrSkip(await findNode24(), context);
    expect(await inlined(['scan'], {}, node24)).toBeGreaterThanOrEqual(2);
    expect(await inlined(['scan', '--history'], {}, node24)).toBe(1);
  }, 60_000);

  it("is V8's own with NHI_STEWARD_INLINING=default or an inlining flag of the user's", async () => {
    expect(await inlined(['scan', '.', '--history'], { NHI_STEWARD_INLINING: 'default' })).toBeGreaterThanOrEqual(2);
    // V8 refuses its flags in NODE_OPTIONS: the user's own comes on node's command line.
    expect(await inlined(['scan', '.', '--history'], {}, process.execPath, ['--max-inlined-bytecode-size-cumulative=920'])).toBeGreaterThanOrEqual(2);
  });

  it('recognises inlining flags on the command line and in NODE_OPTIONS, with - or _', () => {
    expect(inliningChosenByUser([], {})).toBe(false);
    expect(inliningChosenByUser(['--max-old-space-size=300'], { NODE_OPTIONS: '--enable-source-maps' })).toBe(false);
    expect(inliningChosenByUser(['--max-inlined-bytecode-size-cumulative=460'], {})).toBe(true);
    expect(inliningChosenByUser(['--no-turbo-inlining'], {})).toBe(true);
    expect(inliningChosenByUser(['--max_inlined_bytecode_size=100'], { NODE_OPTIONS: '--import x.mjs' })).toBe(true);
    expect(inliningChosenByUser([], { NHI_STEWARD_INLINING: ' Default ' })).toBe(true);
    expect(inliningChosenByUser([], { NHI_STEWARD_INLINING: 'small' })).toBe(false);
    expect(inliningChosenByUser(['--max-inlined-bytecode-sizes=1'], {})).toBe(false);
  });
});

/**
 * bin/nhi-steward.js on Node 20 (no `module.enableCompileCache`) loads the bundled CLI through our
 * code cache (src/cli/code-cache.ts). A stand-in bundle does what a real scan does to V8's flags
 * after load: it sets `--expose-gc` (a large file, src/core/parallel/large-file.ts) and starts a
 * worker (which resets V8's flags on Node 20 and 22). V8 stamps a cache with its flags at save
 * time and rejects it when they differ at load, and a cache the next run rejects is written again:
 * the test dates each cache file in the year 2000, and a file still dated so after a run shows
 * that the run used it (a new file's inode can be the old one's, freed by the rename).
 */
describe('bin/nhi-steward.js: code cache on Node 20', () => {
  const run = promisify(execFile);
  const BUNDLE = `'use strict';
const { setFlagsFromString } = require('node:v8');
const { Worker } = require('node:worker_threads');
exports.main = async (argv) => {
  setFlagsFromString('--expose-gc');
  await new Promise((resolve) => new Worker('0', { eval: true }).on('exit', resolve));
  console.log('ran ' + argv.join(' '));
  return 0;
};
`;
  let pkg: string;
  let temp: string;
  beforeAll(() => {
    pkg = standInPackage('nhi-code-cache-', "console.log('not the bundle');\n");
    mkdirSync(join(pkg, 'lib', 'bundle'));
    writeFileSync(join(pkg, 'lib', 'bundle', 'nhi-steward.cjs'), BUNDLE);
    const loader = readFileSync(join(import.meta.dirname, '../../src/cli/code-cache.ts'), 'utf8');
    writeFileSync(join(pkg, 'lib', 'cli', 'code-cache.js'), transformSync(loader, { loader: 'ts', format: 'esm' }).code);
  });
  afterAll(() => rmSync(pkg, { recursive: true, force: true }));
  beforeEach(() => {
    temp = mkdtempSync(join(pkg, 'temp-'));
  });

  async function start(args: string[], extra: NodeJS.ProcessEnv = {}, node = process.execPath): Promise<string> {
    const env: NodeJS.ProcessEnv = { ...process.env, TMPDIR: temp, NODE_OPTIONS: '', ...extra };
    for (const name of ['NODE_COMPILE_CACHE', 'NODE_DISABLE_COMPILE_CACHE', 'NHI_STEWARD_CODE_CACHE', 'NHI_STEWARD_YOUNG_GENERATION', 'NHI_STEWARD_INLINING']) if (!(name in extra)) delete env[name];
    const { stdout } = await run(node, [join(pkg, 'bin', 'nhi-steward.js'), ...args], { env, timeout: 30_000 });
    return stdout;
  }
  const cacheDir = () => join(temp, `nhi-steward-code-cache-${process.getuid!()}`);
  const Y2K = new Date('2000-01-01T00:00:00Z');
  /** Dates every cache file in 2000; returns their names. */
  const dateCacheFiles = () => readdirSync(cacheDir()).map((name) => (utimesSync(join(cacheDir(), name), Y2K, Y2K), name));
  /** Cache file name → whether it is still dated 2000 (not written since `dateCacheFiles`). */
  const cacheFiles = () => new Map(readdirSync(cacheDir()).map((name) => [name, statSync(join(cacheDir(), name)).mtimeMs === Y2K.getTime()]));

  it.runIf(typeof (module as { enableCompileCache?: unknown }).enableCompileCache !== 'function' && process.getuid !== undefined)(
    'saves the bundle\'s code at exit and uses it in later runs, whatever the run did to V8\'s flags',
    async () => {
      expect(await start(['scan', '.'])).toBe('ran scan .\n');
      const [tree] = dateCacheFiles();
      expect(await start(['scan', '.'])).toBe('ran scan .\n');
      expect(await start(['scan', 'other'])).toBe('ran scan other\n');
      expect(cacheFiles()).toEqual(new Map([[tree, true]])); // used, not written again
      // A history scan runs under other flags (inlining, young generation): a file of its own, used the same way.
      expect(await start(['scan', '.', '--history'])).toBe('ran scan . --history\n');
      expect(cacheFiles().size).toBe(2);
      dateCacheFiles();
      expect(await start(['scan', '.', '--history'])).toBe('ran scan . --history\n');
      expect(await start(['scan', '.'])).toBe('ran scan .\n');
      expect([...cacheFiles().values()]).toEqual([true, true]);
      // Another command gets a cache of its own (its first run compiles other code than a scan's).
      expect(await start(['explain', 'identity/unowned'])).toBe('ran explain identity/unowned\n');
      expect(cacheFiles().size).toBe(3);
      expect(cacheFiles().get(tree)).toBe(true);
      // A damaged cache is rejected, and the run writes a good one again.
      writeFileSync(join(cacheDir(), tree), 'not a cache');
      expect(await start(['scan', '.'])).toBe('ran scan .\n');
      expect(cacheFiles().get(tree)).toBe(false);
      dateCacheFiles();
      expect(await start(['scan', '.'])).toBe('ran scan .\n');
      expect(cacheFiles().get(tree)).toBe(true);
    },
    60_000,
  );

  it.runIf(typeof (module as { enableCompileCache?: unknown }).enableCompileCache !== 'function')('is off with NHI_STEWARD_CODE_CACHE=off', async () => {
    expect(await start(['scan', '.'], { NHI_STEWARD_CODE_CACHE: 'off' })).toBe('ran scan .\n');
    expect(existsSync(cacheDir())).toBe(false);
  });

  it('leaves it to Node\'s compile cache on Node 24', async (context) => {
    const node24 = node24OrSkip(await findNode24(), context);
    expect(await start(['scan', '.'], {}, node24)).toBe('ran scan .\n');
    expect(existsSync(cacheDir())).toBe(false);
    expect(readdirSync(join(temp, 'node-compile-cache')).length).toBeGreaterThan(0);
  }, 60_000);
});

/**
 * The bundled CLI is CommonJS built from ES modules, which are always strict mode code: its first
 * statement must be the "use strict" directive (esbuild writes one after our banner, where it does
 * not count). `npm ci` builds the bundle (prepare), as CI does.
 */
describe('lib/bundle/nhi-steward.cjs', () => {
  it('is strict mode code, as the ES modules it is built from', () => {
    const bundle = join(import.meta.dirname, '../../lib/bundle/nhi-steward.cjs');
    expect(existsSync(bundle), 'no lib/bundle/nhi-steward.cjs: run npm run build').toBe(true);
    expect(readFileSync(bundle, 'utf8')).toMatch(/^'use strict';\n/);
  });
});
