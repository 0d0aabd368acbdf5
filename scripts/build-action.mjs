// Bundles the Action into dist/ (committed; CI fails when it is stale). One ESM file that runs on
// Node 20 and Node 24, plus the secrets worker entry so the bundle can use both cores.
import { build } from 'esbuild';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';

const pkg = JSON.parse(readFileSync('package.json', 'utf8'));
const common = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'esm',
  legalComments: 'none',
  logLevel: 'warning',
  // Some CommonJS dependencies call require() for Node built-ins.
  banner: { js: "import { createRequire as __nhiCreateRequire } from 'node:module'; const require = __nhiCreateRequire(import.meta.url);" },
  define: { __ACTION_VERSION__: JSON.stringify(pkg.version) },
};

mkdirSync('dist', { recursive: true });
await build({ ...common, entryPoints: ['src/action/index.ts'], outfile: 'dist/index.js' });
const worker = ['src/core/parallel/worker.ts', 'src/core/secrets/worker.ts'].find((p) => existsSync(p));
if (worker) await build({ ...common, entryPoints: [worker], outfile: 'dist/worker.js' });
writeFileSync('dist/package.json', JSON.stringify({ type: 'module', private: true }, null, 2) + '\n');
