/**
 * The labelled accuracy corpus: realistic files in every format we support, with planted secrets
 * of EVERY detector in the catalog (fresh random values of each detector's format, never the
 * samples replayed), among hard negatives (placeholders, references, documented example keys,
 * hashes, UUIDs, SRI digests, lock files, publishable and public keys, test fixtures). Labels are
 * (file, line, secret). Deterministic for a given seed.
 */
import { createHash, generateKeyPairSync, randomBytes } from 'node:crypto';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { crc32 } from 'node:zlib';
import type { Detector } from '../src/core/secrets/detector.js';

export interface Label {
  file: string;
  /** 1-based first line of the secret. */
  line: number;
  /** Last line (multi-line secrets: key blocks). */
  endLine: number;
  secret: string;
  /** The detector whose format the planted value has (for the per-detector miss report). */
  detector: string;
  /** `native`: the detector's own sample context; otherwise the format it was re-hosted in. */
  placement: string;
}

export interface Corpus {
  files: Map<string, string>;
  labels: Label[];
  /** Detectors whose fresh value could not be produced (their sample value was planted instead). */
  replayed: string[];
}

// ---------------------------------------------------------------------------------------------
// Deterministic randomness
// ---------------------------------------------------------------------------------------------

export type Rng = () => number;

export function rng(seed: number): Rng {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  };
}

const pick = <T>(r: Rng, items: readonly T[]): T => items[Math.floor(r() * items.length)];
const randomString = (r: Rng, alphabet: string, length: number): string => Array.from({ length }, () => pick(r, [...alphabet])).join('');
const randomBytesFrom = (r: Rng, n: number): Buffer => Buffer.from(Array.from({ length: n }, () => Math.floor(r() * 256)));

const LOWER = 'abcdefghijklmnopqrstuvwxyz';
const UPPER = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';
const DIGITS = '0123456789';
const BASE62 = DIGITS + UPPER + LOWER;

/** A human-made but strong password: mixed classes and a symbol, like password managers make. */
function password(r: Rng): string {
  const length = 10 + Math.floor(r() * 10);
  let out = randomString(r, BASE62, length);
  const at = 1 + Math.floor(r() * (length - 2));
  out = out.slice(0, at) + pick(r, ['!', '#', '%', '^', '*', '-', '_', '.']) + out.slice(at + 1);
  return pick(r, DIGITS.split('')) + pick(r, UPPER.split('')) + out;
}

// ---------------------------------------------------------------------------------------------
// Fresh values of a detector's format
// ---------------------------------------------------------------------------------------------

/**
 * Characters of `secret` that must stay as they are: the documented prefix, keywords and the
 * substrings every positive sample shares (`T3BlbkFJ` in legacy OpenAI keys, `:APA91b` in FCM keys).
 */
function protectedMask(secret: string, detector: Detector): boolean[] {
  const mask = secret.split('').map((ch) => !/[A-Za-z0-9]/.test(ch));
  // JSON escapes inside a value (`\n` in a service-account key) are structure, not data.
  for (const m of secret.matchAll(/\\[nrt]/g)) mask[m.index + 1] = true;
  const protect = (from: number, length: number) => {
    for (let i = from; i < from + length && i < secret.length; i++) mask[i] = true;
  };
  if (detector.redactPrefix && secret.startsWith(detector.redactPrefix)) protect(0, detector.redactPrefix.length);
  const lower = secret.toLowerCase();
  for (const k of detector.keywords) for (let at = lower.indexOf(k); at !== -1; at = lower.indexOf(k, at + 1)) protect(at, k.length);
  const others = detector.samples.positive.map((s) => s.secret).filter((s) => s !== secret);
  if (others.length > 0) {
    // The prefix and suffix every sample shares (`-1-` after `xoxe.xoxp`, the `AA` that ends Anthropic keys).
    let head = 0;
    while (head < secret.length && others.every((o) => o[head] === secret[head])) head++;
    let tail = 0;
    while (tail < secret.length - head && others.every((o) => o[o.length - 1 - tail] === secret[secret.length - 1 - tail])) tail++;
    protect(0, head);
    protect(secret.length - tail, tail);
  }
  if (others.length > 0 && secret.length <= 400) {
    for (let i = 0; i < secret.length; i++) {
      for (let length = Math.min(16, secret.length - i); length >= 4; length--) {
        const piece = secret.slice(i, i + length);
        if (others.every((o) => o.includes(piece))) {
          protect(i, length);
          break;
        }
      }
    }
  }
  return mask;
}

/** Class-preserving randomisation of the unprotected characters; a hex segment stays hex. */
function mutate(r: Rng, secret: string, mask: boolean[]): string {
  const out = secret.split('');
  // Segments are runs of letters and digits; each decides on its own whether it is hex.
  for (const m of secret.matchAll(/[A-Za-z0-9]+/g)) {
    const segment = m[0];
    const free = segment.split('').filter((_, i) => !mask[m.index + i]).join('');
    const lowerHex = !/[g-z]/.test(segment) || !/[g-z]/.test(free);
    const upperHex = !/[G-Z]/.test(segment) || !/[G-Z]/.test(free);
    // RFC 4648 base32 (AWS key ids, Azure DevOps PATs) has only the digits 2-7.
    const base32 = segment.length >= 16 && /[0-9]/.test(segment) && !/[0189]/.test(segment);
    for (let i = 0; i < segment.length; i++) {
      const at = m.index + i;
      if (mask[at]) continue;
      const ch = segment[i];
      if (/[0-9]/.test(ch)) out[at] = pick(r, [...(base32 ? '234567' : DIGITS)]);
      else if (/[a-z]/.test(ch)) out[at] = pick(r, [...(lowerHex ? 'abcdef' : LOWER)]);
      else out[at] = pick(r, [...(upperHex ? 'ABCDEF' : UPPER)]);
    }
  }
  return out.join('');
}

