#!/usr/bin/env node
// The bundled CLI (lib/bundle/, built by `npm run build`: one file to load instead of ~130
// modules, docs/performance.md "Start-up"), else the compiled modules of lib/.
import { existsSync } from 'node:fs';
import module from 'node:module';
import { lessInliningForHistory } from '../lib/core/parallel/inlining.js';
import { cliHistoryScan, keepYoungGenerationSmall } from '../lib/core/parallel/young-generation.js';

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

// Node 22.1+: V8 keeps the compiled code of the modules loaded below in a disk cache (in the
// system's temporary folder; NODE_DISABLE_COMPILE_CACHE=1 turns it off), so later runs skip most
// of their compilation (docs/performance.md, "Start-up"). Node 20 has no such cache: a no-op.
module.enableCompileCache?.();

const bundle = new URL('../lib/bundle/nhi-steward.js', import.meta.url);
await import(existsSync(bundle) ? bundle.href : '../lib/cli/main.js');
