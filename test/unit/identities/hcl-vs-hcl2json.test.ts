import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { HclExpression } from '../../../src/core/identities/hcl/ast.js';
import type { HclBlock, HclBody, HclValue } from '../../../src/core/identities/hcl/ast.js';
import { parseHcl } from '../../../src/core/identities/hcl/parser.js';

/**
 * Our block reader against HashiCorp's own parser (hcl2json, compiled to WASM) on every fixture:
 * same blocks, labels and attribute names at every level, and the same literal values wherever
 * our reader says a value is a literal.
 */
const require = createRequire(import.meta.url);
const { parse: hcl2json } = require('@cdktf/hcl2json') as { parse: (file: string, src: string) => Promise<Record<string, unknown>> };

const FIXTURES = 'fixtures/iac/terraform';

function tfFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? tfFiles(path) : name.endsWith('.tf') ? [path] : [];
  });
}

type Json = Record<string, unknown>;

/** hcl2json nests labelled blocks as `{ type: { label: { label: [body] } } }`; walk down the labels. */
function bodiesOf(parent: Json, block: HclBlock): Json[] {
  let node: unknown = parent[block.type];
  for (const label of block.labels) node = (node as Json | undefined)?.[label];
  expect(Array.isArray(node), `block ${block.type} ${block.labels.join(' ')} in hcl2json`).toBe(true);
  return node as Json[];
}

/** Literal parts of our value must equal hcl2json's; raw expressions are not compared. */
function compareValue(ours: HclValue, theirs: unknown, where: string): void {
  if (ours instanceof HclExpression) return;
  if (Array.isArray(ours)) {
    expect(Array.isArray(theirs), where).toBe(true);
    ours.forEach((v, i) => compareValue(v, (theirs as unknown[])[i], `${where}[${i}]`));
  } else if (ours !== null && typeof ours === 'object') {
    expect(Object.keys(theirs as Json).sort(), where).toEqual(Object.keys(ours).sort());
    for (const [k, v] of Object.entries(ours)) compareValue(v, (theirs as Json)[k], `${where}.${k}`);
  } else {
    expect(theirs, where).toEqual(ours);
  }
}

function compareBody(ours: HclBody, theirs: Json, where: string): number {
  let compared = 0;
  const expectedKeys = new Set([...ours.attributes.map((a) => a.name), ...ours.blocks.map((b) => b.type)]);
  expect(Object.keys(theirs).sort(), `keys of ${where}`).toEqual([...expectedKeys].sort());
  for (const attr of ours.attributes) {
    compareValue(attr.value, theirs[attr.name], `${where}.${attr.name}`);
    compared++;
  }
  // Blocks of one type and labels appear in hcl2json in source order.
  const seen = new Map<string, number>();
  for (const block of ours.blocks) {
    const key = [block.type, ...block.labels].join('\0');
    const index = seen.get(key) ?? 0;
    seen.set(key, index + 1);
    const body = bodiesOf(theirs, block)[index];
    compared += 1 + compareBody(block, body, `${where}/${block.type}${block.labels.map((l) => `.${l}`).join('')}`);
  }
  return compared;
}

describe('HCL block reader agrees with hcl2json', () => {
  const files = tfFiles(FIXTURES);

  it('has a realistic fixture set to compare on', () => {
    expect(files.length).toBeGreaterThanOrEqual(10);
  });

  it.each(files.map((f) => [relative(FIXTURES, f), f]))('%s', async (_name, file) => {
    const src = readFileSync(file, 'utf8');
    const ours = parseHcl(src);
    expect(ours.errors).toEqual([]);
    const theirs = await hcl2json(file, src);
    const compared = compareBody(ours.body, theirs, file);
    expect(compared).toBeGreaterThan(3);
  });
});
