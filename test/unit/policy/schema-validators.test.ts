import { readFileSync, writeFileSync } from 'node:fs';
import { Ajv } from 'ajv';
import { describe, expect, it } from 'vitest';
import { configSchema, ownersSchema } from '../../../src/core/policy/schemas.js';
import { validateConfig, validateOwners } from '../../../src/core/policy/schema-validators.js';
import { GENERATED_VALIDATORS, generateValidators } from '../../../scripts/schema-validators.js';

/**
 * The validators are compiled ahead of time (scripts/schema-validators.ts). Refresh them after a
 * schema change with: UPDATE_SCHEMAS=1 npx vitest run test/unit/policy/schema-validators.test.ts
 */
describe('ahead-of-time schema validators', () => {
  it('src/core/policy/schema-validators.generated.ts is what ajv generates from the schemas today', () => {
    const expected = generateValidators();
    if (process.env.UPDATE_SCHEMAS) writeFileSync(GENERATED_VALIDATORS, expected);
    expect(readFileSync(GENERATED_VALIDATORS, 'utf8')).toBe(expected);
  });

  // The same documents through the generated validators and through ajv compiling the schemas at
  // run time (what the core did before): same verdicts, same errors.
  const runtime = new Ajv({ allErrors: true, strict: false, verbose: true, validateSchema: false });
  const cases: [string, unknown][] = [
    ['an empty config', {}],
    ['a full config', { 'paths-ignore': ['dist/**'], 'max-file-size': '8MB', 'fail-on': 'warning', detectors: { disabled: ['jwt'], severity: { jwt: 'info' }, custom: [{ id: 'acme', regex: 'acme_[a-z]{8}' }] } }],
    ['unknown keys and wrong types', { 'max-file-size': -1, 'fail-on': 'sometimes', typo: true, detectors: { custom: [{ id: 'x', regex: '' }] } }],
    ['a config that is a list', ['a']],
  ];
  it.each(cases)('config: %s', (_name, document) => {
    const reference = runtime.compile(configSchema);
    expect(validateConfig(document)).toBe(reference(document));
    expect(strip(validateConfig.errors)).toEqual(strip(reference.errors));
  });

  const owners: [string, unknown][] = [
    ['a valid owners file', { identities: [{ match: 'kubernetes:*', owner: '@acme/platform', rotation: '90d' }] }],
    ['an entry with no owner, an empty justification and an unknown key', { identities: [{ match: 'x', justification: '', colour: 'red' }] }],
    ['identities that are not a list', { identities: 'all' }],
  ];
  it.each(owners)('owners: %s', (_name, document) => {
    const reference = runtime.compile(ownersSchema);
    expect(validateOwners(document)).toBe(reference(document));
    expect(strip(validateOwners.errors)).toEqual(strip(reference.errors));
  });
});

/** Errors without the schema objects (the same content, but different object identities). */
function strip(errors: unknown): unknown {
  return (errors as { schema?: unknown; parentSchema?: unknown }[] | null | undefined)?.map(({ schema: _s, parentSchema: _p, ...rest }) => rest) ?? errors;
}
