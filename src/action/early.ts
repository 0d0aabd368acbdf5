// Evaluated before every other module of the Action (index.ts imports it first): the young
// generation must be kept small before loading the bundle grows it (docs/performance.md, "Young generation").
import { keepYoungGenerationSmall } from '../core/parallel/young-generation.js';

keepYoungGenerationSmall(process.execArgv, process.env);
