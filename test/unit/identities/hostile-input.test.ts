import { describe, expect, it } from 'vitest';
import { extractCloudFormation } from '../../../src/core/identities/cloudformation.js';
import { extractCompose } from '../../../src/core/identities/compose.js';
import { extractKubernetes } from '../../../src/core/identities/kubernetes.js';
import { extractWorkflow } from '../../../src/core/identities/workflows.js';
import type { ExtractResult, SourceFile } from '../../../src/core/types.js';
import { cpuTimed } from '../../support/cpu-time.js';

// docs/architecture.md, "What every mode guarantees": no regex in an extractor can be driven into catastrophic backtracking. Each input is
// ~200 KB shaped against one pattern; quadratic behaviour would take minutes, linear takes ms.
const N = 200_000;
const cases: Array<[string, (f: SourceFile) => ExtractResult, string, string]> = [
  ['unclosed Helm action on a long line', extractKubernetes, 'x.yaml', `apiVersion: v1\nkind: Pod\nmetadata:\n  name: {{${' '.repeat(N)}\n`],
  ['many Helm actions', extractKubernetes, 'x.yaml', `apiVersion: v1\nkind: Pod\n${'{{ }}'.repeat(N / 5)}\n`],
  ['URL-like value without @', extractCompose, 'docker-compose.yml', `services:\n  a:\n    environment:\n      X_PASSWORD_URL: "a://${'b:'.repeat(N / 2)}"\n`],
  ['secrets. repeated', extractWorkflow, '.github/workflows/x.yml', `on: push\njobs:\n  a:\n    steps:\n      - run: \${{ ${'secrets.'.repeat(N / 8)} }}\n`],
  ['Sub string full of ${', extractCloudFormation, 't.yaml', `Resources:\n  U:\n    Type: AWS::IAM::User\n    Properties:\n      UserName: !Sub "${'${a.'.repeat(N / 4)}"\n`],
];

describe('hostile input stays linear', () => {
  it.each(cases)('%s', (_name, extract, path, content) => {
    const { ms } = cpuTimed(() => expect(() => extract({ path, content })).not.toThrow());
    expect(ms).toBeLessThan(2000);
  });
});
