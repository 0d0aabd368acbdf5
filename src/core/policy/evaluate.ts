import type { Finding, IdentityRecord, InventoryEntry, ScanSettings } from '../types.js';

export interface PolicyInput {
  records: IdentityRecord[];
  /** The owners file, when the repository has one. */
  owners?: { path: string; content: string };
  settings: ScanSettings;
  /** PR mode: ids of NHIs new or changed in this PR (from diffInventories); others are not blamed. */
  changed?: ReadonlySet<string>;
}

export interface PolicyOutput {
  inventory: InventoryEntry[];
  findings: Finding[];
}

/** PLACEHOLDER until the policy engine lands (issue #3). */
export function evaluatePolicy(input: PolicyInput): PolicyOutput {
  return { inventory: input.records.map((r) => ({ ...r, findings: [] })), findings: [] };
}