function base62(value: number, width: number): string {
  let out = '';
  for (let rest = value >>> 0; rest > 0; rest = Math.floor(rest / 62)) out = BASE62[rest % 62] + out;
  return out.padStart(width, '0');
}

/** Checksummed formats: recompute the check digits of a mutated value (GitHub/npm CRC32 in base62). */
const CHECKSUM_FIXERS: ((secret: string) => string)[] = [
  (s) => {
    const at = s.indexOf('_') + 1;
    const body = s.slice(at);
    return body.length === 36 ? s.slice(0, at) + body.slice(0, 30) + base62(crc32(body.slice(0, 30)), 6) : s;
  },
];

/** True when the detector's own regex and validation accept `secret` inside `text`. */
export function detectorAccepts(detector: Detector, text: string, secret: string): boolean {
  const flags = detector.pattern.flags.replace(/[gyd]/g, '') + 'gd';
  const regex = new RegExp(detector.pattern.source, flags);
  for (const m of text.matchAll(regex)) {
    const found = m.groups?.secret ?? m[0];
    if (found !== secret) continue;
    try {
      if (!detector.validate || detector.validate(found)) return true;
    } catch {
      return false;
    }
  }
  return false;
}

function wrap64(b64: string): string {
  return b64.replace(/(.{64})/g, '$1\n').trim();
}

function opensshKey(r: Rng, cipher: string): string {
  const string = (b: Buffer) => Buffer.concat([Buffer.from([0, 0, 0, b.length]), b]);
  const payload = Buffer.concat([Buffer.from('openssh-key-v1\0'), string(Buffer.from(cipher)), string(Buffer.from(cipher === 'none' ? 'none' : 'bcrypt')), randomBytesFrom(r, 300)]);
  return `-----BEGIN OPENSSH PRIVATE KEY-----\n${wrap64(payload.toString('base64'))}\n-----END OPENSSH PRIVATE KEY-----`;
}

function jwt(r: Rng): string {
  const part = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
  const header = part({ alg: pick(r, ['HS256', 'RS256', 'ES256']), typ: 'JWT' });
  const payload = part({ sub: `svc-${randomString(r, LOWER, 6)}`, scope: 'write', iat: 1760000000 + Math.floor(r() * 1e7) });
  return `${header}.${payload}.${randomBytesFrom(r, 32).toString('base64url')}`;
}

/**
 * Detectors whose value is a structure, not a string of characters: built from scratch (real key
 * pairs, real base64 of `user:pass`, JWTs with JSON headers). Returns the new secret, and the text
 * when the sample's own text cannot simply be substituted.
 */
const BUILDERS: Record<string, (r: Rng) => { secret: string; text?: string }> = {
  'private-key-rsa': () => ({ secret: (generateKeyPairSync('rsa', { modulusLength: 1024 }).privateKey.export({ type: 'pkcs1', format: 'pem' }) as string).trim() }),
  'private-key-ec': () => ({ secret: (generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ type: 'sec1', format: 'pem' }) as string).trim() }),
  'private-key-pkcs8': () => ({ secret: (generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }) as string).trim() }),
  'private-key-dsa': (r) => ({ secret: `-----BEGIN DSA PRIVATE KEY-----\n${wrap64(randomBytesFrom(r, 440).toString('base64'))}\n-----END DSA PRIVATE KEY-----` }),
  'private-key-openssh': (r) => ({ secret: opensshKey(r, 'none') }),
  'private-key-encrypted': (r) =>
    r() < 0.5
      ? { secret: opensshKey(r, 'aes256-ctr') }
      : { secret: (generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ type: 'pkcs8', format: 'pem', cipher: 'aes-256-cbc', passphrase: randomBytes(8).toString('hex') }) as string).trim() },
  'private-key-pgp': (r) => ({ secret: `-----BEGIN PGP PRIVATE KEY BLOCK-----\n\n${wrap64(randomBytesFrom(r, 600).toString('base64'))}\n=${randomString(r, BASE62, 4)}\n-----END PGP PRIVATE KEY BLOCK-----` }),
  jwt: (r) => ({ secret: jwt(r) }),
  'github-installation-token-jwt': (r) => ({ secret: `ghs_${1 + Math.floor(r() * 9e6)}_${jwt(r)}` }),
  'age-secret-key': (r) => ({ secret: `AGE-SECRET-KEY-1${randomString(r, 'QPZRY9X8GF2TVDW0S3JN54KHCE6MUA7L', 58)}` }),
  'kubernetes-secret-data': (r) => ({ secret: Buffer.from(password(r)).toString('base64') }),
  'docker-config-auth': (r) => ({ secret: Buffer.from(`ci-${randomString(r, LOWER, 5)}:${password(r)}`).toString('base64') }),
  'npmrc-auth': (r) => ({ secret: Buffer.from(`deploy:${password(r)}`).toString('base64') }),
  'npmrc-password': (r) => ({ secret: Buffer.from(password(r)).toString('base64') }),
  'generic-basic-auth': (r) => ({ secret: Buffer.from(`api-${randomString(r, LOWER, 4)}:${password(r)}`).toString('base64') }),
};

