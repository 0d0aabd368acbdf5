// Bundles the Action into dist/ (committed; CI fails when it is stale). One ESM file that runs on
// Node 20 and Node 24, plus the secrets worker entry so the bundle can use both cores.
// `--outdir DIR` builds elsewhere (the tests run a fresh bundle from a folder with no node_modules
// around it, so a dependency left out of the bundle fails there as it would on a runner).
import { build } from 'esbuild';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { dropSamplesPlugin } from './drop-samples.mjs';

// Paths in the bundle's comments are relative to the working directory: pin it, so the output is
// the same byte for byte wherever the script is started from.
const flag = process.argv.indexOf('--outdir');
const outdir = flag >= 0 && process.argv[flag + 1] ? resolve(process.argv[flag + 1]) : 'dist';
const root = join(dirname(fileURLToPath(import.meta.url)), '..');
process.chdir(root);

const pkg = JSON.parse(readFileSync('package.json', 'utf8'));
const common = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'esm',
  legalComments: 'none',
  logLevel: 'warning',
  absWorkingDir: root,
  // Some CommonJS dependencies call require() for Node built-ins.
  banner: { js: "import { createRequire as __nhiCreateRequire } from 'node:module'; const require = __nhiCreateRequire(import.meta.url);" },
  define: { __ACTION_VERSION__: JSON.stringify(pkg.version) },
  // The detectors' samples stay out of the bundle (scripts/drop-samples.mjs).
  plugins: [dropSamplesPlugin],
};

mkdirSync(outdir, { recursive: true });
// Entry → bundle. Worker threads are started from a file beside the module that starts them
// (src/core/parallel/pool.ts looks for ./secrets-worker.js next to import.meta.url, which in the
// bundle is dist/index.js); a worker entry not in this tree yet is skipped.
const ENTRIES = [
  { entry: 'src/action/index.ts', out: 'index.js', required: true },
  { entry: 'src/core/parallel/secrets-worker.ts', out: 'secrets-worker.js', required: false },
  // History mode's worker (src/workspace/history-pool.ts looks for ./history-worker.js the same way).
  { entry: 'src/workspace/history-worker.ts', out: 'history-worker.js', required: false },
  // The folder scan's read-ahead thread (src/core/parallel/reader.ts looks for ./reader-worker.js the same way).
  { entry: 'src/core/parallel/reader-worker.ts', out: 'reader-worker.js', required: false },
];
for (const { entry, out, required } of ENTRIES) {
  if (!required && !existsSync(entry)) continue;
  await build({ ...common, entryPoints: [entry], outfile: join(outdir, out) });
}
writeFileSync(join(outdir, 'package.json'), JSON.stringify({ type: 'module', private: true }, null, 2) + '\n');
