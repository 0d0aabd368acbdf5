#!/usr/bin/env node
// The bundled CLI (lib/bundle/, built by `npm run build`: one file to load instead of ~130
// modules, docs/performance.md "Start-up"), else the compiled modules of lib/.
import { existsSync } from 'node:fs';
import module from 'node:module';
import { fileURLToPath } from 'node:url';
import { setFlagsFromString } from 'node:v8';
import { lessInliningAgain, lessInliningApplied, lessInliningForHistory } from '../lib/core/parallel/inlining.js';
import { cliHistoryScan, keepYoungGenerationSmall, keepYoungGenerationSmallAgain, youngGenerationKeptSmall } from '../lib/core/parallel/young-generation.js';

// Keep V8's young generation at its starting size (two 1 MB semi-spaces) instead of letting it
// grow to 32 MB: a scan makes much short-lived garbage, and a grown young generation stays
// resident. It must happen before anything else is loaded; a young-generation flag of the user's
// own (NODE_OPTIONS) or NHI_STEWARD_YOUNG_GENERATION=default leaves V8's default
// (src/core/parallel/young-generation.ts; docs/performance.md, "Young generation"). A history
// scan (`scan --history`) keeps V8's default: faster there, and on a dense history no larger.
// A history scan also gives V8's optimising compiler a smaller inlining budget: on two cores it
// competes with git for the second one (src/core/parallel/inlining.ts; docs/history.md).
const historyScan = cliHistoryScan(process.argv.slice(2));
keepYoungGenerationSmall(process.execArgv, process.env, historyScan);
lessInliningForHistory(process.execArgv, process.env, historyScan);

const bundle = new URL('../lib/bundle/nhi-steward.cjs', import.meta.url);
if (!existsSync(bundle)) {
  // No build (a source checkout): the compiled modules of lib/.
  module.enableCompileCache?.();
  await import('../lib/cli/main.js');
} else if (module.enableCompileCache) {
  // Node 22.1+: V8 keeps the compiled code of the bundle in Node's disk cache (in the system's
  // temporary folder; NODE_DISABLE_COMPILE_CACHE=1 turns it off), so later runs skip most of
  // their compilation (docs/performance.md, "Start-up").
  module.enableCompileCache();
  process.exitCode = await module.createRequire(import.meta.url)(fileURLToPath(bundle)).main(process.argv.slice(2));
} else {
  // Node 20 has no such cache: the bundle goes through our own (src/cli/code-cache.ts), in a
  // folder of the user's own under the temporary folder (NHI_STEWARD_CODE_CACHE=off turns it off).
  // V8 stamps a cache with its flags at save time and rejects it when they differ at load. So the
  // flag a large file sets later (expose-gc, src/core/parallel/large-file.ts) is set now, and the
  // flags set here are set again before saving: a worker's start-up resets the young-generation
  // one on Node 20 (the inlining one it leaves, measured; set again all the same).
  const flags = () => {
    setFlagsFromString('--expose-gc');
    keepYoungGenerationSmallAgain();
    lessInliningAgain();
  };
  flags();
  const { codeCacheDir, loadWithCodeCache } = await import('../lib/cli/code-cache.js');
  // The cache holds what its first run compiled, so each command has its own: a first run of
  // `--version` or `explain` would otherwise leave later scans a cache without the scanning code.
  const command = process.argv.slice(2).find((arg) => !arg.startsWith('-')) ?? '';
  const variant = JSON.stringify([command, youngGenerationKeptSmall(), lessInliningApplied(), process.execArgv, process.env.NODE_OPTIONS ?? '']);
  const loaded = loadWithCodeCache(fileURLToPath(bundle), { dir: codeCacheDir(process.env), variant, beforeSave: flags });
  if (loaded.status !== 'used') process.once('exit', () => loaded.save());
  process.exitCode = await loaded.exports.main(process.argv.slice(2));
}
