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
