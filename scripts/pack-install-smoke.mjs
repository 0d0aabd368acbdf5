#!/usr/bin/env node
/**
 * The install path the README promises, as a fresh machine takes it: `npm pack`, then
 * `npm install -g ./nhi-steward-*.tgz` into a temporary prefix, then the installed `nhi-steward`
 * run from a folder outside the repository. Also proves the CLI install is lean (no probot,
 * bullmq or @actions/* pulled in) and prints the installed size.
 *
 *   node scripts/pack-install-smoke.mjs [--node /path/to/node]...   (.ci/run calls it)
 *
 * Each `--node` also runs the installed CLI with that Node binary (Node 22 / 24 in .ci/run).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, statSync, utimesSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '..');
const nodes = [process.execPath, ...process.argv.flatMap((arg, i) => (arg === '--node' && process.argv[i + 1] ? [process.argv[i + 1]] : []))];
const work = mkdtempSync(join(tmpdir(), 'nhi-pack-'));
const fail = (message) => {
  console.error(`pack-install-smoke: ${message}`);
  process.exitCode = 1;
};

try {
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  execFileSync(npm, ['pack', '--silent', '--pack-destination', work], { cwd: root, stdio: ['ignore', 'ignore', 'inherit'] });
  const tarball = readdirSync(work).find((f) => /^nhi-steward-.*\.tgz$/.test(f));
  if (!tarball) throw new Error('npm pack wrote no nhi-steward-*.tgz');
  const prefix = join(work, 'prefix');
  const install = spawnSync(npm, ['install', '-g', '--prefix', prefix, '--no-audit', '--no-fund', join(work, tarball)], { cwd: work, encoding: 'utf8' });
  if (install.status !== 0) throw new Error(`npm install -g failed:\n${install.stderr}`);
  if (/EBADENGINE/.test(install.stderr)) fail(`engine warnings while installing:\n${install.stderr}`);

  const pkgDir = join(prefix, process.platform === 'win32' ? '' : 'lib', 'node_modules', 'nhi-steward');
  const installed = readdirSync(join(pkgDir, 'node_modules'), { withFileTypes: true }).flatMap((d) =>
    d.name.startsWith('@') ? readdirSync(join(pkgDir, 'node_modules', d.name)).map((n) => `${d.name}/${n}`) : [d.name],
  );
  const heavy = installed.filter((n) => n === 'probot' || n === 'bullmq' || n.startsWith('@actions/'));
  if (heavy.length > 0) fail(`the CLI install pulled in ${heavy.join(', ')}`);
  const du = spawnSync('du', ['-sk', pkgDir], { encoding: 'utf8' });
  const sizeMb = du.status === 0 ? (Number(du.stdout.split(/\s/)[0]) / 1024).toFixed(1) : '?';

  // Outside the repository: a temporary folder with one planted (fake) token.
  const project = join(work, 'project');
  mkdirSync(project);
  const token = ['ghp', '_', 'Se7mLigY3WFGA8cFWhJ4jXlrkJzOu83tzXUw'].join('');
  writeFileSync(join(project, 'deploy.sh'), `export GH_TOKEN=${token}\n`);
  writeFileSync(join(work, 'good.yml'), 'fail-on: none\n');
  writeFileSync(join(work, 'bad.yml'), 'max-file-size: 1048576\nfail-onn: none\n');
  const bin = join(pkgDir, 'bin', 'nhi-steward.js');
  for (const node of nodes) {
    const nodeVersion = execFileSync(node, ['--version'], { encoding: 'utf8' }).trim();
    const fail = (message) => {
      console.error(`pack-install-smoke (Node ${nodeVersion}): ${message}`);
      process.exitCode = 1;
    };
    // A temporary folder of its own: on Node 20 the CLI keeps its code cache there (src/cli/code-cache.ts).
    const temp = mkdtempSync(join(work, 'tmp-'));
    const cli = (args) => spawnSync(node, [bin, ...args], { cwd: project, encoding: 'utf8', env: { ...process.env, CI: 'true', TMPDIR: temp, NHI_STEWARD_CODE_CACHE: '' } });
    const version = cli(['--version']);
    if (version.status !== 0) fail(`--version failed: ${version.stderr}`);
    const scan = cli(['scan', '.']);
    if (scan.status !== 1 || !scan.stdout.includes('deploy.sh') || !scan.stdout.includes('ghp_…')) fail(`scan did not report the token (exit ${scan.status}):\n${scan.stdout}${scan.stderr}`);
    // Without Node's compile cache (Node 20): the first run of each command saved the bundle's
    // code; every later run of it (same flags) must use it, not write it again. The saved files are
    // dated 2000 to tell.
    const ownCache = execFileSync(node, ['-p', "typeof require('node:module').enableCompileCache !== 'function' && typeof process.getuid === 'function'"], { encoding: 'utf8' }).trim() === 'true';
    const cacheDir = ownCache ? join(temp, `nhi-steward-code-cache-${process.getuid()}`) : undefined;
    const Y2K = new Date('2000-01-01T00:00:00Z');
    const dated = cacheDir && existsSync(cacheDir) ? readdirSync(cacheDir) : [];
    if (cacheDir) {
      if (dated.length !== 2) fail(`--version and scan saved ${dated.length} code cache file(s) in ${cacheDir}, not 2`);
      for (const name of dated) utimesSync(join(cacheDir, name), Y2K, Y2K);
    }
    if ((scan.stdout + scan.stderr).includes(token)) fail('scan printed the whole token');
    const file = cli(['scan', 'deploy.sh', '-q']);
    if (file.status !== 1) fail(`scan FILE exit ${file.status}`);
    // A config file loads yaml and ajv from the installed bundle's vendor/ files: a good one is
    // obeyed, a bad one is named with its file and line.
    const good = cli(['scan', '.', '--config', join(work, 'good.yml'), '-q']);
    if (good.status !== 0) fail(`scan with fail-on none in a config file: exit ${good.status}\n${good.stderr}`);
    const bad = cli(['scan', '.', '--config', join(work, 'bad.yml'), '-q']);
    if (bad.status !== 2 || !bad.stderr.includes('bad.yml:2:1') || !bad.stderr.includes('did you mean "fail-on"')) fail(`a bad config file was not named (exit ${bad.status}):\n${bad.stderr}`);
    const explain = cli(['explain', 'identity/unowned']);
    if (explain.status !== 0 || !explain.stdout.includes('NHI1')) fail(`explain failed:\n${explain.stdout}${explain.stderr}`);
    const schema = cli(['schema', 'owners']);
    if (schema.status !== 0 || !JSON.parse(schema.stdout).$id) fail('schema owners printed no schema');
    if (cacheDir) {
      const rewritten = dated.filter((name) => statSync(join(cacheDir, name)).mtimeMs !== Y2K.getTime());
      if (rewritten.length > 0) fail(`later runs did not use the code cache: ${rewritten.join(', ')} written again`);
    }
    console.log(`pack-install-smoke: ${tarball} installed into a temporary prefix (${sizeMb} MB, ${installed.length} packages), run outside the repository on Node ${nodeVersion}${cacheDir ? ', code cache used' : ''}: ${process.exitCode ? 'FAILED' : 'ok'}`);
  }
} catch (error) {
  fail(error.message);
} finally {
  rmSync(work, { recursive: true, force: true });
}
