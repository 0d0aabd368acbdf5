import { resolve } from 'node:path';
import { renderInventory, type InventoryFormat } from '../core/report/inventory.js';
import { emit, type Io } from './io.js';
import { scanDirectory } from '../workspace/scan-dir.js';
import { loadSettings } from '../workspace/settings.js';

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
  await emit(io, ensureNewline(renderInventory(result.inventory, flags.format)), flags.output);
  return 0;
}

function ensureNewline(text: string): string {
  return text.endsWith('\n') ? text : `${text}\n`;
}
