import type { Finding, InventoryEntry, ScanResult, Skipped, ScanStats } from '../types.js';
import type { RenderContext, Renderer } from './renderer.js';

/** Bumped only on a breaking change to the shape below (docs/json-schema.md). */
export const JSON_REPORT_VERSION = 1;

export interface JsonFinding {
  rule: string;
  level: Finding['level'];
  file: string;
  line: number;
  column: number;
  detector?: string;
  redacted?: string;
  fingerprint: string;
  message: string;
  identityId?: string;
  owasp?: string[];
  /** History mode (docs/history.md). */
  commit?: { sha: string; author: string; date: string };
  presentAtHead?: boolean;
  otherLocations?: { file: string; line: number; commit: string }[];
  /** Secrets, when live verification ran (docs/verification.md). */
  verification?: Finding['verification'];
  verificationDetail?: Finding['verificationDetail'];
}

export interface JsonReport {
  version: number;
  tool: { name: 'nhi-steward'; version: string };
  root: string;
  findings: JsonFinding[];
  skipped: Skipped[];
  stats: ScanStats & { findings: number; byLevel: Record<Finding['level'], number> };
  inventory?: InventoryEntry[];
}

/**
 * Copies the documented fields one by one rather than spreading the Finding, so an extra field a
 * rule adds in `data` can never leak into the stable schema (or carry a value we did not vet).
 */
export function toJsonFinding(f: Finding): JsonFinding {
  const out: JsonFinding = { rule: f.rule, level: f.level, file: f.file, line: f.line, column: f.column, fingerprint: f.fingerprint, message: f.message };
  if (f.detector !== undefined) out.detector = f.detector;
  if (f.redacted !== undefined) out.redacted = f.redacted;
  if (f.identityId !== undefined) out.identityId = f.identityId;
  if (f.owasp !== undefined) out.owasp = [...f.owasp];
  if (f.commit !== undefined) out.commit = { sha: f.commit.sha, author: f.commit.author, date: f.commit.date };
  if (f.presentAtHead !== undefined) out.presentAtHead = f.presentAtHead;
  if (f.otherLocations !== undefined) out.otherLocations = f.otherLocations.map((l) => ({ file: l.file, line: l.line, commit: l.commit }));
  if (f.verification !== undefined) out.verification = f.verification;
  if (f.verificationDetail !== undefined) out.verificationDetail = verificationDetail(f.verificationDetail);
  return out;
}

function verificationDetail(d: NonNullable<Finding['verificationDetail']>): NonNullable<Finding['verificationDetail']> {
  const out: NonNullable<Finding['verificationDetail']> = {};
  if (d.provider !== undefined) out.provider = d.provider;
  if (d.reason !== undefined) out.reason = d.reason;
  if (d.facts !== undefined) out.facts = { ...d.facts };
  if (d.checkedAt !== undefined) out.checkedAt = d.checkedAt;
  return out;
}

export function toJsonReport(result: ScanResult, context: RenderContext): JsonReport {
  const byLevel = { error: 0, warning: 0, notice: 0, info: 0 };
  for (const f of result.findings) byLevel[f.level]++;
  const report: JsonReport = {
    version: JSON_REPORT_VERSION,
    tool: { name: 'nhi-steward', version: context.version },
    root: context.root,
    findings: result.findings.map(toJsonFinding),
    skipped: result.skipped.map((s) => ({ path: s.path, reason: s.reason, detail: s.detail })),
    stats: { ...result.stats, findings: result.findings.length, byLevel },
  };
  if (result.inventory.length > 0) report.inventory = result.inventory;
  return report;
}

export const jsonRenderer: Renderer = {
  format: 'json',
  render(result, context) {
    return `${JSON.stringify(toJsonReport(result, context), null, 2)}\n`;
  },
};
