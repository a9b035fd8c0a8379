/**
 * Strict base64url (RFC 4648 section 5, no padding) for JWS segments.
 *
 * Node's `Buffer.from(s, 'base64url')` silently skips characters outside the
 * alphabet and ignores non-zero trailing bits, so two different strings can
 * decode to the same bytes. A JWS signature segment must have exactly one
 * spelling, so we check the alphabet, the length and the trailing bits first.
 */

const ALPHABET = /^[A-Za-z0-9_-]*$/;
const VALUES = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

/** Whether `s` is canonical, unpadded base64url. */
export function isCanonicalBase64url(s: string): boolean {
  const rem = s.length & 3;
  if (rem === 1) return false;
  if (!ALPHABET.test(s)) return false;
  if (rem === 0) return true;
  const last = VALUES.indexOf(s[s.length - 1]);
  // 2 chars -> 1 byte: 4 unused bits; 3 chars -> 2 bytes: 2 unused bits
  return (last & (rem === 2 ? 0x0f : 0x03)) === 0;
}

/** Decodes canonical base64url, or returns undefined. */
export function decodeBase64url(s: string): Buffer | undefined {
  return isCanonicalBase64url(s) ? Buffer.from(s, 'base64url') : undefined;
}
