/**
 * Extracts format FACTS (provider keywords, alphabet, length) of trufflehog detectors that no
 * detector of ours covers yet, into src/core/secrets/detectors/peer-facts.ts, from which
 * keyed.ts builds one provider-name-anchored row each. Only facts are kept: the provider name,
 * its keywords, and the value's alphabet and length — never code or sample values.
 *
 *   npx tsx scripts/peer-facts.ts <trufflehog git dir>
 *
 * A detector qualifies when its key pattern is "provider keyword nearby + one run of a plain
 * alphabet (or a UUID)", and at least one of its keywords is specific enough to anchor a value
 * (6+ characters, not an everyday word).
 */
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { allDetectors } from '../src/core/secrets/detectors/index.js';
import { PEER_IDS } from '../src/core/secrets/detectors/keyed.js';

const HERE = dirname(fileURLToPath(import.meta.url));
const OUT = join(HERE, '..', 'src', 'core', 'secrets', 'detectors', 'peer-facts.ts');
const PEERS = join(HERE, '..', 'docs', 'peer-rules.json');

const dir = process.argv[2];
if (!dir) throw new Error('usage: tsx scripts/peer-facts.ts <trufflehog git dir>');
const git = (args: string[]): string => execFileSync('git', ['--git-dir', dir, ...args], { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });

const ALPHABET: Record<string, string> = {
  'a-z0-9': 'lower',
  '0-9a-z': 'lower',
  'a-f0-9': 'hex',
  '0-9a-f': 'hex',
  'A-F0-9': 'HEX',
  '0-9A-F': 'HEX',
  'A-Za-z0-9': 'base62',
  'a-zA-Z0-9': 'base62',
  '0-9A-Za-z': 'base62',
  '0-9a-zA-Z': 'base62',
  'A-Z0-9': 'upper',
  '0-9A-Z': 'upper',
  'a-zA-Z0-9_-': 'b64url',
  'A-Za-z0-9_-': 'b64url',
  'a-zA-Z0-9-_': 'b64url',
  'A-Za-z0-9-_': 'b64url',
  '0-9a-zA-Z_-': 'b64url',
  'a-zA-Z0-9_': 'word',
  'A-Za-z0-9_': 'word',
  '0-9': 'digits',
};

/** Keywords that occur in ordinary code and prose: they cannot anchor a bare value. */
const STOP = new Set(['secret', 'token', 'apikey', 'access', 'client', 'server', 'public', 'private', 'account', 'manager', 'service', 'services', 'github', 'google', 'amazon', 'master', 'signal', 'stream', 'search', 'active', 'simple', 'studio', 'matrix', 'mailer', 'target', 'travel', 'weather', 'square', 'strike', 'string', 'number', 'status', 'credit', 'coupon', 'delete', 'insert', 'update', 'select', 'create', 'import', 'export', 'return', 'window', 'object', 'record', 'result', 'report', 'invoice', 'people', 'survey', 'points', 'recipe', 'scraper', 'detect', 'parser', 'convert', 'mailbox', 'monitor', 'counter', 'tracker', 'payment', 'payments', 'message', 'content', 'storage', 'network', 'session', 'version', 'default', 'buffer', 'docker', 'bitbucket', 'gitlab', 'twitter', 'facebook', 'linkedin', 'youtube', 'spotify', 'reddit', 'abstract', 'apollo', 'copper', 'deputy', 'enigma', 'eraser', 'humanity', 'holistic', 'chatbot', 'fulcrum', 'geocode', 'debounce', 'commodities', 'dandelion', 'calendar', 'airship', 'autopilot', 'bulbul', 'caspio', 'cicero', 'goodday', 'collect2', 'formsite', 'checkvist', 'cloudflare', 'digitalocean', 'discord', 'hashicorp', 'atlassian', 'amplitude', 'braintree', 'codeclimate', 'deepgram', 'assemblyai', 'abuseipdb', 'infura', 'kucoin', 'droneci', 'user.com']);

