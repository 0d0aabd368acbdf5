import { describe, expect, it } from 'vitest';
import { csvField, renderInventory } from '../../../src/core/report/inventory.js';
import type { InventoryEntry } from '../../../src/core/types.js';

const ENTRIES: InventoryEntry[] = [
  {
    id: 'terraform:aws_iam_access_key/ci',
    kind: 'credential',
    platform: 'terraform',
    type: 'aws_iam_access_key',
    name: 'ci',
    file: 'infra/ci/iam.tf',
    line: 12,
    attributes: {},
    usedBy: [],
    findings: ['credential/no-rotation'],
    owner: '@acme/devex',
    purpose: 'Deploys, "nightly"\nand on release',
  },
  {
    id: 'kubernetes:ServiceAccount/payments/billing',
    kind: 'identity',
    platform: 'kubernetes',
    type: 'ServiceAccount',
    name: 'billing',
    namespace: 'payments',
    file: 'k8s/sa.yaml',
    line: 3,
    attributes: {},
    usedBy: [{ id: 'kubernetes:Deployment/payments/api', kind: 'Deployment', name: 'api', namespace: 'payments', file: 'k8s/api.yaml', line: 9, via: 'serviceAccountName' }],
    findings: [],
    owner: '@acme/payments',
    rotation: 'managed',
    environment: 'production',
    purpose: 'Billing | invoices',
  },
  {
    id: 'kubernetes:Secret/payments/db',
    kind: 'credential',
    platform: 'kubernetes',
    type: 'Secret',
    name: 'db',
    namespace: 'payments',
    file: 'k8s/db.yaml',
    line: 1,
    attributes: {},
    usedBy: [],
    rotationEvidence: 'external-secrets refresh 1h',
    findings: ['identity/unowned'],
  },
];

describe('inventory JSON', () => {
  it('has the documented shape, null for absent facts, sorted by platform and id', () => {
    const parsed = JSON.parse(renderInventory(ENTRIES, 'json'));
    expect(Object.keys(parsed)).toEqual(['identities']);
    expect(parsed.identities.map((i: { id: string }) => i.id)).toEqual(['kubernetes:Secret/payments/db', 'kubernetes:ServiceAccount/payments/billing', 'terraform:aws_iam_access_key/ci']);
    expect(parsed.identities[0]).toEqual({
      id: 'kubernetes:Secret/payments/db', kind: 'credential', platform: 'kubernetes', type: 'Secret', name: 'db', namespace: 'payments', file: 'k8s/db.yaml', line: 1,
      declarations: [{ file: 'k8s/db.yaml', line: 1 }],
      owner: null, rotation: null, rotationEvidence: 'external-secrets refresh 1h', environment: null, purpose: null, usedBy: [], findings: ['identity/unowned'], ownersFields: null,
    });
    expect(parsed.identities[1].usedBy[0]).toEqual({ id: 'kubernetes:Deployment/payments/api', kind: 'Deployment', name: 'api', namespace: 'payments', file: 'k8s/api.yaml', line: 9, via: 'serviceAccountName' });
  });
});

describe('inventory CSV (RFC 4180)', () => {
  it.each([
    ['plain', 'plain'],
    ['a,b', '"a,b"'],
    ['say "hi"', '"say ""hi"""'],
    ['two\nlines', '"two\nlines"'],
    ['cr\r\nlf', '"cr\r\nlf"'],
    ['', ''],
  ])('field %j → %j', (value, expected) => {
    expect(csvField(value)).toBe(expected);
  });

  it('header, CRLF rows, quoted fields, one record per NHI', () => {
    const csv = renderInventory(ENTRIES, 'csv');
    const lines = csv.split('\r\n');
    expect(lines[0]).toBe('id,kind,platform,type,name,namespace,file,line,owner,rotation,rotation_evidence,environment,purpose,used_by,findings,declarations');
    expect(lines[1]).toBe('kubernetes:Secret/payments/db,credential,kubernetes,Secret,db,payments,k8s/db.yaml,1,,,external-secrets refresh 1h,,,,identity/unowned,k8s/db.yaml:1');
    expect(lines[2]).toBe('kubernetes:ServiceAccount/payments/billing,identity,kubernetes,ServiceAccount,billing,payments,k8s/sa.yaml,3,@acme/payments,managed,,production,Billing | invoices,kubernetes:Deployment/payments/api,,k8s/sa.yaml:3');
    expect(csv).toContain('\r\nterraform:aws_iam_access_key/ci,credential,terraform,aws_iam_access_key,ci,,infra/ci/iam.tf,12,@acme/devex,,,,"Deploys, ""nightly""\nand on release",,credential/no-rotation,infra/ci/iam.tf:12\r\n');
    expect(csv.endsWith('\r\n')).toBe(true);
  });
});

describe('inventory Markdown', () => {
  const md = renderInventory(ENTRIES, 'markdown');

  it('has a summary line, a legend and one section per platform', () => {
    expect(md).toContain('**3** non-human identities (1 identity, 2 credentials): **1** without an owner, **1** credential without rotation, **2** with open gaps.');
    expect(md).toContain('**Legend.**');
    expect(md).toContain('## kubernetes (2)');
    expect(md).toContain('## terraform (1)');
  });

  it('one table row per NHI; pipes and newlines escaped so the table holds; owners as code so pasting pings nobody', () => {
    const rows = md.split('\n').filter((line) => line.startsWith('| `'));
    expect(rows).toEqual([
      '| `kubernetes:Secret/payments/db` | 🔑 credential | **none** | ✔ external-secrets refresh 1h | — | — | — | `k8s/db.yaml:1` | `identity/unowned` |',
      '| `kubernetes:ServiceAccount/payments/billing` | 🪪 identity | `@acme/payments` | managed | production | Billing \\| invoices | kubernetes:Deployment/payments/api | `k8s/sa.yaml:3` | ✅ |',
      '| `terraform:aws_iam_access_key/ci` | 🔑 credential | `@acme/devex` | — | — | Deploys, "nightly" and on release | — | `infra/ci/iam.tf:12` | `credential/no-rotation` |',
    ]);
  });

  it('an empty inventory says so', () => {
    expect(renderInventory([], 'markdown')).toContain('No NHI declarations found.');
    expect(renderInventory([], 'csv')).toBe('id,kind,platform,type,name,namespace,file,line,owner,rotation,rotation_evidence,environment,purpose,used_by,findings,declarations\r\n');
    expect(JSON.parse(renderInventory([], 'json'))).toEqual({ identities: [] });
  });

  it('an unknown format is a clear error', () => {
    expect(() => renderInventory(ENTRIES, 'xml' as 'json')).toThrow('unknown inventory format "xml": use json, markdown, csv');
  });
});