function shortSegmentAt(secret: string, at: number): boolean {
  for (const m of secret.matchAll(/[A-Za-z0-9]+/g)) if (at >= m.index && at < m.index + m[0].length) return m[0].length < 8;
  return false;
}

interface Fresh {
  text: string;
  secret: string;
  replayed: boolean;
}

/** A fresh value of `detector`'s format in the context of one of its positive samples. */
export function freshSample(r: Rng, detector: Detector, sample: Detector['samples']['positive'][number]): Fresh {
  const builder = BUILDERS[detector.id];
  if (builder) {
    for (let attempt = 0; attempt < 20; attempt++) {
      const built = builder(r);
      const text = built.text ?? sample.text.split(sample.secret).join(built.secret);
      if (detectorAccepts(detector, text, built.secret)) return { text, secret: built.secret, replayed: false };
    }
  }
  const mask = protectedMask(sample.secret, detector);
  // Second pass: short segments (`local`, `api`, `key`) may be literal parts of the format.
  const lead = /^[A-Za-z]{2,6}/.exec(sample.secret)?.[0].length ?? 0;
  const strict = mask.map((kept, i) => kept || i < lead || shortSegmentAt(sample.secret, i));
  for (let attempt = 0; attempt < 300; attempt++) {
    const secret = mutate(r, sample.secret, attempt < 150 ? mask : strict);
    for (const fix of [(s: string) => s, ...CHECKSUM_FIXERS]) {
      const candidate = fix(secret);
      const text = sample.text.split(sample.secret).join(candidate);
      if (candidate !== sample.secret && detectorAccepts(detector, text, candidate)) return { text, secret: candidate, replayed: false };
    }
  }
  return { text: sample.text, secret: sample.secret, replayed: true };
}

// ---------------------------------------------------------------------------------------------
// Formats: one (name, value) assignment written the way each ecosystem writes it
// ---------------------------------------------------------------------------------------------

interface Format {
  name: string;
  path: (n: number) => string;
  head: string[];
  tail: string[];
  /** A literal value assignment. */
  assign: (key: Names, value: string) => string;
  /** A comment line (filler). */
  comment: (text: string) => string;
  /** Value read from elsewhere (code formats): process.env, os.environ… */
  reference?: (key: Names) => string;
}

interface Names {
  upper: string;
  snake: string;
  camel: string;
  pascal: string;
  dotted: string;
}

function names(raw: string): Names {
  const words = raw
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean)
    .map((w) => w.toLowerCase());
  const cap = (w: string) => w[0].toUpperCase() + w.slice(1);
  return {
    upper: words.join('_').toUpperCase(),
    snake: words.join('_'),
    camel: words[0] + words.slice(1).map(cap).join(''),
    pascal: words.map(cap).join(''),
    dotted: words.join('.'),
  };
}

const hash = (s: string) => s.replace(/^/, '# ');
const slashes = (s: string) => `// ${s}`;

