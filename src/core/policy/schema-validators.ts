import type { ValidateFunction } from 'ajv';
import { validateConfig as config, validateOwners as owners } from './schema-validators.generated.js';

/**
 * The config and owners-file schemas' validators (src/core/policy/schemas.ts), compiled ahead of
 * time by scripts/schema-validators.ts with the options schemaProblems reads errors with (all
 * errors, verbose). Nothing compiles a schema at run time, and ajv's compiler is not loaded.
 */
export const validateConfig = config as unknown as ValidateFunction;
export const validateOwners = owners as unknown as ValidateFunction;
