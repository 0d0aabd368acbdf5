/**
 * Coverage against the public rule sets of gitleaks and trufflehog, measured with their facts only.
 *
 *   npm run bench:peers -- --gitleaks <git dir> --trufflehog <git dir> [--write]
 *
 * Each `<git dir>` is a clone (bare is fine) read with `git show HEAD:…`; nothing of theirs is
 * copied into this repository. For every gitleaks rule in config/gitleaks.toml, random values are
 * drawn from the rule's own secret pattern (seeded) and written into a handful of common config
 * syntaxes under the rule's first keyword (`<kw>Token = "<value>"`, `<kw>_token: <value>`…); the
 * rule counts as caught when nhi-steward reports a secret on the sample. Rules that describe a
 * structure rather than a value (PEM blocks, Kubernetes Secret manifests, nuget.config, JWTs, curl
 * command lines, or a file type of their `path`) get that structure, written fresh (see STRUCTURED). For every trufflehog
 * detector (pkg/detectors/*), the positive inputs of its pattern test (`*_test.go`, cases whose
 * `want` is not empty) are evaluated (string literals and simple `fmt.Sprintf`) and scanned; the
 * detector counts as covered when at least one of them yields a finding.
 *
 * With `--write`, docs/peer-rules.json is refreshed: for each peer rule, the detectors of ours that
 * fired (or, when none did, the reason recorded there before, else "not covered yet"). Sample
 * strings are never written anywhere; output shows rule ids and counts only.
 */
import { execFileSync } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { scanSecrets } from '../src/core/secrets/engine.js';
import { prng } from '../src/core/secrets/detectors/table.js';
import { defaultSettings } from '../src/core/types.js';
import { sampleRegex } from './regex-sample.js';

const HERE = dirname(fileURLToPath(import.meta.url));
const PEER_FILE = join(HERE, '..', 'docs', 'peer-rules.json');

export interface PeerEntry {
  /** Our detector ids that report the peer's samples, most frequent first. */
  ours: string[];
  /** When `ours` is empty: why there is no detector (a format too vague, a non-secret, not done yet). */
  reason?: string;
  /** Keywords of the peer rule (facts, for readers of docs/detectors.md). */
  keywords?: string[];
}
export interface PeerFile {
  gitleaks: Record<string, PeerEntry>;
  trufflehog: Record<string, PeerEntry>;
}

function argument(name: string): string | undefined {
  const at = process.argv.indexOf(name);
  return at === -1 ? undefined : process.argv[at + 1];
}

function git(dir: string, args: string[]): string {
  return execFileSync('git', ['--git-dir', dir, ...args], { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
}

const settings = defaultSettings();
/** Our detector ids reporting anything in `text` (any level). */
function ourDetectors(text: string, path = 'app/settings.conf'): string[] {
  return scanSecrets({ path, content: text }, settings).map((f) => f.detector ?? f.rule);
}

// ---------------------------------------------------------------------------------------------
// gitleaks
// ---------------------------------------------------------------------------------------------

interface GitleaksRule {
  id: string;
  regex: string;
  /** 1-based capturing group holding the secret (`secretGroup`), default the first. */
  group: number;
  keywords: string[];
}

function gitleaksRules(dir: string): GitleaksRule[] {
  const toml = git(dir, ['show', 'HEAD:config/gitleaks.toml']);
  const rules: GitleaksRule[] = [];
  for (const block of toml.split(/^\[\[rules\]\]\s*$/m).slice(1)) {
    const id = /^id = "([^"]+)"/m.exec(block)?.[1];
    const regex = /^regex = '''(.*)'''$/m.exec(block)?.[1];
    if (!id || !regex) continue;
    const keywords = [...(/^keywords = \[([^\]]*)\]/m.exec(block)?.[1] ?? '').matchAll(/"([^"]+)"/g)].map((m) => m[1]);
    rules.push({ id, regex, keywords, group: Number(/^secretGroup = (\d+)/m.exec(block)?.[1] ?? 1) });
  }
  return rules;
}

