/**
 * Generates docs/detectors.md from the detector catalog and docs/peer-rules.json (the mapping of
 * gitleaks rules and trufflehog detectors to ours, refreshed by `npm run bench:peers -- --write`).
 *
 *   npm run docs:detectors            # rewrite docs/detectors.md
 *   npm run docs:detectors -- --check # exit 1 when docs/detectors.md is out of date
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { renderDetectorsDoc, type PeerFile } from '../src/core/secrets/detectors-doc.js';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const DOC = join(ROOT, 'docs', 'detectors.md');
const peers = JSON.parse(readFileSync(join(ROOT, 'docs', 'peer-rules.json'), 'utf8')) as PeerFile;
const text = renderDetectorsDoc(peers);

if (process.argv.includes('--check')) {
  let current = '';
  try {
    current = readFileSync(DOC, 'utf8');
  } catch {
    /* missing */
  }
  if (current !== text) {
    console.error('docs/detectors.md is out of date: run `npm run docs:detectors`');
    process.exit(1);
  }
} else {
  writeFileSync(DOC, text);
  console.log(`wrote ${DOC}`);
}
