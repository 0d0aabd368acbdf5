import { inspect } from 'node:util';
import type { Finding, RevealedSecret, SecretSink } from '../core/types.js';
import type { Verifier, VerifyResult } from './engine.js';

/**
 * Holds the secret values the scan revealed for verification, by fingerprint. It refuses to be
 * serialised or printed, so a stray `JSON.stringify` or log line shows nothing.
 */
export class SecretVault {
  readonly #secrets = new Map<string, RevealedSecret>();
  /** Pass as `ScanOptions.revealSecrets`. */
  readonly sink: SecretSink = (secret) => void this.#secrets.set(secret.fingerprint, secret);
  get(fingerprint: string): RevealedSecret | undefined {
    return this.#secrets.get(fingerprint);
  }
  get size(): number {
    return this.#secrets.size;
  }
  toJSON(): string {
    return '[secrets withheld]';
  }
  [inspect.custom](): string {
    return `SecretVault(${this.#secrets.size} withheld)`;
  }
}

export interface VerifySummary {
  live: number;
  revoked: number;
  unknown: number;
  /** Requests sent (cache hits and duplicates excluded). */
  requests: number;
}

const isSecretFinding = (f: Finding) => f.detector !== undefined && f.rule.startsWith('secret/');

/**
 * Gives every secret finding a verdict (mutating the findings): live ones become errors and say
 * "live: rotate now" in their message, so every report, check run and issue shows it.
 */
export async function verifyFindings(findings: Finding[], vault: SecretVault, verifier: Verifier): Promise<VerifySummary> {
  const summary: VerifySummary = { live: 0, revoked: 0, unknown: 0, requests: 0 };
  await Promise.all(
    findings.filter(isSecretFinding).map(async (finding) => {
      const secret = vault.get(finding.fingerprint);
      const result: VerifyResult = secret ? await verifier.verify(secret) : { verification: 'unknown', detail: { reason: 'the secret value was not available to verify' } };
      applyVerdict(finding, result);
      summary[result.verification]++;
    }),
  );
  summary.requests = verifier.requests;
  return summary;
}

export function applyVerdict(finding: Finding, result: VerifyResult): void {
  finding.verification = result.verification;
  finding.verificationDetail = result.detail;
  if (result.verification === 'live') {
    finding.level = 'error';
    finding.message += ` — live: rotate now${factsNote(result)}`;
  } else if (result.verification === 'revoked') {
    finding.message += ' — revoked (the provider refused it)';
  } else if (result.detail.provider) {
    finding.message += ` — verification unknown: ${safeText(result.detail.reason ?? 'no answer')}`;
  }
}

function factsNote(result: VerifyResult): string {
  const facts = Object.entries(result.detail.facts ?? {});
  return facts.length === 0 ? '' : ` (${facts.map(([k, v]) => `${k} ${safeText(v)}`).join('; ')})`;
}

/**
 * Provider answers are untrusted text that lands in Markdown (issues, check runs): keep a plain
 * character set so no markup, mention or link can be smuggled in.
 */
export function safeText(text: string): string {
  return text.replace(/[^\w .,:/@+=#-]/g, '_');
}

export function summaryLine(summary: VerifySummary): string {
  return `nhi-steward: verified secrets: ${summary.live} live, ${summary.revoked} revoked, ${summary.unknown} unknown (${summary.requests} request(s) sent)\n`;
}
