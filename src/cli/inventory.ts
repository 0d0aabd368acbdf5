import { resolve } from 'node:path';
import { port } from './core-ports.js';
import { emit, type Io } from './io.js';
import { scanDirectory } from './scan-dir.js';
import { loadSettings } from './settings.js';

export const INVENTORY_FORMATS = ['json', 'markdown', 'csv'] as const;
export type InventoryFormat = (typeof INVENTORY_FORMATS)[number];

export interface InventoryFlags {
  format: InventoryFormat;
  output?: string;
  config?: string;
  gitignore: boolean;
}

/** `nhi-steward inventory [DIR]`: every NHI with owner, rotation, environment, purpose, users. */
export async function inventoryCommand(dirArg: string | undefined, flags: InventoryFlags, io: Io): Promise<number> {
  const dir = resolve(dirArg ?? '.');
  const settings = await loadSettings({ dir, config: flags.config });
  const { result } = await scanDirectory(dir, { settings, gitignore: flags.gitignore });
  const renderInventory = await port('renderInventory');
  await emit(io, ensureNewline(renderInventory(result.inventory, flags.format)), flags.output);
  return 0;
}

function ensureNewline(text: string): string {
  return text.endsWith('\n') ? text : `${text}\n`;
}
