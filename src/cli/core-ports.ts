import type { Finding, InventoryEntry, ScanSettings } from '../core/types.js';

/**
 * Core functions other engineers are landing in parallel, typed by their agreed signatures and
 * loaded on first use. TEMPORARY: each becomes a plain static import once its module is committed
 * (then this file goes). A missing module gives a clear message instead of a crash at start-up.
 */
export interface CorePorts {
  parseConfig(content: string, path: string, base?: ScanSettings): { settings: ScanSettings; errors: Finding[] };
  readBaseline(json: string): Set<string>;
  writeBaseline(findings: Finding[]): string;
  renderInventory(inventory: InventoryEntry[], format: 'json' | 'markdown' | 'csv'): string;
  generateOwnersFile(inventory: InventoryEntry[]): string;
}

const MODULES: Record<keyof CorePorts, string> = {
  parseConfig: '../core/policy/config.js',
  readBaseline: '../core/secrets/baseline.js',
  writeBaseline: '../core/secrets/baseline.js',
  renderInventory: '../core/report/inventory.js',
  generateOwnersFile: '../core/policy/owners-init.js',
};

export async function port<K extends keyof CorePorts>(name: K): Promise<CorePorts[K]> {
  const specifier = MODULES[name];
  const mod = (await import(specifier).catch(() => ({}))) as Partial<CorePorts>;
  const fn = mod[name];
  if (typeof fn !== 'function') throw new Error(`${name} is not available yet (${specifier})`);
  return fn as CorePorts[K];
}
