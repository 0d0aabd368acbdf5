import { readFileSync, writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { Ajv } from 'ajv';
import { configSchema, ownersSchema } from '../../../src/core/policy/schemas.js';

/**
 * schema/*.json ship in the package for editors; they are copies of src/core/policy/schemas.ts.
 * Refresh them with: UPDATE_SCHEMAS=1 npx vitest run test/unit/policy/schema-files.test.ts
 */
const FILES = [
  ['schema/nhi-owners.schema.json', ownersSchema],
  ['schema/nhi-steward.schema.json', configSchema],
] as const;

describe('shipped JSON Schemas', () => {
  it.each(FILES)('%s is the schema the core validates with', (path, schema) => {
    const expected = `${JSON.stringify(schema, null, 2)}\n`;
    if (process.env.UPDATE_SCHEMAS) writeFileSync(path, expected);
    expect(readFileSync(path, 'utf8')).toBe(expected);
  });

  it.each(FILES)('%s compiles under ajv strict mode (draft-07; unknown keywords are errors)', (_path, schema) => {
    expect(() => new Ajv({ strict: true, strictRequired: false, allowUnionTypes: true }).compile(schema)).not.toThrow();
  });
});