export const FORMATS: Format[] = [
  { name: 'env', path: (n) => `services/svc-${n}/.env`, head: [], tail: [], assign: (k, v) => `${k.upper}=${v}`, comment: hash },
  { name: 'env-quoted', path: (n) => `apps/web-${n}/.env.production`, head: [], tail: [], assign: (k, v) => `${k.upper}="${v}"`, comment: hash },
  { name: 'yaml', path: (n) => `deploy/app-${n}/config.yaml`, head: ['app:', '  name: billing', '  settings:'], tail: [], assign: (k, v) => `    ${k.snake}: "${v}"`, comment: (s) => `    # ${s}` },
  { name: 'yaml-bare', path: (n) => `config/env-${n}.yml`, head: ['production:'], tail: [], assign: (k, v) => `  ${k.snake}: ${v}`, comment: (s) => `  # ${s}` },
  { name: 'json', path: (n) => `config/settings-${n}.json`, head: ['{', '  "service": "ledger",'], tail: ['  "region": "eu-west-1"', '}'], assign: (k, v) => `  "${k.camel}": "${v}",`, comment: () => '  "note": "managed by platform team",' },
  { name: 'ini', path: (n) => `conf/app-${n}.ini`, head: ['[default]', 'region = eu-west-1'], tail: [], assign: (k, v) => `${k.snake} = ${v}`, comment: (s) => `; ${s}` },
  { name: 'properties', path: (n) => `src/main/resources/application-${n}.properties`, head: ['spring.application.name=orders'], tail: [], assign: (k, v) => `app.${k.dotted}=${v}`, comment: hash },
  { name: 'toml', path: (n) => `config/app-${n}.toml`, head: ['[service]', 'name = "search"'], tail: [], assign: (k, v) => `${k.snake} = "${v}"`, comment: hash },
  { name: 'hcl', path: (n) => `infra/stack-${n}/main.tf`, head: ['locals {'], tail: ['}'], assign: (k, v) => `  ${k.snake} = "${v}"`, comment: (s) => `  # ${s}` },
  { name: 'shell', path: (n) => `scripts/deploy-${n}.sh`, head: ['#!/usr/bin/env bash', 'set -euo pipefail'], tail: ['./deploy.sh "$@"'], assign: (k, v) => `export ${k.upper}="${v}"`, comment: hash, reference: (k) => `export ${k.upper}="$(vault kv get -field=value secret/${k.snake})"` },
  { name: 'dockerfile', path: (n) => `images/worker-${n}/Dockerfile`, head: ['FROM node:20-alpine', 'WORKDIR /app'], tail: ['CMD ["node", "server.js"]'], assign: (k, v) => `ENV ${k.upper}=${v}`, comment: hash },
  { name: 'js', path: (n) => `web/src/config-${n}.js`, head: ["'use strict';"], tail: ['module.exports = {};'], assign: (k, v) => `const ${k.camel} = '${v}';`, comment: slashes, reference: (k) => `const ${k.camel} = process.env.${k.upper};` },
  { name: 'ts', path: (n) => `api/src/settings-${n}.ts`, head: ["import { z } from 'zod';"], tail: ['export default {};'], assign: (k, v) => `export const ${k.camel}: string = "${v}";`, comment: slashes, reference: (k) => `export const ${k.camel} = config.get<string>('${k.camel}');` },
  { name: 'python', path: (n) => `worker/app/settings_${n}.py`, head: ['import os', ''], tail: [], assign: (k, v) => `${k.upper} = "${v}"`, comment: hash, reference: (k) => `${k.upper} = os.environ["${k.upper}"]` },
  { name: 'python-kwargs', path: (n) => `worker/app/clients_${n}.py`, head: ['from acme import Client', ''], tail: [], assign: (k, v) => `client = Client(${k.snake}="${v}", timeout=30)`, comment: hash, reference: (k) => `client = Client(${k.snake}=os.getenv("${k.upper}"), timeout=30)` },
  { name: 'go', path: (n) => `internal/cfg${n}/config.go`, head: [`package cfg`, '', 'var ('], tail: [')'], assign: (k, v) => `\t${k.camel} = "${v}"`, comment: (s) => `\t// ${s}`, reference: (k) => `\t${k.camel} = os.Getenv("${k.upper}")` },
  { name: 'java', path: (n) => `src/main/java/com/acme/Config${n}.java`, head: ['package com.acme;', '', 'public final class Config {'], tail: ['}'], assign: (k, v) => `    private static final String ${k.upper} = "${v}";`, comment: (s) => `    // ${s}`, reference: (k) => `    private static final String ${k.upper} = System.getenv("${k.upper}");` },
  { name: 'csharp', path: (n) => `src/Acme.Api/Settings${n}.cs`, head: ['namespace Acme.Api;', '', 'public static class Settings', '{'], tail: ['}'], assign: (k, v) => `    public const string ${k.pascal} = "${v}";`, comment: (s) => `    // ${s}`, reference: (k) => `    public static string ${k.pascal} => Environment.GetEnvironmentVariable("${k.upper}");` },
  { name: 'ruby', path: (n) => `config/initializers/acme_${n}.rb`, head: ['Acme.configure do |config|'], tail: ['end'], assign: (k, v) => `  config.${k.snake} = '${v}'`, comment: (s) => `  # ${s}`, reference: (k) => `  config.${k.snake} = ENV.fetch('${k.upper}')` },
  { name: 'php', path: (n) => `config/services_${n}.php`, head: ['<?php', '', 'return ['], tail: ['];'], assign: (k, v) => `    '${k.snake}' => '${v}',`, comment: slashes, reference: (k) => `    '${k.snake}' => env('${k.upper}'),` },
  { name: 'k8s-env', path: (n) => `deploy/k8s/app-${n}/deployment.yaml`, head: ['apiVersion: apps/v1', 'kind: Deployment', 'spec:', '  template:', '    spec:', '      containers:', '        - name: app', '          env:'], tail: [], assign: (k, v) => `            - name: ${k.upper}\n              value: "${v}"`, comment: (s) => `            # ${s}` },
  { name: 'compose', path: (n) => `compose/stack-${n}/docker-compose.yml`, head: ['services:', '  app:', '    image: acme/app:1.4', '    environment:'], tail: [], assign: (k, v) => `      - ${k.upper}=${v}`, comment: (s) => `      # ${s}` },
  { name: 'ecs-json', path: (n) => `ecs/task-${n}.json`, head: ['{', '  "family": "billing",', '  "environment": ['], tail: ['    { "name": "LOG_LEVEL", "value": "info" }', '  ]', '}'], assign: (k, v) => `    { "name": "${k.upper}", "value": "${v}" },`, comment: () => '    { "name": "REGION", "value": "eu-west-1" },' },
  { name: 'js-object', path: (n) => `web/src/clients-${n}.mjs`, head: ['export const clients = {'], tail: ['};'], assign: (k, v) => `  ${k.camel}: "${v}",`, comment: slashes, reference: (k) => `  ${k.camel}: process.env.${k.upper},` },
  { name: 'python-dict', path: (n) => `worker/app/conf_${n}.py`, head: ['CONFIG = {'], tail: ['}'], assign: (k, v) => `    "${k.snake}": "${v}",`, comment: hash, reference: (k) => `    "${k.snake}": os.environ.get("${k.upper}"),` },
  { name: 'java-setter', path: (n) => `src/main/java/com/acme/Clients${n}.java`, head: ['class Clients {', '  void init(Config config) {'], tail: ['  }', '}'], assign: (k, v) => `    config.set${k.pascal}("${v}");`, comment: (s) => `    // ${s}`, reference: (k) => `    config.set${k.pascal}(System.getenv("${k.upper}"));` },
  { name: 'xml', path: (n) => `conf/settings-${n}.xml`, head: ['<?xml version="1.0"?>', '<settings>'], tail: ['</settings>'], assign: (k, v) => `  <${k.camel}>${v}</${k.camel}>`, comment: (s) => `  <!-- ${s} -->` },
  { name: 'kotlin', path: (n) => `android/app/src/main/kotlin/Keys${n}.kt`, head: ['object Keys {'], tail: ['}'], assign: (k, v) => `    val ${k.camel} = "${v}"`, comment: slashes, reference: (k) => `    val ${k.camel} = BuildConfig.${k.upper}` },
];

