import { isUtf8 } from 'node:buffer';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { createParallelSecretScanner } from '../../src/core/parallel/pool.js';
import { readSourceFile } from '../../src/core/parallel/read-file.js';
import { contributionOf } from '../../src/core/scan.js';
import { asciiPattern, compileCatalog } from '../../src/core/secrets/compile.js';
import { generateChecksumToken } from '../../src/core/secrets/detectors/checksum.js';
import { allDetectors } from '../../src/core/secrets/detectors/index.js';
import { scanSecrets } from '../../src/core/secrets/engine.js';
import { exactSourceFile, toStandInSourceFile } from '../../src/core/source.js';
import { byteOffset, OTHER, REFUSED_CHARACTERS, SPACE, SPACES, standInText } from '../../src/core/stand-in.js';
import { defaultSettings, type ScanSettings, type SourceFile } from '../../src/core/types.js';
import { extractors } from '../../src/core/identities/registry.js';
import { FileVersions } from '../../src/core/secrets/versions.js';
import { PieceScanner } from '../../src/core/secrets/pieces.js';
import { decodeBlob, toSourceFile } from '../../src/core/source.js';
import { scanBlobBytes } from '../../src/workspace/history-blob.js';

/**
 * Stand-in texts (src/core/stand-in.ts): a one-byte text the secrets engine scans in place of a
 * non-ASCII file's real text. Every test here compares what the engine reports from the stand-in
 * with what it reports from the real text, and checks that the stand-in was what it read.
 */

/**
 * A file as the tree scan makes it, counting the times its whole real text was asked for
 * (`exactCalls`) and the times any of it was, whole or some of its lines (`realReads`).
 */
function standInFile(path: string, text: string): { file: SourceFile; exactCalls: () => number; realReads: () => number } {
  const file = toStandInSourceFile(path, Buffer.from(text, 'utf8'), { maxFileSize: 1 << 26 }, () => true);
  if (!('content' in file)) throw new Error('skipped');
  let whole = 0;
  let lines = 0;
  const standIn = file.standIn;
  if (standIn) file.standIn = { exact: () => (whole++, standIn.exact()), slice: (from, to) => (lines++, standIn.slice(from, to)) };
  return { file, exactCalls: () => whole, realReads: () => whole + lines };
}

const settings = defaultSettings();
const location = defaultSettings({ fingerprint: { kind: 'location' } });

