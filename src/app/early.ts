// Evaluated before every other module of the App's server (server.ts imports it first): V8's young
// generation is kept small before loading Probot grows it. Without it, on Node 24 a 1 GB full scan
// peaked at 302-324 MB RSS with V8's defaults (a 128 MB new space); the user's own
// young-generation flags win (docs/performance.md, "The App's full scan").
import { keepYoungGenerationSmall } from '../core/parallel/young-generation.js';

keepYoungGenerationSmall(process.execArgv, process.env);
