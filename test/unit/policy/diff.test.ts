import { describe, expect, it } from 'vitest';
import { blamedIds, diffInventories } from '../../../src/core/policy/diff.js';
import type { IdentityRecord } from '../../../src/core/types.js';

const sa = (overrides: Partial<IdentityRecord> = {}): IdentityRecord => ({
  id: 'kubernetes:ServiceAccount/pay/billing',
  kind: 'identity',
  platform: 'kubernetes',
  type: 'ServiceAccount',
  name: 'billing',
  namespace: 'pay',
  file: 'k8s/sa.yaml',
  line: 1,
  attributes: { automountServiceAccountToken: false, annotations: { a: '1', b: '2' } },
  usedBy: [{ id: 'kubernetes:Deployment/pay/api', kind: 'Deployment', name: 'api', namespace: 'pay', file: 'k8s/api.yaml', line: 10, via: 'serviceAccountName' }],
  permissions: ['Role/pay/reader'],
  ...overrides,
});

describe('diffInventories', () => {
  it.each([
    ['moved to another line and file', { file: 'k8s/other.yaml', line: 40 }, false],
    ['attributes in another key order', { attributes: { annotations: { b: '2', a: '1' }, automountServiceAccountToken: false } }, false],
    ['a user moved lines', { usedBy: [{ ...sa().usedBy[0], line: 99 }] }, false],
    ['permissions reordered', { permissions: ['Role/pay/reader', 'Role/pay/reader'] }, false],
    ['a declaration attribute changed', { attributes: { automountServiceAccountToken: true, annotations: { a: '1', b: '2' } } }, true],
    ['a new user', { usedBy: [...sa().usedBy, { ...sa().usedBy[0], id: 'kubernetes:CronJob/pay/nightly', kind: 'CronJob' }] }, true],
    ['a new permission (binding)', { permissions: ['Role/pay/reader', 'ClusterRole/cluster-admin'] }, true],
    ['rotation evidence removed', { rotationEvidence: undefined }, false],
    ['rotation evidence added', { rotationEvidence: 'time_rotating (30d)' }, true],
  ])('%s → changed: %s', (_name, overrides, changed) => {
    const diff = diffInventories([sa()], [sa(overrides as Partial<IdentityRecord>)]);
    expect(diff.changed.length).toBe(changed ? 1 : 0);
    expect(diff.added).toEqual([]);
    expect(diff.removed).toEqual([]);
  });

  it('added and removed', () => {
    const other = sa({ id: 'kubernetes:ServiceAccount/pay/ledger', name: 'ledger' });
    const diff = diffInventories([sa()], [other]);
    expect(diff.added.map((r) => r.id)).toEqual(['kubernetes:ServiceAccount/pay/ledger']);
    expect(diff.removed.map((r) => r.id)).toEqual(['kubernetes:ServiceAccount/pay/billing']);
    expect([...blamedIds(diff)]).toEqual(['kubernetes:ServiceAccount/pay/ledger']);
  });

  it('empty sides', () => {
    expect(diffInventories([], [])).toEqual({ added: [], changed: [], removed: [] });
    expect(diffInventories([], [sa()]).added).toHaveLength(1);
  });
});
