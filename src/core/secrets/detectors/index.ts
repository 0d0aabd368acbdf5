import type { Detector } from '../detector.js';
import { cloudDetectors } from './cloud.js';
import { githubDetectors } from './github.js';

/**
 * The whole catalog. Each provider group lives in its own module beside its samples; adding a
 * detector takes the detector and its samples, nothing else.
 */
export const allDetectors: Detector[] = [
  ...cloudDetectors,
  ...githubDetectors,
];
