/**
 * Strict base64url (RFC 4648 section 5, unpadded) for JWS segments.
 *
 * Node's `Buffer.from(s, 'base64url')` skips characters outside the
 * alphabet, accepts `+`, `/` and `=`, and ignores non-zero trailing bits, so
 * different strings can decode to the same bytes; a JWS segment must have
 * exactly one spelling. This decoder checks all of that in the same pass as
 * it decodes, into a caller's buffer (no allocation), and is also faster
 * than Buffer's decoder on Node.js 20.
 */

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
/** char code -> 6-bit value, -1 outside the alphabet */
const VALUES = new Int8Array(128).fill(-1);
for (let i = 0; i < 64; i++) VALUES[ALPHABET.charCodeAt(i)] = i;

/* eslint-disable no-bitwise -- base64 is bit packing */
/**
 * Decodes `s.slice(start, end)` into `out` at `at`. Returns the number of
 * bytes written, or -1 when the text is not canonical unpadded base64url
 * (a character outside the alphabet, a length of 4n+1, non-zero unused
 * trailing bits). `out` must have room for `(end - start) * 3 / 4` bytes.
 */
export function decodeBase64urlInto(s: string, start: number, end: number, out: Uint8Array, at: number): number {
  const rem = (end - start) & 3;
  if (rem === 1) return -1;
  const full = end - rem;
  let o = at;
  let i = start;
  for (; i < full; i += 4) {
    const a = s.charCodeAt(i);
    const b = s.charCodeAt(i + 1);
    const c = s.charCodeAt(i + 2);
    const d = s.charCodeAt(i + 3);
    if ((a | b | c | d) > 127) return -1;
    const va = VALUES[a];
    const vb = VALUES[b];
    const vc = VALUES[c];
    const vd = VALUES[d];
    if ((va | vb | vc | vd) < 0) return -1;
    const n = (va << 18) | (vb << 12) | (vc << 6) | vd;
    out[o] = n >> 16;
    out[o + 1] = (n >> 8) & 255;
    out[o + 2] = n & 255;
    o += 3;
  }
  if (rem !== 0) {
    const a = s.charCodeAt(i);
    const b = s.charCodeAt(i + 1);
    if ((a | b) > 127) return -1;
    const va = VALUES[a];
    const vb = VALUES[b];
    if ((va | vb) < 0) return -1;
    if (rem === 2) {
      if ((vb & 15) !== 0) return -1;
      out[o++] = (va << 2) | (vb >> 4);
    } else {
      const c = s.charCodeAt(i + 2);
      if (c > 127) return -1;
      const vc = VALUES[c];
      if (vc < 0 || (vc & 3) !== 0) return -1;
      out[o++] = (va << 2) | (vb >> 4);
      out[o++] = ((vb & 15) << 4) | (vc >> 2);
    }
  }
  return o - at;
}
/* eslint-enable no-bitwise */

/** Decodes canonical unpadded base64url into a new Buffer, or returns undefined. */
export function decodeBase64url(s: string): Buffer | undefined {
  const out = Buffer.allocUnsafe(((s.length * 3) >> 2) + 3); // eslint-disable-line no-bitwise
  const n = decodeBase64urlInto(s, 0, s.length, out, 0);
  return n < 0 ? undefined : out.subarray(0, n);
}