// ---------------------------------------------------------------------------------------------
// Hard negatives
// ---------------------------------------------------------------------------------------------

/** [name, value]: look like secrets to a naive scanner, are not. Written in every format. */
function hardNegatives(r: Rng): [string, string][] {
  const hex = (n: number) => randomString(r, '0123456789abcdef', n);
  const uuid = () => `${hex(8)}-${hex(4)}-4${hex(3)}-a${hex(3)}-${hex(12)}`;
  return [
    ['api_key', 'your_api_key_here'],
    ['db_password', 'changeme'],
    ['secret_key', '<your-secret-key>'],
    ['auth_token', 'xxxxxxxxxxxxxxxxxxxxxxxx'],
    ['client_secret', 'REPLACE_ME'],
    ['admin_password', '********'],
    ['api_token', '${API_TOKEN}'],
    ['webhook_secret', '{{ webhook_secret }}'],
    ['github_token', '${{ secrets.GITHUB_TOKEN }}'],
    ['smtp_password', '%(smtp_password)s'],
    ['access_token', 'TODO'],
    ['signing_secret', 'dummy-signing-secret'],
    ['password', 'password123'],
    ['api_key', 'test-api-key'],
    ['stripe_secret_key', 'sk_live_xxxxxxxxxxxxxxxxxxxxxxxx'],
    ['aws_access_key_id', 'AKIAIOSFODNN7EXAMPLE'],
    ['aws_secret_access_key', 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY'],
    ['id_token', 'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9lIiwiaWF0IjoxNTE2MjM5MDIyfQ.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c'],
    ['password_hash', createHash('md5').update(hex(8)).digest('hex')],
    ['commit_sha', createHash('sha1').update(hex(8)).digest('hex')],
    ['artifact_sha256', createHash('sha256').update(hex(8)).digest('hex')],
    ['token_checksum', createHash('sha256').update(hex(9)).digest('hex')],
    ['integrity', `sha512-${createHash('sha512').update(hex(8)).digest('base64')}`],
    ['admin_password_bcrypt', `$2b$12$${randomString(r, BASE62 + './', 53)}`],
    ['client_id', uuid()],
    ['tenant_id', uuid()],
    ['request_id', uuid()],
    ['stripe_publishable_key', `pk_live_${randomString(r, BASE62, 24)}`],
    ['recaptcha_site_key', `6L${randomString(r, BASE62 + '-_', 38)}`],
    ['supabase_anon_key', anonJwt(r)],
    ['image_digest', `sha256:${createHash('sha256').update(hex(7)).digest('hex')}`],
    ['max_tokens', '4096'],
    ['password_min_length', '12'],
    ['token_url', 'https://auth.acme-corp.io/oauth2/token'],
    ['secret_name', 'billing-db-credentials'],
    ['credentials_file', '/var/run/secrets/gcp/key.json'],
    ['auth_enabled', 'true'],
    ['api_key_header', 'X-Api-Key'],
    ['public_key', `ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAI${randomString(r, BASE62, 43)}`],
    ['database_url', 'postgres://app:${DB_PASSWORD}@db.internal:5432/app'],
    ['redis_url', 'redis://cache.internal:6379/0'],
    ['broker_url', 'amqp://guest:guest@localhost:5672//'],
    ['vault_ref', 'vault:secret/data/billing#api_key'],
  ];
}

function anonJwt(r: Rng): string {
  const part = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
  return `${part({ alg: 'HS256', typ: 'JWT' })}.${part({ iss: 'supabase', role: 'anon', iat: 1700000000 })}.${randomBytesFrom(r, 32).toString('base64url')}`;
}

/**
 * Code and config that real repositories are full of, where a naive scanner raises false alarms:
 * secret-named variables that read, hash, validate, template or type a secret without holding one.
 */
const REAL_WORLD_NEGATIVES: [string, string][] = [
  ['api/src/auth/middleware.ts', [
    "import jwt from 'jsonwebtoken';",
    "const token = req.headers.authorization?.split(' ')[1];",
    'const secret = crypto.randomBytes(32).toString(\'hex\');',
    "if (!password) throw new Error('password required');",
    'export const passwordSchema = z.string().min(8).max(128);',
    'const tokenPattern = /^[a-z0-9]{32}$/;',
    "localStorage.setItem('token', token);",
    'headers: { Authorization: `Bearer ${token}` },',
    'const password = await bcrypt.hash(plain, 10);',
    'const apiKey = this.configService.get<string>(\'API_KEY\');',
    "const { accessToken, refreshToken } = await this.authService.login(dto);",
    'type Credentials = { username: string; password: string };',
    'export const PASSWORD_RESET_PATH = "/auth/password/reset";',
    "res.cookie('refresh_token', refreshToken, { httpOnly: true });",
    'const secretKey = Buffer.from(process.env.SECRET_KEY ?? \'\', \'base64\');',
  ].join('\n')],
  ['api/src/models/user.js', [
    'const UserSchema = new Schema({',
    '  password: { type: String, required: true, select: false },',
    '  apiKey: { type: String, index: true },',
    '  resetToken: String,',
    '});',
    "UserSchema.pre('save', async function () { this.password = await hash(this.password); });",
  ].join('\n')],
  ['web/src/locales/de.json', JSON.stringify({ login: { password: 'Passwort', passwordConfirm: 'Passwort bestätigen', token: 'Zugangstoken', apiKey: 'API-Schlüssel', secret: 'Geheimnis' } }, null, 2)],
  ['worker/app/views.py', [
    'from django.contrib.auth import authenticate',
    'password = getpass.getpass("Password: ")',
    'token = Token.objects.get(user=request.user)',
    'SECRET_KEY = get_random_secret_key()',
    'api_key = request.args.get("api_key")',
    'password = forms.CharField(widget=forms.PasswordInput)',
    'token: str = Field(..., min_length=32, description="API token")',
    'client_secret = settings.OAUTH["client_secret"]',
    'auth_token = f"Token {token.key}"',
    'password_hash = hashlib.sha256(password.encode()).hexdigest()',
    'db_password = vault_client.secrets.kv.read_secret_version(path="db")["data"]["password"]',
  ].join('\n')],
  ['internal/auth/jwt.go', [
    'package auth',
    '',
    'type Config struct {',
    '\tPassword string `json:"password" yaml:"password"`',
    '\tAPIKey   string `env:"API_KEY,required"`',
    '}',
    '',
    'func parse(tokenString string) error {',
    '\ttoken, err := jwt.Parse(tokenString, keyFunc)',
    '\tsecret := []byte(os.Getenv("JWT_SECRET"))',
    '\tpassword := viper.GetString("db.password")',
    '\t_ = token; _ = secret; _ = password',
    '\treturn err',
    '}',
  ].join('\n')],
  ['src/main/java/com/acme/security/JwtProvider.java', [
    'package com.acme.security;',
    '',
    'public class JwtProvider {',
    '    @Value("${app.jwt.secret}")',
    '    private String jwtSecret;',
    '    private static final String TOKEN_PREFIX = "Bearer ";',
    '    String token = request.getHeader("Authorization");',
    '    char[] password = console.readPassword();',
    '}',
  ].join('\n')],
  ['k8s/deployment.yaml', [
    'apiVersion: apps/v1',
    'kind: Deployment',
    'spec:',
    '  template:',
    '    spec:',
    '      containers:',
    '        - name: api',
    '          env:',
    '            - name: DB_PASSWORD',
    '              valueFrom:',
    '                secretKeyRef: { name: db-credentials, key: password }',
    '            - name: API_TOKEN',
    '              valueFrom:',
    '                secretKeyRef:',
    '                  name: api-token',
    '                  key: token',
  ].join('\n')],
  ['docker-compose.yml', [
    'services:',
    '  db:',
    '    image: postgres:16',
    '    environment:',
    '      POSTGRES_PASSWORD: ${POSTGRES_PASSWORD:-postgres}',
    '      POSTGRES_USER: app',
    '  app:',
    '    environment:',
    '      - SECRET_KEY_BASE=${SECRET_KEY_BASE}',
    '      - API_TOKEN',
  ].join('\n')],
  ['ansible/group_vars/all.yml', ['ansible_become_password: "{{ vault_become_pass }}"', 'db_password: "{{ lookup(\'env\', \'DB_PASSWORD\') }}"', 'api_token: !vault |', '  $ANSIBLE_VAULT;1.1;AES256'].join('\n')],
  ['cloudformation/db.yaml', ['Resources:', '  Db:', '    Type: AWS::RDS::DBInstance', '    Properties:', '      MasterUsername: admin', "      MasterUserPassword: !Sub '{{resolve:secretsmanager:${DbSecret}:SecretString:password}}'", '      KmsKeyId: !Ref DbKey'].join('\n')],
  ['infra/db/main.tf', ['resource "aws_db_instance" "main" {', '  password = random_password.db.result', '}', 'resource "azurerm_linux_web_app" "app" {', '  client_secret = data.azurerm_key_vault_secret.sp.value', '  api_key       = var.api_key', '}'].join('\n')],
  ['src/main/resources/application.properties', ['spring.datasource.password=${DB_PASSWORD}', 'jwt.secret=${JWT_SECRET:}', 'app.api-key=@api.key@', 'security.oauth2.client.client-secret=${OAUTH_SECRET}'].join('\n')],
  ['.github/workflows/release.yml', ['jobs:', '  release:', '    steps:', '      - uses: actions/checkout@8e5e7e5ab8b370d6c329ec480221332ada57f0ab', '      - uses: docker/login-action@v3', '        with:', '          password: ${{ secrets.DOCKER_PASSWORD }}', '          token: ${{ github.token }}'].join('\n')],
  ['web/src/styles/fonts.css', `@font-face { font-family: Inter; src: url(data:font/woff2;base64,d09GMgABAAAAA${'Ab3kQ9'.repeat(60)}) format("woff2"); }`],
  ['README.md', ['## Configuration', '', '| variable | meaning |', '|---|---|', '| `API_TOKEN` | your token from the dashboard |', '', 'export API_TOKEN=<token from the dashboard>', 'export DB_PASSWORD=...', '', 'The `password` field must be at least 12 characters.'].join('\n')],
  ['config/database.yml', ['default: &default', '  adapter: postgresql', '  password: <%= ENV["DATABASE_PASSWORD"] %>', 'test:', '  <<: *default', '  password:'].join('\n')],
  ['app/Config/Services.php', ['<?php', "return ['password' => env('DB_PASSWORD'), 'token' => $request->bearerToken(), 'secret' => config('app.key')];"].join('\n')],
  ['Assets/Scripts/Net.cs', ['public class Net {', '    public string ApiKey { get; set; }', '    private readonly string _token = Environment.GetEnvironmentVariable("TOKEN");', '    var password = Configuration["Db:Password"];', '}'].join('\n')],
];

/** Whole negative files: lock files, public material, test fixtures, docs with example values. */
function negativeFiles(r: Rng): [string, string][] {
  const sri = () => `sha512-${randomBytesFrom(r, 64).toString('base64')}`;
  const pub = generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey.export({ type: 'spki', format: 'pem' }) as string;
  const lockEntries = Array.from({ length: 40 }, (_, i) => `    "node_modules/pkg-${i}": {\n      "version": "1.${i}.0",\n      "resolved": "https://registry.npmjs.org/pkg-${i}/-/pkg-${i}-1.${i}.0.tgz",\n      "integrity": "${sri()}"\n    },`);
  return [
    ['package-lock.json', `{\n  "name": "web",\n  "lockfileVersion": 3,\n  "packages": {\n${lockEntries.join('\n')}\n    "": {}\n  }\n}\n`],
    ['web/yarn.lock', Array.from({ length: 30 }, (_, i) => `pkg-${i}@^1.0.0:\n  version "1.0.${i}"\n  resolved "https://registry.yarnpkg.com/pkg-${i}/-/pkg-${i}-1.0.${i}.tgz#${randomString(r, '0123456789abcdef', 40)}"\n  integrity ${sri()}\n`).join('\n')],
    ['certs/server.pub.pem', pub],
    ['docs/authentication.md', ['# Authentication', '', 'Set your key in `.env`:', '', '```', 'API_KEY=<your-api-key>', 'DB_PASSWORD=your_password_here', '```', '', 'Authorization: Bearer YOUR_ACCESS_TOKEN', '', 'postgres://user:password@localhost:5432/mydb'].join('\n')],
    ['tests/fixtures/users.json', JSON.stringify({ users: [{ name: 'alice', password: 'test-password-1' }, { name: 'bob', password: 'fake-secret-2' }], apiKey: 'test_api_key_fixture' }, null, 2)],
    ['src/__tests__/auth.test.ts', ["import { login } from '../auth';", '', "const password = 'hunter2-fixture';", "const token = 'mock-token-value-for-tests';", "it('logs in', () => expect(login('alice', password)).toBeTruthy());"].join('\n')],
    ['.env.example', ['DATABASE_URL=postgres://user:password@localhost:5432/app', 'API_KEY=', 'SECRET_KEY=change-me', 'STRIPE_SECRET_KEY=sk_live_...', 'SENTRY_DSN='].join('\n')],
    ['charts/app/templates/secret.yaml', ['apiVersion: v1', 'kind: Secret', 'metadata:', '  name: {{ include "app.fullname" . }}', 'type: Opaque', 'data:', '  password: {{ .Values.db.password | b64enc | quote }}', 'stringData:', '  token: {{ required "token" .Values.token }}'].join('\n')],
    ['.github/workflows/deploy.yml', ['name: deploy', 'on: push', 'jobs:', '  deploy:', '    runs-on: ubuntu-latest', '    steps:', '      - uses: actions/checkout@v4', '      - run: ./deploy.sh', '        env:', '          API_TOKEN: ${{ secrets.API_TOKEN }}', '          DB_PASSWORD: ${{ secrets.DB_PASSWORD }}'].join('\n')],
    ...REAL_WORLD_NEGATIVES,
    ['web/public/app.min.js', `!function(){var a="${randomBytesFrom(r, 600).toString('base64')}";var tokenizer=function(t){return t.split(" ")};var passwordStrength=function(p){return p.length>8}}();`],
  ];
}

// ---------------------------------------------------------------------------------------------
// Assembly
// ---------------------------------------------------------------------------------------------

/** The name a sample assigns its secret to (`SLACK_BOT_TOKEN=…`), for re-hosting in other formats. */
function nameFromSample(text: string, secret: string, detector: Detector): string {
  const before = text.slice(0, text.indexOf(secret));
  const m = /([A-Za-z_][A-Za-z0-9_.-]{2,60})["'\]]?\s*(?::=|=>|=|:)\s*["'`]?(?:[A-Za-z]+\s+)?$/.exec(before);
  // A usable name: at least two words' worth of letters, not a hex run or a bare `key`/`sig`.
  if (m && m[1].length >= 6 && /[g-z]{2}/i.test(m[1]) && !/^(?:https?|url|value|data|default)$/i.test(m[1])) return m[1];
  // `variable "db_password" { default = … }`, `- name: API_TOKEN / value: …`: the name sits elsewhere.
  const named = /["']([A-Za-z0-9_]*(?:password|secret|token|key)[A-Za-z0-9_]*)["']/i.exec(before);
  if (named) return named[1];
  return `${detector.provider.replace(/[^A-Za-z0-9]+/g, '_')}_token`;
}

interface Planted {
  lines: string[];
  /** Index of the secret's first line within `lines`, and its line count. */
  offset: number;
  span: number;
  secret: string;
  detector: string;
  placement: string;
}

const FILLER = ['retry policy tuned for the batch window', 'owned by the platform team', 'see runbook for rotation steps', 'values differ per environment', 'do not change without a review'];

/**
 * Builds the corpus for `detectors`: every positive sample of every detector, with a fresh value,
 * in its own context (its own file), and single-line secrets also re-hosted into three other formats
 * (round-robin, so every format carries every kind of secret over the catalog).
 */
export function buildCorpus(detectors: readonly Detector[], seed = 20260101): Corpus {
  const r = rng(seed);
  const files = new Map<string, string>();
  const labels: Label[] = [];
  const replayed = new Set<string>();
  const byFormat = new Map<string, Planted[]>();
  let formatCursor = 0;
  let nativeCount = 0;

  // `info` detectors (test-mode keys) are reported as notes, not alarms: they are not planted.
  for (const detector of detectors.filter((d) => d.level !== 'info')) {
    detector.samples.positive.forEach((sample, index) => {
      const fresh = freshSample(r, detector, sample);
      if (fresh.replayed) replayed.add(detector.id);
      // Native: the sample's own context and file name, under a directory of its own.
      const path = `native/${String(nativeCount++).padStart(4, '0')}-${detector.id}/${sample.path ?? 'notes.txt'}`;
      const at = fresh.text.indexOf(fresh.secret);
      const header = nativeHeader(sample.path ?? 'notes.txt');
      const content = `${header}${fresh.text}\n`;
      files.set(path, content);
      const line = content.slice(0, header.length + at).split('\n').length;
      labels.push({ file: path, line, endLine: line + fresh.secret.split('\n').length - 1, secret: fresh.secret, detector: detector.id, placement: 'native' });

      const rehostable = !detector.pathPattern && !fresh.secret.includes('\n') && fresh.secret.length >= 16 && !/["'\s\\]/.test(fresh.secret) && index < 2;
      if (!rehostable) return;
      const key = names(nameFromSample(fresh.text, fresh.secret, detector));
      for (let k = 0; k < 3; k++) {
        const format = FORMATS[formatCursor++ % FORMATS.length];
        const lines = format.assign(key, fresh.secret).split('\n');
        const planted: Planted = { lines, offset: lines.findIndex((l) => l.includes(fresh.secret)), span: 1, secret: fresh.secret, detector: detector.id, placement: format.name };
        byFormat.set(format.name, [...(byFormat.get(format.name) ?? []), planted]);
      }
    });
  }

  const negatives = hardNegatives(r);
  for (const format of FORMATS) {
    const planted = byFormat.get(format.name) ?? [];
    for (let fileIndex = 0, n = 0; n < planted.length || fileIndex === 0; fileIndex++) {
      const chunk = planted.slice(n, n + 8);
      n += 8;
      writeFormatFile(r, format, fileIndex, chunk, negatives, files, labels);
      if (chunk.length === 0) break;
    }
  }
  for (const [path, content] of negativeFiles(r)) files.set(`negatives/${path}`, content);
  return { files, labels, replayed: [...replayed].sort() };
}

/** Two lines of context above a native sample, in the file's own comment syntax (none for JSON). */
function nativeHeader(path: string): string {
  if (/\.json$|config\.json$/.test(path)) return '';
  if (/\.(?:[cm]?[jt]sx?|go|java|kts?|cs|php|rs|swift|scala)$/.test(path)) return '// managed by the platform team\n// rotate on staff changes\n';
  if (/\.(?:xml|config)$/i.test(path)) return '<!-- managed by the platform team -->\n';
  if (/\.(?:md|txt)$/.test(path)) return 'Notes for the on-call engineer.\n\n';
  if (/\.ini$|\.npmrc$|\.pypirc$/.test(path)) return '; managed by the platform team\n';
  return '# managed by the platform team\n# rotate on staff changes\n';
}

function writeFormatFile(r: Rng, format: Format, index: number, planted: Planted[], negatives: [string, string][], files: Map<string, string>, labels: Label[]): void {
  const path = format.path(index);
  const lines = [...format.head];
  const body: (Planted | string)[] = [...planted];
  const negativeCount = 10 + Math.floor(r() * 6);
  for (let i = 0; i < negativeCount; i++) {
    const [name, value] = pick(r, negatives);
    body.push(format.assign(names(name), value));
  }
  if (format.reference) for (const name of ['db_password', 'api_key', 'auth_token']) body.push(format.reference(names(name)));
  for (let i = 0; i < 4; i++) body.push(format.comment(pick(r, FILLER)));
  // Shuffle so that secrets and negatives interleave.
  for (let i = body.length - 1; i > 0; i--) {
    const j = Math.floor(r() * (i + 1));
    [body[i], body[j]] = [body[j], body[i]];
  }
  for (const item of body) {
    if (typeof item === 'string') {
      lines.push(...item.split('\n'));
      continue;
    }
    const line = lines.length + 1 + item.offset;
    lines.push(...item.lines);
    labels.push({ file: path, line, endLine: line + item.span - 1, secret: item.secret, detector: item.detector, placement: item.placement });
  }
  lines.push(...format.tail);
  files.set(path, `${lines.join('\n')}\n`);
}

/** Writes the corpus under `root` (wiped first). */
export function writeCorpus(root: string, corpus: Corpus): void {
  rmSync(root, { recursive: true, force: true });
  for (const [path, content] of corpus.files) {
    const full = join(root, path);
    mkdirSync(dirname(full), { recursive: true });
    writeFileSync(full, content);
  }
}
