// Evaluated before every other module of the Action (index.ts imports it first): the young
// generation must be kept small before loading the bundle grows it (docs/performance.md, "Young generation").
// A history scan (input `history: on`) keeps V8's default growth: faster there, and its memory
// bound is not a tree scan's (src/core/parallel/young-generation.ts); it also gives V8's optimising
// compiler a smaller inlining budget (src/core/parallel/inlining.ts).
import { lessInliningForHistory } from '../core/parallel/inlining.js';
import { keepYoungGenerationSmall } from '../core/parallel/young-generation.js';
import { historyInputOn } from './on-off.js';

const historyScan = historyInputOn(process.env);
keepYoungGenerationSmall(process.execArgv, process.env, historyScan);
lessInliningForHistory(process.execArgv, process.env, historyScan);
