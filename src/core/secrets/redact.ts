import { EPHEMERAL_KEY, keyedFingerprint } from './fingerprint.js';

/**
 * The only way a secret leaves the core (docs/architecture.md, "Secrets"): the detector's documented prefix, an ellipsis,
 * and at most 4 trailing characters — fewer for short secrets, so that no more than a quarter of
 * the value is ever shown, and none at all when fewer than 12 characters follow the prefix (a
 * short password's last characters narrow a guess too much). `ghp_…Q7zK`.
 */
export function redact(secret: string, prefix?: string): string {
  const shownPrefix = prefix && secret.startsWith(prefix) && prefix.length < secret.length / 2 ? prefix : '';
  // A key block's last characters are its footer (`-----END … KEY-----`), which says nothing:
  // show the end of the key material instead, still at most 4 characters of the secret.
  const rest = secret.slice(shownPrefix.length).replace(BLOCK_FOOTER, '');
  const tail = rest.length < MIN_TAIL_LENGTH ? 0 : Math.min(4, Math.floor(rest.length / 4));
  return `${shownPrefix}…${tail > 0 ? rest.slice(-tail) : ''}`;
}

/** Values shorter than this (after the prefix) show no tail at all. */
const MIN_TAIL_LENGTH = 12;

/** A PEM/OpenSSH/PGP footer with the line breaks (real or JSON-escaped) and padding around it. */
const BLOCK_FOOTER = /(?:\\[nr]|[\s=])*-----END [A-Z0-9 ]+-----(?:\\[nr]|\s)*$/;

/**
 * Keyed digest of detector id + secret value: stable across moves and line changes, and no oracle
 * for a guessed secret without the key (src/core/secrets/fingerprint.ts). The default key is the
 * per-process one that `ScanSettings` without a `fingerprint` mode use.
 */
export function secretFingerprint(detectorId: string, secret: string, key: string = EPHEMERAL_KEY): string {
  return keyedFingerprint(key, detectorId, secret);
}

/**
 * Source text that an error message may quote. A parse error can sit on the very line that holds a
 * secret (`ghp_… =` with no value, a token pasted where a block label goes), so a message quotes
 * only what reads as a name — words joined by `_ . - / : @ *` or camelCase, with at most two runs
 * of digits (`aws_iam_user`, `ci-bot`, `DeployKey`, `aws_s3_bucket`, `@acme/payments`, `infra/**`)
 * — and redacts anything else.
 */
export function quoteSourceText(text: string): string {
  return isPlainName(text) ? text : redact(text);
}

const NAME_CHARS = /^[A-Za-z0-9_.\-/: *@]+$/;
const LONG_RUN = /[A-Za-z0-9]{25}/;
/** Dates, times and versions: short digit groups (`2027-03-31`, `1.2.3`). */
const DIGIT_GROUPS = /^[0-9]{1,4}(?:[-./:][0-9]{1,4}){0,3}$/;

function isPlainName(text: string): boolean {
  if (DIGIT_GROUPS.test(text)) return true;
  if (text.length === 0 || text.length > 64 || !NAME_CHARS.test(text) || LONG_RUN.test(text)) return false;
  const digitRuns = text.match(/[0-9]+/g)?.length ?? 0;
  const humps = text.match(/[a-z][A-Z]/g)?.length ?? 0;
  return digitRuns <= 2 && humps <= 3;
}

/**
 * An error message from code we do not control (a parser, a library) can quote the input it choked
 * on, e.g. V8's `Unexpected token 'g', "{"token": "ghp_…"... is not valid JSON`. Keep its first line
 * and redact every word in it that does not read as a name.
 */
export function quoteErrorMessage(message: string): string {
  const first = message.split('\n')[0].slice(0, 300);
  return first.replace(/[^\s"'`,;()[\]{}<>]+/g, (word) => (word.length < 8 ? word : quoteSourceText(word)));
}
