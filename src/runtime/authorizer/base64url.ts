/**
 * Strict base64url (RFC 4648 section 5, unpadded) for JWS segments.
 *
 * Node's `Buffer` decoder skips characters outside the alphabet, accepts
 * `+`, `/` and `=`, and ignores non-zero trailing bits, so different strings
 * can decode to the same bytes; a JWS segment must have exactly one
 * spelling. This decoder accepts only the 64 characters of the base64url
 * alphabet and zero trailing bits, so every byte string has one spelling.
 *
 * It reads the token's bytes (the verifier copies the token into a buffer
 * once, which also gives it the signing input) with a plain JavaScript loop.
 * Buffer's native decoder is faster on its own (simdutf, AVX-512 on recent
 * x86 CPUs), but in the authorizer every decode sits between two signature
 * verifications, and there the native decoder measured about 2 us slower
 * per token than this loop (bench/README.md, OIDC authorizer).
 */

/** The value of each byte in the base64url alphabet, or -1. */
const VALUES = new Int8Array(256).fill(-1);
const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
for (let i = 0; i < 64; i++) VALUES[ALPHABET.charCodeAt(i)] = i;

/**
 * The OR of all bytes written by the last successful `decodeBase64urlBytes`
 * (below 0x80 when they were all ASCII). Read it at once: the next call
 * overwrites it.
 */
let lastBytesOr = 0;

/* eslint-disable no-bitwise */
/**
 * Decodes the base64url text in `src[start..end)` into `out` at `at` (`out`
 * may be `src`, with regions that do not overlap). Returns the number of
 * bytes written, or -1 when the text is not canonical unpadded base64url
 * (a byte outside the alphabet, a length of 4n+1, non-zero unused trailing
 * bits). `out` must have room for `(end - start) * 3 / 4` bytes after `at`
 * (with less room the text is refused, never written past). On refusal,
 * bytes may have been written into that room.
 */
export function decodeBase64urlBytes(src: Uint8Array, start: number, end: number, out: Uint8Array, at: number): number {
  const length = end - start;
  const rem = length & 3;
  if (rem === 1 || length < 0 || end > src.length) return -1;
  const expected = ((length - rem) >> 2) * 3 + (rem === 0 ? 0 : rem - 1);
  if (at < 0 || at + expected > out.length) return -1;
  // `values` collects every table value (-1 marks a byte outside the
  // alphabet), `bytes` every decoded group (for the ASCII answer)
  let values = 0;
  let bytes = 0;
  let o = at;
  let i = start;
  const full = end - rem;
  while (i < full) {
    const v0 = VALUES[src[i]];
    const v1 = VALUES[src[i + 1]];
    const v2 = VALUES[src[i + 2]];
    const v3 = VALUES[src[i + 3]];
    i += 4;
    values |= v0 | v1 | v2 | v3;
    const group = (v0 << 18) | (v1 << 12) | (v2 << 6) | v3;
    bytes |= group;
    out[o] = group >> 16;
    out[o + 1] = group >> 8;
    out[o + 2] = group;
    o += 3;
  }
  if (rem !== 0) {
    const v0 = VALUES[src[i]];
    const v1 = VALUES[src[i + 1]];
    const v2 = rem === 3 ? VALUES[src[i + 2]] : 0;
    values |= v0 | v1 | v2;
    const group = (v0 << 18) | (v1 << 12) | (v2 << 6);
    // the unused low bits of the last character must be zero
    if ((rem === 2 ? group & 0xffff : group & 0xff) !== 0) return -1;
    bytes |= group;
    out[o] = group >> 16;
    if (rem === 3) out[o + 1] = group >> 8;
  }
  if (values < 0) return -1;
  lastBytesOr = (bytes | (bytes >> 8) | (bytes >> 16)) & 0xff;
  return expected;
}

/**
 * Decodes the base64url spelling of UTF-8 text (a JWS header or payload) in
 * `src[start..end)`, using `out` from `at` as working space. Returns
 * undefined when the spelling is not canonical or does not fit. Invalid
 * UTF-8 becomes U+FFFD, as with `Buffer#toString('utf8')`.
 */
export function decodeBase64urlText(src: Uint8Array, start: number, end: number, out: Buffer, at: number): string | undefined {
  const n = decodeBase64urlBytes(src, start, end, out, at);
  if (n < 0) return undefined;
  // ASCII (the usual case) reads the same as latin1, which is a plain copy
  return out.toString(lastBytesOr < 0x80 ? 'latin1' : 'utf8', at, at + n);
}
/* eslint-enable no-bitwise */

/** Decodes a canonical unpadded base64url string into a new Buffer, or returns undefined. */
export function decodeBase64url(s: string): Buffer | undefined {
  const text = Buffer.from(s, 'utf8');
  // a character outside ASCII is outside the alphabet
  if (text.length !== s.length) return undefined;
  const out = Buffer.allocUnsafe(Math.ceil((s.length * 3) / 4));
  const n = decodeBase64urlBytes(text, 0, text.length, out, 0);
  return n < 0 ? undefined : out.subarray(0, n);
}
