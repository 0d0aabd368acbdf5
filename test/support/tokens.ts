import { crc32 } from 'node:zlib';

/** A fake GitHub classic token with a valid CRC32 checksum, different for each seed. */
export function fakeGitHubToken(seed: number): string {
  const alphabet = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
  let body = '';
  let x = seed * 7919 + 104729;
  while (body.length < 30) {
    x = (x * 1103515245 + 12345) % 2147483648;
    body += alphabet[x % 62];
  }
  let n = crc32(body) >>> 0;
  let check = '';
  while (n > 0) {
    check = alphabet[n % 62] + check;
    n = Math.floor(n / 62);
  }
  return `ghp_${body}${check.padStart(6, '0')}`;
}
