import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { linkReferences } from '../../../src/core/identities/link.js';
import type { Extractor, ExtractError, Finding, IdentityRecord, IdentityReference, SourceFile } from '../../../src/core/types.js';

export const FIXTURES = join(import.meta.dirname, '../../../fixtures/iac');

/** Every file under fixtures/iac/<dir>, as the pipeline would hand it over (paths relative to the root). */
export function fixtureFiles(dir: string): SourceFile[] {
  const root = join(FIXTURES, dir);
  const out: SourceFile[] = [];
  const walk = (path: string) => {
    for (const name of readdirSync(path).sort()) {
      const full = join(path, name);
      if (statSync(full).isDirectory()) walk(full);
      else out.push({ path: relative(root, full).split('\\').join('/'), content: readFileSync(full, 'utf8') });
    }
  };
  walk(root);
  return out;
}

export interface ExtractedSet {
  records: IdentityRecord[];
  errors: ExtractError[];
  findings: Finding[];
  byId(id: string): IdentityRecord;
}

/** Runs one extractor over a file set the way scanSources does: matches → extract → link. */
export function extractSet(extractor: Extractor, files: SourceFile[]): ExtractedSet {
  const records: IdentityRecord[] = [];
  const references: IdentityReference[] = [];
  const errors: ExtractError[] = [];
  const findings: Finding[] = [];
  for (const file of files) {
    if (!extractor.matches(file.path, file.content)) continue;
    const result = extractor.extract(file);
    records.push(...result.records);
    errors.push(...result.errors);
    findings.push(...(result.findings ?? []));
    references.push(...(result.references ?? []));
  }
  linkReferences(records, references);
  return {
    records,
    errors,
    findings,
    byId(id) {
      const found = records.find((r) => r.id === id);
      if (!found) throw new Error(`no record ${id}; have ${records.map((r) => r.id).join(', ')}`);
      return found;
    },
  };
}

export function countBy<T>(items: T[], key: (item: T) => string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const item of items) out[key(item)] = (out[key(item)] ?? 0) + 1;
  return out;
}
