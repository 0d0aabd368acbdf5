import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { UNVERIFIABLE, VERIFY_SPECS } from '../../../src/verify/index.js';

describe('docs/verification.md', () => {
  it('lists every verifier with its endpoint, and every detector left unverified on purpose', () => {
    const doc = readFileSync('docs/verification.md', 'utf8');
    for (const [key, spec] of Object.entries(VERIFY_SPECS)) {
      expect(doc, key).toContain(`\`${key}\``);
      expect(doc, key).toContain(`(\`${spec.provider}\`)`);
      if (spec.base) expect(doc, key).toContain(`${spec.request.method} ${spec.base}${spec.request.path.replace('{0}', '<sid>')}`);
    }
    for (const key of Object.keys(UNVERIFIABLE)) expect(doc, key).toContain(`\`${key}\``);
  });
});