describe('standInText', () => {
  it('names exactly the characters past ASCII that \\s matches, and refuses those a pattern could read as ASCII or a line end', () => {
    const spaces: number[] = [];
    const refused: number[] = [];
    for (let cp = 0x80; cp < 0x10000; cp++) {
      if (cp >= 0xd800 && cp <= 0xdfff) continue;
      const ch = String.fromCharCode(cp);
      if (/[\n\r\u2028\u2029]/.test(ch) || /[\x00-\x7f]/iu.test(ch) || /\w/iu.test(ch) || /\W/iu.test(ch) !== /\W/.test(ch)) refused.push(cp);
      else if (/\s/.test(ch)) spaces.push(cp);
    }
    expect(refused).toEqual(REFUSED_CHARACTERS);
    expect(spaces).toEqual(SPACES.filter((cp) => !REFUSED_CHARACTERS.includes(cp)));
  });

  it('is as long as the real text, ASCII in place, one placeholder per other code unit; undefined for invalid UTF-8 or a refused character', () => {
    const codePoint = fc.oneof(
      fc.integer({ min: 0x20, max: 0x7e }),
      fc.constantFrom(0x0a, 0x09, 0xa0, 0xe9, 0xdf, 0x131, 0x17f, 0x3000, 0xfeff, 0x2028, 0x212a, 0x1f600, 0x10ffff, 0x10000),
      fc.integer({ min: 0x80, max: 0x10ffff }).filter((cp) => cp < 0xd800 || cp > 0xdfff),
    );
    const bytes = fc.array(fc.oneof({ weight: 8, arbitrary: codePoint.map((cp) => [...Buffer.from(String.fromCodePoint(cp), 'utf8')]) }, { weight: 1, arbitrary: fc.array(fc.integer({ min: 0x80, max: 0xff }), { minLength: 1, maxLength: 3 }) }), { maxLength: 600 });
    fc.assert(
      fc.property(bytes, (parts) => {
        const buffer = Buffer.from(parts.flat());
        const text = standInText(buffer);
        const real = buffer.toString('utf8');
        const refused = [...real].some((ch) => REFUSED_CHARACTERS.includes(ch.codePointAt(0)!));
        expect(text !== undefined).toBe(isUtf8(buffer) && !refused);
        if (text === undefined) return;
        expect(text.length).toBe(real.length);
        for (let i = 0; i < real.length; i++) {
          const unit = real.charCodeAt(i);
          const expected = unit < 0x80 ? unit : SPACES.includes(unit) ? SPACE : OTHER;
          if (text.charCodeAt(i) !== expected) expect(`${i}: ${text.charCodeAt(i)}`).toBe(`${i}: ${expected}`);
        }
      }),
      { numRuns: 400 },
    );
  });

  it('reads ASCII stretches of every length between non-ASCII characters, across its blocks', () => {
    for (const gap of [0, 1, 255, 256, 257, 4095, 4096, 4097, 9000]) {
      const real = `é${'a'.repeat(gap)}中${'b'.repeat(gap)}😀\u00a0${'c'.repeat(gap)}`;
      expect(standInText(Buffer.from(real, 'utf8')), String(gap)).toBe(`\x80${'a'.repeat(gap)}\x80${'b'.repeat(gap)}\x80\x80\xa0${'c'.repeat(gap)}`);
    }
  });

  it('texts of any size in turn: the shared output buffer grows to the largest up to 5 MiB, a larger text gets its own', () => {
    // Sizes up and down across 1 MiB (the buffer's first size), 5 MiB (its largest) and back, each
    // with its non-ASCII characters somewhere else, so a byte left from an earlier, longer text shows.
    const sizes = [100, (1 << 20) + 7, 3 << 20, 2000, (5 << 20) + 1, (2 << 20) + 3, 5 << 20, 777];
    sizes.forEach((size, i) => {
      const at = Math.floor((size * (i + 1)) / (sizes.length + 1));
      const fill = String.fromCharCode(97 + i);
      const real = `${fill.repeat(at)}ü${fill.repeat(size - at - 2)}€`;
      const expected = `${fill.repeat(at)}\x80${fill.repeat(size - at - 2)}\x80`;
      expect(standInText(Buffer.from(real, 'utf8')) === expected, `${size} bytes`).toBe(true);
    });
  });
});

describe("a stand-in's real text, read by lines", () => {
  it('slice(from, to) at line bounds is the real text there, for the tree scan and the history decoders', () => {
    const part = fc.constantFrom('a', 'token = x', '\n', '\r\n', 'é', '中文', '😀', '\u00a0', '\ufeff', 'Ü', 'éé\né');
    fc.assert(
      fc.property(fc.array(part, { minLength: 1, maxLength: 40 }), fc.nat(), fc.nat(), fc.boolean(), (parts, a, b, history) => {
        const text = parts.join('');
        const file = toStandInSourceFile('f.txt', Buffer.from(text, 'utf8'), { maxFileSize: 1 << 20 }, () => true, history ? decodeBlob : undefined);
        if (!('content' in file) || file.standIn === undefined) return;
        // Line bounds: 0, each line feed and the character after it, the end.
        const bounds = [0, text.length];
        for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) bounds.push(i, i + 1);
        bounds.sort((x, y) => x - y);
        const from = bounds[a % bounds.length];
        const to = Math.max(from, bounds[b % bounds.length]);
        expect(file.standIn.slice(from, to)).toBe(text.slice(from, to));
        expect(file.content.length).toBe(text.length);
      }),
      { numRuns: 1000 },
    );
  });

  it('byteOffset maps an offset outside every run of characters past ASCII to its byte', () => {
    const text = 'ab\né\n中文x\n😀\n\nend';
    const runs: number[] = [];
    const bytes = Buffer.from(text, 'utf8');
    expect(standInText(bytes, runs)).toBeDefined();
    for (let i = 0; i <= text.length; i++) {
      const inRun = i > 0 && i < text.length && text.charCodeAt(i - 1) > 0x7f && text.charCodeAt(i) > 0x7f;
      if (inRun || (i < text.length && text.charCodeAt(i) >= 0xdc00 && text.charCodeAt(i) <= 0xdfff)) continue;
      expect(byteOffset(runs, i), `offset ${i}`).toBe(Buffer.byteLength(text.slice(0, i), 'utf8'));
    }
  });
});