interface Fact {
  name: string;
  keywords: string[];
  alphabet: string;
  min: number;
  max: number;
  uuid?: boolean;
}

const covered = new Set<string>();
try {
  const peers = JSON.parse(readFileSync(PEERS, 'utf8')) as { trufflehog: Record<string, { ours: string[] }> };
  for (const [name, entry] of Object.entries(peers.trufflehog)) if (entry.ours.some((id) => !id.startsWith('generic-') && !PEER_IDS.has(id))) covered.add(name);
} catch {
  /* no measurement yet */
}

/** Keywords and provider names of our own detectors: those providers have real formats already. */
const ours = new Set<string>();
for (const d of allDetectors) {
  if (PEER_IDS.has(d.id)) continue;
  for (const k of d.keywords) ours.add(k);
  ours.add(d.provider.toLowerCase().replace(/[^a-z0-9]/g, ''));
}

const files = git(['ls-tree', '-r', '--name-only', 'HEAD', 'pkg/detectors/']).split('\n');
const sources = files.filter((f) => /^pkg\/detectors\/[^/]+\/(?:v\d+\/)?[^/]+\.go$/.test(f) && !/_test\.go$/.test(f));
const facts: Fact[] = [];
for (const path of sources) {
  const name = path.split('/').slice(2, -1).join('/');
  if (covered.has(name)) continue;
  const code = git(['show', `HEAD:${path}`]);
  const keywords = [...(/Keywords\(\) \[\]string \{\s*return \[\]string\{([^}]*)\}/.exec(code)?.[1] ?? '').matchAll(/"([^"]+)"/g)].map((m) => m[1].toLowerCase());
  const anchors = keywords.filter((k) => /^[a-z0-9][a-z0-9_.-]{5,}$/.test(k) && !STOP.has(k) && !ours.has(k));
  if (anchors.length === 0) continue;
  const pattern = /MustCompile\(detectors\.PrefixRegex\(\[\]string\{[^}]*\}\)\s*\+\s*`\\b\(([^`]*)\)\\b`\)/.exec(code)?.[1];
  if (!pattern) continue;
  const run = /^\[([^\]]+)\]\{(\d+)(?:,(\d+))?\}$/.exec(pattern);
  const base = name.split('/')[0];
  if (run && ALPHABET[run[1]]) {
    const min = Number(run[2]);
    const max = Number(run[3] ?? run[2]);
    if (min < 16 && ALPHABET[run[1]] !== 'base62') continue; // too short to stand out from identifiers
    if (min < 12) continue;
    facts.push({ name: base, keywords: anchors, alphabet: ALPHABET[run[1]], min, max });
  } else if (/^\[0-9a-f\]\{8\}-\[0-9a-f\]\{4\}-\[0-9a-f\]\{4\}-\[0-9a-f\]\{4\}-\[0-9a-f\]\{12\}$/i.test(pattern)) {
    facts.push({ name: base, keywords: anchors, alphabet: 'hex', min: 32, max: 32, uuid: true });
  }
}
const unique = [...new Map(facts.map((f) => [f.name, f])).values()].sort((a, b) => (a.name < b.name ? -1 : 1));
const header = `/**
 * Generated by scripts/peer-facts.ts — do not edit by hand. Format facts (keywords, alphabet,
 * length) of providers that trufflehog knows and no other detector of ours covers; keyed.ts turns
 * each into a provider-name-anchored row.
 */
import type { Alphabet } from './table.js';

export interface PeerFact {
  name: string;
  keywords: string[];
  alphabet: Alphabet;
  min: number;
  max: number;
  uuid?: boolean;
}

export const peerFacts: PeerFact[] = `;
writeFileSync(OUT, header + '[\n' + unique.map((f) => `  ${JSON.stringify(f).replace(/"(\w+)":/g, '$1: ').replace(/"/g, "'").replace(/,(?=\S)/g, ', ')}`).join(',\n') + ',\n];\n');
console.log(`${unique.length} providers written to ${OUT}`);
