// Evaluated before every other module of the Action (index.ts imports it first): the young
// generation must be kept small before loading the bundle grows it (docs/performance.md, "Young generation").
// A history scan (input `history: on`) keeps V8's default growth: faster there, and its memory
// bound is not a tree scan's (src/core/parallel/young-generation.ts).
import { keepYoungGenerationSmall } from '../core/parallel/young-generation.js';
import { historyInputOn } from './on-off.js';

keepYoungGenerationSmall(process.execArgv, process.env, historyInputOn(process.env));
