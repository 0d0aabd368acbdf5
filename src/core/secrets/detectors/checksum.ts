import { crc32 } from 'node:zlib';

const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

/** Unsigned 32-bit value in base62 (`0-9A-Za-z`), left-padded with `0` to `width` characters. */
export function base62(value: number, width: number): string {
  let out = '';
  let rest = value >>> 0;
  while (rest > 0) {
    out = BASE62[rest % 62] + out;
    rest = Math.floor(rest / 62);
  }
  return out.padStart(width, '0');
}

/**
 * GitHub (`gh[pousr]_`) and npm (`npm_`) tokens end in 6 characters that are the base62 CRC32 of
 * the 30 random characters before them. A typo, a truncated paste or a made-up value fails this,
 * which is why these detectors need no keyword context and no entropy guess.
 */
export function hasBase62Crc32(secret: string, prefix: string): boolean {
  const body = secret.slice(prefix.length);
  if (!secret.startsWith(prefix) || body.length !== 36) return false;
  return base62(crc32(body.slice(0, 30)), 6) === body.slice(30);
}

/** Token kinds whose last 6 characters are a base62 CRC32 of the 30 before them. */
export const CHECKSUM_PREFIXES = ['ghp_', 'gho_', 'ghu_', 'ghs_', 'ghr_', 'npm_'] as const;
export type ChecksumPrefix = (typeof CHECKSUM_PREFIXES)[number];

/**
 * A checksum-valid token of a GitHub (`ghp_`, `gho_`, `ghu_`, `ghs_`, `ghr_`) or npm (`npm_`) kind,
 * from `random` (values in [0, 1)): for tests and fixtures that need tokens the detectors accept.
 * It is random, so it is never a live token.
 */
export function generateChecksumToken(prefix: ChecksumPrefix, random: () => number = Math.random): string {
  let body = '';
  for (let i = 0; i < 30; i++) body += BASE62[Math.floor(random() * 62)];
  return `${prefix}${body}${base62(crc32(body), 6)}`;
}
