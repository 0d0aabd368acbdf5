import { describe, expect, it } from 'vitest';
import { cloudformationExtractor, samples as cfnSamples } from '../../../src/core/identities/cloudformation.js';
import { composeExtractor, samples as composeSamples } from '../../../src/core/identities/compose.js';
import { kubernetesExtractor, samples as k8sSamples } from '../../../src/core/identities/kubernetes.js';
import { workflowsExtractor, samples as workflowSamples } from '../../../src/core/identities/workflows.js';
import { extractSet } from './fixture-set.js';

// Each extractor sits beside its samples (CONTRIBUTING.md, "Adding an extractor"); this one table runs them all.
const tables = [
  { extractor: kubernetesExtractor, samples: k8sSamples },
  { extractor: cloudformationExtractor, samples: cfnSamples },
  { extractor: workflowsExtractor, samples: workflowSamples },
  { extractor: composeExtractor, samples: composeSamples },
];

describe.each(tables)('$extractor.platform samples', ({ extractor, samples }) => {
  it.each(samples)('$name', (sample) => {
    const file = { path: sample.path, content: sample.input };
    expect(extractor.matches(file.path, file.content)).toBe(true);
    const set = extractSet(extractor, [file]);
    expect(set.errors).toEqual([]);
    expect(set.records.map((r) => r.id).sort()).toEqual([...sample.ids].sort());
    for (const [target, usedBy, via] of sample.edges ?? []) {
      expect(set.byId(target).usedBy.map((u) => [u.id, u.via])).toContainEqual([usedBy, via]);
    }
  });
});

describe('platform routing', () => {
  it.each([
    ['k8s/deploy.yaml', 'apiVersion: v1\nkind: Pod\n', 'kubernetes'],
    ['.github/workflows/ci.yml', 'on: push\njobs: {}\n', 'github-actions'],
    ['infra/docker-compose.prod.yml', 'services: {}\n', 'compose'],
    ['cfn/stack.yaml', 'AWSTemplateFormatVersion: "2010-09-09"\nResources: {}\n', 'cloudformation'],
    ['cfn/stack.template', '{"Resources": {"U": {"Type": "AWS::IAM::User"}}}', 'cloudformation'],
    ['overlays/prod/kustomization.yaml', 'apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\n', ''],
    ['chart/values.yaml', 'replicaCount: 1\n', ''],
  ])('%s → %s', (path, content, platform) => {
    const claimed = tables.map((t) => t.extractor).filter((e) => e.matches(path, content)).map((e) => e.platform);
    expect(claimed).toEqual(platform ? [platform] : []);
  });
});
