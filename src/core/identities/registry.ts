import type { Extractor } from '../types.js';
import { terraformExtractor } from './terraform.js';

/**
 * Every platform extractor, in one list. Adding a platform takes one new module and one line here.
 * (Filled in by the extractor modules; see identities/*.ts.)
 */
export const extractors: Extractor[] = [terraformExtractor];
