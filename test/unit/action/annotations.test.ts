import { describe, expect, it } from 'vitest';
import { annotationsFor, SHOWN_PER_LEVEL } from '../../../src/action/annotations.js';
import { secretFinding } from '../report/sample-result.js';

describe("the Action's annotations", () => {
  it('show a commit author or value from the repository escaped, keeping the line breaks of a merged annotation', () => {
    // A PR's commits carry whatever author name their committer typed; the log would render its
    // terminal codes.
    const hostile = secretFinding({ message: 'GitHub personal access token — introduced in commit 1a2b3c4 by Mallory\u001b[2J\u202egnp.exe on 2024-01-01' });
    const [one] = annotationsFor([hostile]);
    expect(one.message).toBe('GitHub personal access token — introduced in commit 1a2b3c4 by Mallory\\u001b[2J\\u202egnp.exe on 2024-01-01');
    const identity = { ...secretFinding(), rule: 'identity/unowned', level: 'warning' as const, identityId: 'k8s:sa/a', message: 'no owner\u0007' };
    const merged = annotationsFor([identity, { ...identity, rule: 'credential/no-rotation', message: 'no rotation' }]);
    expect(merged).toHaveLength(1);
    expect(merged[0].message).toBe('no owner\\u0007\nno rotation');
    expect(merged[0].properties.title).toBe('identity/unowned, credential/no-rotation');
  });

  it('name a file whose name holds control characters escaped (a plain name as it is)', () => {
    const [odd, plain] = annotationsFor([secretFinding({ file: 'deploy\u0001\u001b[2K.env' }), secretFinding({ file: 'src/config.js', fingerprint: 'other' })]);
    expect([odd.properties.file, plain.properties.file].sort()).toEqual(['deploy\\u0001\\u001b[2K.env', 'src/config.js']);
  });

  it('stop at the per-level limit', () => {
    const many = Array.from({ length: SHOWN_PER_LEVEL + 3 }, (_, i) => secretFinding({ line: i + 1, fingerprint: `fp${i}` }));
    expect(annotationsFor(many)).toHaveLength(SHOWN_PER_LEVEL);
  });
});
