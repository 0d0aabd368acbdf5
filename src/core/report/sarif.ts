import { createHash } from 'node:crypto';
import type { Finding, Level, ScanResult } from '../types.js';
import type { RenderContext, Renderer } from './renderer.js';
import { ruleHelp } from './rule-help.js';

const SARIF_SCHEMA = 'https://json.schemastore.org/sarif-2.1.0.json';
const INFORMATION_URI = 'https://github.com/nhi-steward/nhi-steward';

/** SARIF has no `info`; code scanning maps `security-severity` to critical/high/medium/low. */
const SARIF_LEVEL: Record<Level, 'error' | 'warning' | 'note'> = { error: 'error', warning: 'warning', notice: 'note', info: 'note' };
const SECURITY_SEVERITY: Record<Level, string> = { error: '8.0', warning: '5.5', notice: '3.0', info: '1.0' };

/**
 * SARIF 2.1.0 for GitHub code scanning (`upload-sarif`). Paths are relative to the scanned folder
 * under `%SRCROOT%`. `primaryLocationLineHash` is derived from our content fingerprint (itself a
 * one-way digest), so alerts follow a moved line and no hash input is the secret itself.
 */
export const sarifRenderer: Renderer = {
  format: 'sarif',
  render(result, context) {
    return `${JSON.stringify(toSarif(result, context), null, 2)}\n`;
  },
};

export function toSarif(result: ScanResult, context: RenderContext): Record<string, unknown> {
  const ruleIds = [...new Set(result.findings.map((f) => f.rule))].sort();
  const ruleIndex = new Map(ruleIds.map((id, i) => [id, i]));
  const occurrences = new Map<string, number>();
  return {
    $schema: SARIF_SCHEMA,
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 'nhi-steward',
            version: context.version,
            semanticVersion: context.version,
            informationUri: INFORMATION_URI,
            rules: ruleIds.map((id) => sarifRule(id, result.findings)),
          },
        },
        originalUriBaseIds: { '%SRCROOT%': { description: { text: `The scanned folder (${context.root})` } } },
        results: result.findings.map((f) => sarifResult(f, ruleIndex.get(f.rule) ?? 0, occurrences)),
        invocations: [{ executionSuccessful: true, toolExecutionNotifications: result.skipped.map(skippedNotification) }],
      },
    ],
  };
}

function sarifRule(id: string, findings: readonly Finding[]): Record<string, unknown> {
  const help = ruleHelp(id);
  // A rule's default level is its most severe finding in this run; results carry their own level.
  const levels = findings.filter((f) => f.rule === id).map((f) => f.level);
  const top = (['error', 'warning', 'notice', 'info'] as const).find((l) => levels.includes(l)) ?? 'warning';
  return {
    id,
    name: ruleName(id),
    shortDescription: { text: help.title },
    fullDescription: { text: help.title },
    help: { text: stripMarkdown(help.help), markdown: help.help },
    defaultConfiguration: { level: SARIF_LEVEL[top] },
    properties: {
      tags: ['security', ...help.owasp, ...(id.startsWith('secret/') ? ['secret'] : ['nhi'])],
      'security-severity': SECURITY_SEVERITY[top],
      precision: id.startsWith('secret/') ? 'high' : 'very-high',
    },
  };
}

function sarifResult(f: Finding, ruleIndex: number, occurrences: Map<string, number>): Record<string, unknown> {
  const key = `${f.rule}\0${f.file}\0${f.fingerprint}`;
  const occurrence = (occurrences.get(key) ?? 0) + 1;
  occurrences.set(key, occurrence);
  const lineHash = createHash('sha256').update(key).digest('hex').slice(0, 16);
  const region: Record<string, number> = { startLine: f.line, startColumn: f.column };
  if (f.endLine !== undefined) region.endLine = f.endLine;
  if (f.endColumn !== undefined) region.endColumn = f.endColumn;
  const properties: Record<string, unknown> = {};
  if (f.detector) properties.detector = f.detector;
  if (f.redacted) properties.redacted = f.redacted;
  if (f.identityId) properties.identityId = f.identityId;
  if (f.owasp?.length) properties.tags = [...f.owasp];
  if (f.verification) properties.verification = f.verification;
  if (f.verificationDetail) properties.verificationDetail = f.verificationDetail;
  if (f.commit) properties.commit = { sha: f.commit.sha, author: f.commit.author, date: f.commit.date };
  if (f.presentAtHead !== undefined) properties.presentAtHead = f.presentAtHead;
  if (f.otherLocations?.length) properties.otherLocations = f.otherLocations.map((l) => ({ file: l.file, line: l.line, commit: l.commit }));
  return {
    ruleId: f.rule,
    ruleIndex,
    level: SARIF_LEVEL[f.level],
    message: { text: f.message },
    locations: [{ physicalLocation: { artifactLocation: { uri: encodeUri(f.file), uriBaseId: '%SRCROOT%' }, region } }],
    partialFingerprints: { primaryLocationLineHash: `${lineHash}:${occurrence}` },
    fingerprints: { 'nhi-steward/v1': f.fingerprint },
    properties,
  };
}

function skippedNotification(s: { path: string; reason: string; detail: string }): Record<string, unknown> {
  return {
    level: 'note',
    message: { text: `Skipped ${s.path}: ${s.reason} (${s.detail})` },
    locations: [{ physicalLocation: { artifactLocation: { uri: encodeUri(s.path), uriBaseId: '%SRCROOT%' } } }],
  };
}

/** `secret/github-pat` → `SecretGithubPat` (SARIF `name` is an identifier-like label). */
function ruleName(id: string): string {
  return id
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean)
    .map((w) => w[0].toUpperCase() + w.slice(1))
    .join('');
}

/** A relative URI reference: percent-encode each segment, keep the slashes. */
function encodeUri(path: string): string {
  return path.split('/').map(encodeURIComponent).join('/');
}

function stripMarkdown(md: string): string {
  return md.replace(/\*\*|`/g, '');
}
