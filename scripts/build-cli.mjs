// Bundles the CLI into lib/bundle/ (run by `npm run build`, after tsc): one CommonJS file for the
// command line and one ESM file for each worker thread beside it, so that start-up reads and links two
// files instead of ~130 modules (docs/performance.md, "Start-up"). bin/nhi-steward.js runs the
// bundle when it is there, else lib/cli/main.js. lib/bundle/ sits two levels below the package
// root as lib/cli/ does, so `new URL('../../package.json', import.meta.url)` and the schema
// paths resolve the same from both. Dependencies are bundled too; nothing of the App
// (probot, Octokit, BullMQ) is reachable from the CLI's imports.
import { build } from 'esbuild';
import { mkdirSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { dropSamplesPlugin } from './drop-samples.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const outdir = join(root, 'lib', 'bundle');
mkdirSync(outdir, { recursive: true });
// One CommonJS file per on-demand dependency: requiring yaml from node_modules reads ~60 files; one
// bundled file is a fraction of that (docs/performance.md, "Start-up"). ajv was one too until its
// schemas were compiled ahead of time (scripts/schema-validators.ts): nothing requires it now.
const VENDOR = { yaml: 'yaml' };
mkdirSync(join(outdir, 'vendor'), { recursive: true });
for (const [name, entry] of Object.entries(VENDOR)) {
  await build({
    entryPoints: [entry],
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    legalComments: 'none',
    logLevel: 'warning',
    absWorkingDir: root,
    minifyWhitespace: true,
    minifySyntax: true,
    outfile: join(outdir, 'vendor', `${name}.cjs`),
  });
}
const vendorPlugin = {
  name: 'nhi-vendor',
  setup(b) {
    b.onResolve({ filter: /^yaml$/ }, (args) => ({ path: `./vendor/${args.path}.cjs`, external: true }));
  },
};
const common = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'esm',
  legalComments: 'none',
  logLevel: 'warning',
  absWorkingDir: root,
  // yaml is loaded on demand only (a config or owners file to read), so a scan without one does
  // not even compile it: it is bundled into its own file under vendor/ (above) and the bundle's
  // `require('yaml')` call points there.
  // The detectors' samples stay out of the bundle (scripts/drop-samples.mjs).
  plugins: [vendorPlugin, dropSamplesPlugin],
  minifyWhitespace: true,
  minifySyntax: true,
  // Some CommonJS dependencies call require() for Node built-ins; yaml is required on demand.
  banner: { js: "import { createRequire as __nhiCreateRequire } from 'node:module'; const require = __nhiCreateRequire(import.meta.url);" },
};
// The CLI itself is CommonJS (src/cli/entry.ts exports `main`): bin/nhi-steward.js requires it where
// Node has a compile cache (22.1+) and, on Node 20, compiles it through V8's code cache itself
// (src/cli/code-cache.ts), which a vm.Script can do and an ES module cannot without a flag. Its
// `import.meta.url` is the bundle's own file URL.
await build({
  ...common,
  format: 'cjs',
  // "use strict" first: esbuild writes its own after the banner, where it no longer counts, and the
  // code was written for (and tested as) ES modules, which are always strict.
  banner: { js: "'use strict';\nconst __nhiModuleUrl = require('node:url').pathToFileURL(__filename).href;" },
  define: { 'import.meta.url': '__nhiModuleUrl' },
  // Every import() becomes require(): functions restored from our code cache on Node 20 cannot
  // import (src/cli/code-cache.ts).
  supported: { 'dynamic-import': false },
  entryPoints: ['src/cli/entry.ts'],
  outfile: join(outdir, 'nhi-steward.cjs'),
});
// The worker is started from ./secrets-worker.js beside the module that starts it (src/core/parallel/pool.ts).
rmSync(join(outdir, 'nhi-steward.js'), { force: true }); // the ES module bundle of earlier builds
await build({ ...common, entryPoints: ['src/core/parallel/secrets-worker.ts'], outfile: join(outdir, 'secrets-worker.js') });
// History mode's worker, started from ./history-worker.js beside it the same way (src/workspace/history-pool.ts).
await build({ ...common, entryPoints: ['src/workspace/history-worker.ts'], outfile: join(outdir, 'history-worker.js') });
// The read-ahead thread (src/core/parallel/reader.ts looks for ./reader-worker.js the same way): no scanning code, a few KB.
await build({ ...common, entryPoints: ['src/core/parallel/reader-worker.ts'], outfile: join(outdir, 'reader-worker.js') });
