import { describe, expect, it } from 'vitest';
import { scanSecrets } from '../../../src/core/secrets/engine.js';
import { defaultSettings } from '../../../src/core/types.js';

/**
 * Provider tokens without a prefix of their own are taken only next to the provider's name. In a
 * Kubernetes env list the name is on the line before the value; real manifests do this.
 */
describe('provider tokens named on the line before, in an env list', () => {
  const manifest = (name: string, value: string) =>
    ['apiVersion: apps/v1', 'kind: Deployment', 'spec:', '  template:', '    spec:', '      containers:', '        - name: app', '          env:', `            - name: ${name}`, `              value: "${value}"`, ''].join('\n');

  it.each([
    ['FASTLY_KEY', 'Qm7vT2xWc9LpZr4KsHd1NbYe6JfA3uGo', 'secret/fastly-api-token'],
    ['X_HONEYCOMB_TEAM', '5e0c9a1f7b3d48e2a6c4f19d8b72e03a', 'secret/honeycomb-api-key'],
    ['CODECOV_TOKEN', '7f3c2a91-4be6-4d0a-9c58-1e2d6b8f0a47', 'secret/codecov-token'],
  ])('%s', (name, value, rule) => {
    const findings = scanSecrets({ path: 'deploy/app.yaml', content: manifest(name, value) }, defaultSettings());
    expect(findings.map((f) => [f.rule, f.line])).toEqual([[rule, 10]]);
    expect(JSON.stringify(findings)).not.toContain(value);
  });

  it('does not reach past the value line', () => {
    const content = ['env:', '  - name: FASTLY_KEY', '    valueFrom:', '      secretKeyRef: { name: fastly, key: token }', '  - name: OTHER', '    value: "Qm7vT2xWc9LpZr4KsHd1NbYe6JfA3uGo"', ''].join('\n');
    const rules = scanSecrets({ path: 'deploy/app.yaml', content }, defaultSettings()).map((f) => f.rule);
    expect(rules).not.toContain('secret/fastly-api-token');
  });
});