/** Go RE2 syntax → JavaScript, enough to draw values: POSIX classes, inline flags, `\z`. */
function toJs(source: string): string {
  return source
    .replace(/\[\[:alnum:\]\]/g, '[A-Za-z0-9]')
    .replace(/\[:alnum:\]/g, 'A-Za-z0-9')
    .replace(/\[:alpha:\]/g, 'A-Za-z')
    .replace(/\[:digit:\]/g, '0-9')
    .replace(/\(\?-?[imsU]+\)/g, '')
    .replace(/\(\?[imsU]+:/g, '(?:')
    .replace(/\\z/g, '$')
    .replace(/\\x60/g, '`');
}

/**
 * The n-th (1-based) capturing group of a regex source, or the whole source. A group that is
 * itself repeated (`([a-z0-9]{4}-){3}` in a URL rule without `secretGroup`) is a piece of the
 * structure, not the secret: then the whole pattern is drawn, as gitleaks reports the whole match.
 */
function secretGroup(source: string, n = 1): string {
  let seen = 0;
  for (let i = 0; i < source.length; i++) {
    if (source[i] === '\\') {
      i++;
      continue;
    }
    if (source[i] === '[') {
      for (i++; i < source.length && source[i] !== ']'; i++) if (source[i] === '\\') i++;
      continue;
    }
    if (source[i] === '(' && source[i + 1] !== '?' && ++seen === n) {
      let depth = 0;
      for (let j = i; j < source.length; j++) {
        if (source[j] === '\\') {
          j++;
          continue;
        }
        if (source[j] === '[') {
          for (j++; j < source.length && source[j] !== ']'; j++) if (source[j] === '\\') j++;
          continue;
        }
        if (source[j] === '(') depth++;
        if (source[j] === ')' && --depth === 0) return /^[{*+?]/.test(source.slice(j + 1)) ? source : source.slice(i + 1, j);
      }
    }
  }
  return source;
}

/** Common config syntaxes, `{i}` the keyword, `{I}` upper-cased, `{s}` the value. */
const CONTEXTS = ['{i}Token = "{s}"', '{i}_token: {s}', "{i}_api_key: '{s}'", '{I}_TOKEN={s}', 'var {i}Token = "{s}";', '{\n  "{i}_token": "{s}"\n}'];

/** A sample to scan: its text and the path it is scanned under. */
interface Sample {
  text: string;
  path: string;
}

const PASSWORD_CHARS = 'ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789!#%*+-_';
function randomText(random: () => number, n: number, alphabet = PASSWORD_CHARS): string {
  let out = '';
  for (let i = 0; i < n; i++) out += alphabet[Math.floor(random() * alphabet.length)];
  return out;
}
const b64url = (text: string): string => Buffer.from(text).toString('base64url');
/** A signed JWT as issued: base64url JSON header and claims, a random 32-byte signature. */
function realJwt(random: () => number): string {
  const claims = { sub: `svc-${randomText(random, 8, 'abcdefghijklmnopqrstuvwxyz')}`, scope: 'read write', iat: 1_760_000_000 + Math.floor(random() * 5_000_000) };
  const signature = Buffer.from(Array.from({ length: 32 }, () => Math.floor(random() * 256))).toString('base64url');
  return `${b64url('{"alg":"HS256","typ":"JWT"}')}.${b64url(JSON.stringify(claims))}.${signature}`;
}

/**
 * Rules whose pattern describes a structure, not a value: a key block, a manifest, an XML element, a
 * (base64-wrapped) signed token, a command line, or a file type the rule is limited to (its `path`).
 * A value drawn from such a pattern cannot form the structure, so the bench writes the structure
 * itself, as the rule describes it, with fresh random content, in a file of the rule's path.
 */
const STRUCTURED: Record<string, (random: () => number, i: number) => Sample> = {
  'private-key': (_random, i) => {
    const key =
      i === 0
        ? generateKeyPairSync('rsa', { modulusLength: 1024 }).privateKey.export({ type: 'pkcs1', format: 'pem' })
        : i === 1
          ? generateKeyPairSync('ec', { namedCurve: 'prime256v1' }).privateKey.export({ type: 'sec1', format: 'pem' })
          : generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' });
    return { text: String(key), path: ['deploy/id_rsa', 'certs/server.key', 'config/signing.pem'][i] };
  },
  'kubernetes-secret-yaml': (random, i) => {
    const value = Buffer.from(randomText(random, 20)).toString('base64');
    const manifest = ['apiVersion: v1', 'kind: Secret', 'metadata:', '  name: billing-api', 'type: Opaque', 'data:', `  api-token: ${value}`];
    // kubectl sorts keys: `data:` before `kind:` (the rule's second alternative).
    const sorted = ['apiVersion: v1', 'data:', `  DB_PASSWORD: ${value}`, 'kind: Secret', 'metadata:', '  name: app-env'];
    return { text: (i === 1 ? sorted : manifest).join('\n') + '\n', path: `k8s/secret-${i}.yaml` };
  },
  'nuget-config-password': (random, i) => ({
    text: [
      '<?xml version="1.0" encoding="utf-8"?>',
      '<configuration>',
      '  <packageSourceCredentials>',
      '    <internal>',
      '      <add key="Username" value="build-bot" />',
      `      <add key="${i === 1 ? 'Password' : 'ClearTextPassword'}" value="${randomText(random, 16 + i)}" />`,
      '    </internal>',
      '  </packageSourceCredentials>',
      '</configuration>',
    ].join('\n'),
    path: i === 2 ? 'src/NuGet.Config' : 'nuget.config',
  }),
  'jwt-base64': (random, i) => {
    const wrapped = Buffer.from(realJwt(random)).toString('base64');
    return { text: CONTEXTS[i].replace(/\{i\}/g, 'auth').replace(/\{I\}/g, 'AUTH').replace('{s}', wrapped), path: 'app/settings.conf' };
  },
  jwt: (random, i) => ({ text: CONTEXTS[(i + 2) % CONTEXTS.length].replace(/\{i\}/g, 'session').replace(/\{I\}/g, 'SESSION').replace('{s}', realJwt(random)), path: 'app/settings.conf' }),
  'curl-auth-user': (random, i) => {
    const user = `svc-${randomText(random, 6, 'abcdefghijklmnopqrstuvwxyz')}`;
    const password = randomText(random, 18);
    const forms = [`curl -u ${user}:${password} https://api.acme.io/v1/items`, `curl --user "${user}:${password}" -X POST https://api.acme.io/v1/items`, `curl -s \\\n  -u '${user}:${password}' \\\n  https://api.acme.io/v1/items`];
    return { text: forms[i], path: 'scripts/deploy.sh' };
  },
  'freemius-secret-key': (random, i) => ({
    text: `<?php\n$fs = fs_dynamic_init( array(\n    'id' => '${1000 + i}',\n    'public_key' => 'pk_${randomText(random, 29, 'abcdef0123456789')}',\n    'secret_key' => 'sk_${randomText(random, 29, 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789!#%*+-_')}',\n) );\n`,
    path: `wp-content/plugins/acme/init-${i}.php`,
  }),
  'hashicorp-tf-password': (random, i) => ({
    text: `resource "azurerm_mssql_server" "main" {\n  name                         = "acme-sql-${i}"\n  administrator_login          = "sqladmin"\n  ${i === 0 ? 'administrator_login_password' : 'password'} = "${randomText(random, 16, 'abcdefghijklmnopqrstuvwxyz0123456789_-')}"\n}\n`,
    path: i === 2 ? 'infra/db.hcl' : 'infra/db.tf',
  }),
};

function gitleaksSamples(rule: GitleaksRule, seed: number): Sample[] | undefined {
  const structured = STRUCTURED[rule.id];
  if (structured) {
    const random = prng(seed);
    return [0, 1, 2].map((i) => structured(random, i));
  }
  const group = toJs(secretGroup(rule.regex, rule.group));
  let values: string[];
  try {
    const random = prng(seed);
    // A group that includes its delimiting quotes (`("[a-z0-9]{8,20}")`): the contexts add their own.
    values = [0, 1, 2].map(() => sampleRegex(group, random).replace(/^(["'])(.*)\1$/s, '$2'));
  } catch {
    return undefined;
  }
  // The rule's first keyword that can name a variable (`password`, not `administrator_login_password`'s
  // neighbours or `-----begin`), else the first word of its id.
  const word = rule.keywords.find((k) => /^[a-z][a-z0-9]*$/i.test(k)) ?? rule.id.split('-')[0];
  return values.flatMap((value, i) => {
    const context = CONTEXTS[(seed + i) % CONTEXTS.length];
    return [{ text: context.replace(/\{i\}/g, word.toLowerCase()).replace(/\{I\}/g, word.toUpperCase()).replace('{s}', () => value), path: 'app/settings.conf' }];
  });
}

// ---------------------------------------------------------------------------------------------
// trufflehog
// ---------------------------------------------------------------------------------------------

/** Go string literal (interpreted or raw) → its value. */
function goString(literal: string): string {
  if (literal.startsWith('`')) return literal.slice(1, -1);
  try {
    return JSON.parse(literal) as string;
  } catch {
    return literal.slice(1, -1);
  }
}

const GO_STRING = String.raw`(?:"(?:[^"\\\n]|\\.)*"|\x60[^\x60]*\x60)`;

/** The positive inputs of a trufflehog pattern test, evaluated where they are literals or simple Sprintf calls. */
function trufflehogInputs(test: string): string[] {
  const constants = new Map<string, string>();
  for (const m of test.matchAll(new RegExp(String.raw`(?:^|\n)\s*(\w+)\s*(?::=|=)\s*(${GO_STRING})`, 'g'))) constants.set(m[1], goString(m[2]));
  const resolve = (expr: string): string | undefined => {
    expr = expr.trim();
    if (/^["`]/.test(expr)) return goString(expr);
    if (constants.has(expr)) return constants.get(expr);
    const sprintf = new RegExp(String.raw`^fmt\.Sprintf\(\s*(${GO_STRING})\s*((?:,\s*[\w.]+\s*)*)\)$`).exec(expr);
    if (sprintf) {
      const args = sprintf[2].split(',').map((a) => a.trim()).filter(Boolean).map((a) => constants.get(a) ?? a);
      let k = 0;
      return goString(sprintf[1]).replace(/%[sv]/g, () => args[k++] ?? '');
    }
    return undefined;
  };
  const inputs: string[] = [];
  const cases = test.split(/\n\t\t\{\s*\n/).slice(1);
  for (const c of cases) {
    const input = new RegExp(String.raw`input:\s*(fmt\.Sprintf\([\s\S]*?\)|${GO_STRING}|\w+),\s*\n`).exec(c);
    const want = /want:\s*([^\n]*)/.exec(c)?.[1] ?? '';
    if (!input || /^\[\]string\{\}|^nil|^\[\]string\(nil\)/.test(want.trim())) continue;
    const value = resolve(input[1]);
    if (value) inputs.push(value);
  }
  if (inputs.length === 0) for (const [name, value] of constants) if (/^valid/i.test(name)) inputs.push(value);
  return inputs;
}

// ---------------------------------------------------------------------------------------------

function tally(ids: string[][]): string[] {
  const counts = new Map<string, number>();
  for (const list of ids) for (const id of new Set(list)) counts.set(id, (counts.get(id) ?? 0) + 1);
  return [...counts].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).map(([id]) => id);
}

function main(): void {
  const gitleaksDir = argument('--gitleaks');
  const trufflehogDir = argument('--trufflehog');
  const seed = Number(argument('--seed') ?? 20260101);
  let previous: PeerFile = { gitleaks: {}, trufflehog: {} };
  try {
    previous = JSON.parse(readFileSync(PEER_FILE, 'utf8')) as PeerFile;
  } catch {
    /* first run */
  }
  const next: PeerFile = { gitleaks: { ...previous.gitleaks }, trufflehog: { ...previous.trufflehog } };
  const notYet = 'not covered yet';

  if (gitleaksDir) {
    const rules = gitleaksRules(gitleaksDir);
    let samples = 0;
    let caught = 0;
    let rulesCaught = 0;
    let ungenerated = 0;
    let keptSamples = 0;
    let keptCaught = 0;
    next.gitleaks = {};
    for (const [i, rule] of rules.entries()) {
      const texts = gitleaksSamples(rule, seed + i);
      if (!texts) {
        ungenerated++;
        next.gitleaks[rule.id] = { ours: previous.gitleaks[rule.id]?.ours ?? [], reason: previous.gitleaks[rule.id]?.reason ?? 'pattern could not be sampled', keywords: rule.keywords };
        continue;
      }
      const found = texts.map((t) => ourDetectors(t.text, t.path));
      samples += texts.length;
      caught += found.filter((f) => f.length > 0).length;
      if (!previous.gitleaks[rule.id]?.reason?.startsWith('excluded:')) {
        keptSamples += texts.length;
        keptCaught += found.filter((f) => f.length > 0).length;
      }
      if (found.some((f) => f.length > 0)) rulesCaught++;
      if (process.argv.includes('--misses') && found.some((f) => f.length === 0)) console.log(`  gitleaks miss: ${rule.id} (${found.filter((f) => f.length === 0).length}/${texts.length})`);
      if (process.argv.includes('--show') && found.some((f) => f.length === 0)) console.log(texts.filter((_t, k) => found[k].length === 0).map((t) => `[${t.path}]\n${t.text}`).join('\n---\n'));
      const ours = tally(found);
      next.gitleaks[rule.id] = ours.length > 0 ? { ours, keywords: rule.keywords } : { ours: [], reason: previous.gitleaks[rule.id]?.reason ?? notYet, keywords: rule.keywords };
    }
    console.log(`gitleaks: ${rules.length} rules; samples caught ${caught}/${samples} (${((caught / samples) * 100).toFixed(1)}%); rules with a sample caught ${rulesCaught}/${rules.length - ungenerated} (${ungenerated} rules not sampleable)`);
    console.log(`gitleaks, without rules excluded in docs/peer-rules.json (public client ids): samples caught ${keptCaught}/${keptSamples} (${((keptCaught / keptSamples) * 100).toFixed(1)}%)`);

    // gitleaks' must-not samples: the literal strings of each rule generator's `fps` list
    // (cmd/generate/config/rules/*.go). Any finding of ours on one counts as a false alarm here,
    // though some are true secrets of another kind (the listing names them for judging).
    const ruleFiles = git(gitleaksDir, ['ls-tree', '--name-only', 'HEAD', 'cmd/generate/config/rules/']).split('\n').filter((f) => f.endsWith('.go') && !f.endsWith('_test.go'));
    let negatives = 0;
    const alarms: string[] = [];
    for (const path of ruleFiles) {
      const source = git(gitleaksDir, ['show', `HEAD:${path}`]);
      for (const block of source.matchAll(/\bfps\s*:?=\s*\[\]string\{([\s\S]*?)\n\t\}/g)) {
        for (const literal of block[1].matchAll(new RegExp(`^\\s*(${GO_STRING})\\s*,?\\s*(?://.*)?$`, 'gm'))) {
          const text = goString(literal[1]);
          negatives++;
          const found = ourDetectors(text);
          if (found.length > 0) alarms.push(`${path.split('/').pop()}: ${[...new Set(found)].join(',')}`);
          if (found.length > 0 && process.argv.includes("--show")) console.log(`    ${text.slice(0, 160)}`);
        }
      }
    }
    console.log(`gitleaks must-not samples (literal fps of cmd/generate/config/rules): ${alarms.length}/${negatives} with a finding of ours (${((alarms.length / Math.max(1, negatives)) * 100).toFixed(1)}%)`);
    if (process.argv.includes('--misses')) for (const a of alarms) console.log(`  must-not finding: ${a}`);
  }

  if (trufflehogDir) {
    const files = git(trufflehogDir, ['ls-tree', '-r', '--name-only', 'HEAD', 'pkg/detectors/']).split('\n');
    const tests = files.filter((f) => /^pkg\/detectors\/[^/]+\/(?:v\d+\/)?[^/]+_test\.go$/.test(f) && !/_integration_test\.go$/.test(f));
    const byDetector = new Map<string, string[]>();
    for (const f of tests) {
      const name = f.split('/').slice(2, -1).join('/');
      byDetector.set(name, [...(byDetector.get(name) ?? []), f]);
    }
    let covered = 0;
    let withInputs = 0;
    // `--only a,b`: print those detectors' inputs and what we report on each (local diagnosis only).
    const only = argument('--only')?.split(',');
    next.trufflehog = {};
    for (const [name, paths] of [...byDetector].sort()) {
      const inputs = paths.flatMap((p) => trufflehogInputs(git(trufflehogDir, ['show', `HEAD:${p}`])));
      if (inputs.length === 0) {
        next.trufflehog[name] = { ours: previous.trufflehog[name]?.ours ?? [], reason: previous.trufflehog[name]?.reason ?? 'no pattern test inputs' };
        continue;
      }
      withInputs++;
      const found = inputs.map((t) => ourDetectors(t));
      const ours = tally(found);
      if (ours.length > 0) covered++;
      if (process.argv.includes('--misses') && ours.length === 0) console.log(`  trufflehog miss: ${name}`);
      if (only?.includes(name)) for (const [k, t] of inputs.entries()) console.log(`--- ${name} #${k} -> ${found[k].join(',') || '(none)'}\n${t.slice(0, 600)}`);
      next.trufflehog[name] = ours.length > 0 ? { ours } : { ours: [], reason: previous.trufflehog[name]?.reason ?? notYet };
    }
    console.log(`trufflehog: ${byDetector.size} detectors with pattern tests; ${withInputs} with evaluable inputs; covered ${covered}/${withInputs} (${((covered / withInputs) * 100).toFixed(1)}%)`);
  }

  if (process.argv.includes('--write')) {
    writeFileSync(PEER_FILE, JSON.stringify(next, null, 1) + '\n');
    console.log(`wrote ${PEER_FILE}`);
  }
}

main();