describe('the secrets engine on a stand-in text', () => {
  it('the catalog qualifies; a custom detector with a non-ASCII pattern or the u flag does not', () => {
    expect(compileCatalog(allDetectors).standInSafe).toBe(true);
    const base = allDetectors[0];
    expect(compileCatalog([...allDetectors, { ...base, id: 'x-1', pattern: /caf\u00e9=(?<secret>\w+)/ }]).standInSafe).toBe(false);
    expect(compileCatalog([...allDetectors, { ...base, id: 'x-2', pattern: /key=(?<secret>\p{L}+)/u }]).standInSafe).toBe(false);
    expect(compileCatalog([...allDetectors, { ...base, id: 'x-3', pattern: /key=(?<secret>[\x80-\xff]+)/ }]).standInSafe).toBe(false);
    expect(compileCatalog([...allDetectors, { ...base, id: 'x-4', keywords: ['clé'] }]).standInSafe).toBe(false);
    // A back-reference compares characters, which placeholders make equal: only to a group that
    // matches ASCII alone (a quote, a label), as the catalog's do.
    expect(asciiPattern(/(?<q>["'`]?)(?<secret>[A-Za-z0-9]{20})\k<q>/)).toBe(true);
    expect(asciiPattern(/-----BEGIN (?<label>RSA|EC) PRIVATE KEY-----[\s\S]*?-----END \k<label> PRIVATE KEY-----/)).toBe(true);
    expect(asciiPattern(/<(?<tag>[A-Za-z0-9_.:-]{0,40}?secret)>(?<secret>[^<]+)<\/\k<tag>>/i)).toBe(true);
    for (const unsafe of [/(?<c>.)\k<c>/, /(?<c>[^"])\k<c>/, /(?<c>\S+)=\k<c>/, /(?<c>[\s,])\k<c>/, /(\w)\1/, /(?<c>a)(?<d>.)\k<d>/]) expect(asciiPattern(unsafe), String(unsafe)).toBe(false);
  });

  it('a file with non-ASCII text and no secret is judged on the stand-in alone', () => {
    // Non-ASCII text on lines of its own: a keyword's line that held some would be judged on the
    // real text (the next test).
    const text = [
      '// Überprüfung der Zugangsdaten — 認証トークン: ne pas écrire le jeton ici',
      'const token = getToken();',
      'const password = process.env.DB_PASSWORD;',
      'export const apiKey = config.apiKey ?? "";',
      'const greeting = "¡Hola, señor! 😀";',
    ].join('\n');
    const { file, realReads } = standInFile('src/auth.ts', text);
    expect(file.standIn).toBeDefined();
    expect(file.content).not.toBe(text);
    expect(scanSecrets(file, settings)).toEqual([]);
    expect(realReads()).toBe(0);
    expect(scanSecrets({ path: 'src/auth.ts', content: text }, settings)).toEqual([]);
  });

  it('a value holding non-ASCII characters is judged on the real text (the stand-in alone would lose it), read from its line alone', () => {
    const text = '# Datenbank\ndb_password = "Zöñüßéàçø9Kq"\n';
    const real = scanSecrets({ path: 'app/config.env', content: text }, settings);
    expect(real.map((f) => f.rule)).toEqual(['secret/generic-password']);
    const { file, exactCalls, realReads } = standInFile('app/config.env', text);
    expect(scanSecrets(file, settings)).toEqual(real);
    expect(realReads()).toBeGreaterThan(0);
    expect(exactCalls()).toBe(0);
    // What the per-value check prevents: judged on placeholders, the value has too little entropy.
    expect(scanSecrets({ path: 'app/config.env', content: file.content }, settings)).toEqual([]);
  });

  it('a secret on a long line with non-ASCII text far from it: the location fingerprint hashes the real line', () => {
    const token = generateChecksumToken('ghp_');
    const text = `const x = "${token}";${' '.repeat(1500)}// Schlüssel für die Anmeldung\nnext();\n`;
    const real = scanSecrets({ path: 'src/a.ts', content: text }, location);
    expect(real).toHaveLength(1);
    const { file, exactCalls, realReads } = standInFile('src/a.ts', text);
    expect(scanSecrets(file, location)).toEqual(real);
    expect(realReads()).toBeGreaterThan(0);
    expect(exactCalls()).toBe(0);
  });

  it('columns count UTF-16 code units of the real text', () => {
    const token = generateChecksumToken('ghp_');
    const text = `// ✓ ünïcödé 😀\nconst tökén = "${token}";\n`;
    const { file } = standInFile('src/b.ts', text);
    const [finding] = scanSecrets(file, settings);
    expect(finding).toMatchObject({ line: 2, column: 'const tökén = "'.length + 1, endColumn: 'const tökén = "'.length + token.length + 1 });
    expect(scanSecrets({ path: 'src/b.ts', content: text }, settings)).toEqual([finding]);
  });

  it('reports what the real text reports, on texts mixing catalog samples and non-ASCII characters', () => {
    const samples = allDetectors.flatMap((d) => d.samples.positive.filter((p) => !p.path).map((p) => p.text)).filter((_, i) => i % 7 === 0);
    const fragment = fc.oneof(
      { weight: 3, arbitrary: fc.constantFrom(...samples) },
      { weight: 4, arbitrary: fc.constantFrom('é', 'ñáéíóúü', '中文字符', '\u00a0', '\u3000', '😀', '\ufeff', 'Ω≈ç√', '«»', '€', 'Привет') },
      { weight: 4, arbitrary: fc.constantFrom('\n', ' ', ' = ', '"', ': ', 'password = "', 'token: ', '// ', 'api_key=', '\t', 'x'.repeat(40)) },
    );
    let judgedOnStandIn = 0;
    fc.assert(
      fc.property(fc.array(fragment, { minLength: 1, maxLength: 24 }), fc.boolean(), (parts, byLocation) => {
        const text = parts.join('');
        const s = byLocation ? location : settings;
        const real = scanSecrets({ path: 'src/mixed.py', content: text }, s);
        const { file, realReads } = standInFile('src/mixed.py', text);
        expect(scanSecrets(file, s)).toEqual(real);
        if (file.standIn && realReads() === 0) judgedOnStandIn++;
      }),
      { numRuns: 300 },
    );
    // The comparison means something only if the stand-in was often what decided.
    expect(judgedOnStandIn).toBeGreaterThan(30);
  });

  it("every catalog sample, with non-ASCII text put around it, reports on its stand-in what it reports on its real text", () => {
    const inserts = ['é', '\u00a0', '😀', '中文', '\u3000', 'Ü\u00a0ß'];
    const variants = (text: string, k: number): string[] => {
      const x = inserts[k % inserts.length];
      const firstBreak = text.indexOf('\n');
      const lineEnd = firstBreak === -1 ? text.length : firstBreak;
      return [
        `# ${x} Zugangsdaten\n${text}`, // a line of its own before
        `${x} ${text}`, // at the start of the sample's line
        `${text.slice(0, lineEnd)} // ${x}${text.slice(lineEnd)}`, // after it on its line
        `${text}\n${x}\n`, // a line of its own after
        `${text.slice(0, Math.floor(text.length / 2))}${x}${text.slice(Math.floor(text.length / 2))}`, // inside it
      ];
    };
    let compared = 0;
    let onStandIn = 0;
    const mismatches: string[] = [];
    allDetectors.forEach((d, i) => {
      const texts = [...d.samples.positive.map((p) => ({ text: p.text, path: p.path })), ...d.samples.negative.map((n) => (typeof n === 'string' ? { text: n, path: undefined } : n))];
      texts.forEach(({ text, path }, j) => {
        for (const variant of variants(text, i + j)) {
          const where = path ?? 'app/settings.py';
          const real = scanSecrets({ path: where, content: variant }, settings);
          const { file, realReads } = standInFile(where, variant);
          const got = scanSecrets(file, settings);
          compared++;
          if (realReads() === 0) onStandIn++;
          if (JSON.stringify(got) !== JSON.stringify(real)) mismatches.push(`${d.id}: ${JSON.stringify(variant).slice(0, 80)}`);
        }
      });
    });
    expect(mismatches).toEqual([]);
    expect(compared).toBeGreaterThan(15_000);
    expect(onStandIn).toBeGreaterThan(compared / 4);
  });

  it('a catalog with a non-ASCII custom detector reads the real text', () => {
    const custom: ScanSettings = defaultSettings({ detectors: { enabled: [], disabled: [], custom: [{ id: 'acme-cle', title: 'Acme clé', keywords: ['clé'], regex: 'clé=(?<secret>[A-Za-z0-9]{24})' }] } });
    const value = 'Q2x9Lm4Zp8Rt6Vw3Yb7Nc5Kd';
    const text = `# réglages\nclé=${value}\n`;
    const real = scanSecrets({ path: 'app/settings.ini', content: text }, custom);
    expect(real.map((f) => f.rule)).toContain('secret/acme-cle');
    const { file, exactCalls } = standInFile('app/settings.ini', text);
    expect(scanSecrets(file, custom)).toEqual(real);
    expect(exactCalls()).toBe(1);
  });

  it('no stand-in for invalid UTF-8 or a refused character: the real decoding, replacement characters included', () => {
    const invalid = Buffer.concat([Buffer.from('naïve '), Buffer.from([0xff, 0xc3]), Buffer.from(' token\n')]);
    const file = toStandInSourceFile('a.txt', invalid, { maxFileSize: 1 << 20 }, () => true);
    expect(file).toEqual({ path: 'a.txt', content: invalid.toString('utf8') });
    const separator = toStandInSourceFile('b.txt', Buffer.from('line\u2028é\n'), { maxFileSize: 1 << 20 }, () => true);
    expect(separator).toEqual({ path: 'b.txt', content: 'line\u2028é\n' });
    expect(toStandInSourceFile('c.txt', Buffer.from('ascii only\n'), { maxFileSize: 1 << 20 }, () => true)).toEqual({ path: 'c.txt', content: 'ascii only\n' });
  });
});

describe('stand-in texts in history mode', () => {
  it('versions of a file, each scanned after the last, report what their real texts report', () => {
    const samples = allDetectors.flatMap((d) => d.samples.positive.filter((p) => !p.path).map((p) => p.text)).filter((_, i) => i % 11 === 0);
    const piece = fc.oneof(
      { weight: 2, arbitrary: fc.constantFrom(...samples, 'db_password = "Zöñüßéàçø9Kq"') },
      { weight: 3, arbitrary: fc.constantFrom('é', '中文', '\u00a0', '😀', 'Привет', '// Überprüfung\n') },
      { weight: 4, arbitrary: fc.constantFrom('\n', ' ', 'token = "', '"', 'x'.repeat(3000), 'y'.repeat(20000), '// comment\n') },
    );
    // A first version, then edits: a piece inserted at some point of the last version.
    const history = fc.tuple(fc.array(piece, { minLength: 1, maxLength: 12 }), fc.array(fc.tuple(fc.nat(), piece), { minLength: 1, maxLength: 5 }));
    fc.assert(
      fc.property(history, ([first, edits]) => {
        const versions = [first.join('')];
        for (const [at, insert] of edits) {
          const last = versions[versions.length - 1];
          const cut = at % (last.length + 1);
          versions.push(last.slice(0, cut) + insert + last.slice(cut));
        }
        const withStandIns = new FileVersions();
        const withReal = new FileVersions();
        for (const text of versions) {
          const bytes = Buffer.from(text, 'utf8');
          const outcome = scanBlobBytes('src/app.js', bytes, settings, undefined, withStandIns);
          const real = toSourceFile('src/app.js', bytes, settings, undefined, decodeBlob) as SourceFile;
          real.versions = withReal.version('src/app.js');
          const expected = scanSecrets(real, settings);
          expect(outcome.scanned && (outcome.findings ?? [])).toEqual(expected);
        }
      }),
      { numRuns: 120 },
    );
  });
});

describe('stand-in texts of a file read in pieces', () => {
  it('each window is a stand-in; a value of non-ASCII letters in the last one is found from its real text', () => {
    const token = generateChecksumToken('ghp_');
    const text = `${'Größenordnung — naïve café 十分\n'.repeat(3000)}GH_TOKEN=${token}\n${'ünïcödé\n'.repeat(2000)}db_password = "Zöñüßéàçø9Kq"\n`;
    const whole = scanSecrets({ path: 'dump.sql', content: text }, settings);
    expect(whole.map((f) => [f.rule, f.line])).toEqual([
      ['secret/github-classic-pat', 3001],
      ['secret/generic-password', 5002],
    ]);
    const pieces = new PieceScanner('dump.sql', settings, undefined, undefined, { piece: 16 * 1024, back: 2048, ahead: 4096 });
    const bytes = Buffer.from(text, 'utf8');
    for (let at = 0; at < bytes.length; at += 5000) pieces.push(bytes.subarray(at, at + 5000));
    expect(pieces.finish()).toEqual(whole);
  });
});

describe('stand-in files in the tree scan', () => {
  const dir = mkdtempSync(join(tmpdir(), 'nhi-stand-in-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('the real text cannot be read once the reader has read another file', () => {
    writeFileSync(join(dir, 'one.txt'), 'première\n');
    writeFileSync(join(dir, 'two.txt'), 'deuxième\n');
    const one = readSourceFile('one.txt', join(dir, 'one.txt'), 1 << 20, true) as SourceFile;
    expect(one.standIn).toBeDefined();
    expect(exactSourceFile(one).content).toBe('première\n');
    readSourceFile('two.txt', join(dir, 'two.txt'), 1 << 20, true);
    expect(() => exactSourceFile(one)).toThrow(/one\.txt: the bytes behind a stand-in text were reused/);
  });

  it('a stand-in handed to a worker goes with its real text, read before its bytes are reused', async () => {
    const token = generateChecksumToken('ghp_');
    // The token is found either way; the password only on the real text (see above).
    const texts = Array.from({ length: 6 }, (_, i) => `# Einstellungen ${i}\nGITHUB_TOKEN=${token}\ndb_password = "Zöñüßéàçø9K${i}"\n`);
    const expected = texts.flatMap((text, i) => scanSecrets({ path: `svc-${i}/.env`, content: text }, settings));
    expect(expected.map((f) => f.rule)).toEqual(texts.flatMap(() => ['secret/github-classic-pat', 'secret/generic-password']));
    const pool = createParallelSecretScanner(settings, { largeTreeBytes: 0, workers: 1 });
    let fresh = true;
    for (const [i, text] of texts.entries()) {
      const file = toStandInSourceFile(`svc-${i}/.env`, Buffer.from(text, 'utf8'), { maxFileSize: 1 << 20 }, () => fresh);
      expect((file as SourceFile).standIn).toBeDefined();
      pool.add(file as SourceFile);
    }
    fresh = false; // the reader's buffer now holds other files
    expect(await pool.finish()).toEqual(expected);
    expect(pool.filesFromWorkers).toBeGreaterThan(0);
  });

  it('extractors claim a stand-in as they claim the real text, and extract from the real text', () => {
    const manifest = ['# Dienstkonto für die Zahlungen — «payments»', 'apiVersion: v1', 'kind: ServiceAccount', 'metadata:', '  name: payments-bot', '  annotations:', '    description: "Zahlungsdienst ✓"', ''].join('\n');
    const template = ['{', '  "Description": "Modèle — rôle",', '  "AWSTemplateFormatVersion": "2010-09-09",', '  "Resources": { "Role": { "Type": "AWS::IAM::User", "Properties": { "UserName": "déploiement" } } }', '}', ''].join('\n');
    for (const [path, text] of [
      ['k8s/sa.yaml', manifest],
      ['cfn/stack.json', template],
      ['docs/readme.json', '{ "titre": "Données" }\n'],
    ] as const) {
      const { file } = standInFile(path, text);
      expect(file.standIn, path).toBeDefined();
      for (const extractor of extractors) expect(extractor.matches(path, file.content), `${extractor.platform} ${path}`).toBe(extractor.matches(path, text));
      const contribution = contributionOf(file, settings);
      const real = contributionOf({ path, content: text }, settings);
      expect(contribution.extracted, path).toEqual(real.extracted);
    }
    const { file } = standInFile('k8s/sa.yaml', manifest);
    expect(contributionOf(file, settings).extracted.records.map((r) => r.id)).toEqual(contributionOf({ path: 'k8s/sa.yaml', content: manifest }, settings).extracted.records.map((r) => r.id));
    expect(contributionOf(file, settings).extracted.records.length).toBeGreaterThan(0);
  });
});
