import './early.js'; // first: keeps V8's young generation small for the scan (docs/performance.md, "Young generation")
import { run } from './run.js';

void run();
