import type { Extractor } from '../types.js';
import { cloudformationExtractor } from './cloudformation.js';
import { composeExtractor } from './compose.js';
import { kubernetesExtractor } from './kubernetes.js';
import { terraformExtractor } from './terraform.js';
import { workflowsExtractor } from './workflows.js';

/**
 * Every platform extractor, in one list. Adding a platform takes one new module and one line here.
 * (Filled in by the extractor modules; see identities/*.ts.)
 */
export const extractors: Extractor[] = [
  terraformExtractor,
  kubernetesExtractor,
  cloudformationExtractor,
  workflowsExtractor,
  composeExtractor,
];
