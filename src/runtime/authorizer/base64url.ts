/**
 * Strict base64url (RFC 4648 section 5, unpadded) for JWS segments.
 *
 * Node's `Buffer` decoder skips characters outside the alphabet, accepts
 * `+`, `/` and `=`, and ignores non-zero trailing bits, so different strings
 * can decode to the same bytes; a JWS segment must have exactly one
 * spelling. Here Buffer's native decoder does the decoding (several times
 * faster than any JavaScript loop), and the result is accepted only when
 * re-encoding it gives back the very same text: that one comparison refuses
 * every non-canonical spelling (skipped characters change the length;
 * `+`, `/`, `=` and non-zero trailing bits change the text).
 */

/**
 * Decodes `s.slice(start, end)` into `out` at `at`. Returns the number of
 * bytes written, or -1 when the text is not canonical unpadded base64url
 * (a character outside the alphabet, a length of 4n+1, non-zero unused
 * trailing bits). `out` must have room for `(end - start) * 3 / 4` bytes
 * after `at` (with less room the text is refused, never written past).
 */
export function decodeBase64urlInto(s: string, start: number, end: number, out: Buffer, at: number): number {
  const length = end - start;
  const rem = length % 4;
  if (rem === 1) return -1;
  const expected = ((length - rem) / 4) * 3 + (rem === 0 ? 0 : rem - 1);
  if (at + expected > out.length) return -1;
  const text = start === 0 && end === s.length ? s : s.slice(start, end);
  const written = out.write(text, at, expected, 'base64url');
  if (written !== expected) return -1;
  return out.toString('base64url', at, at + written) === text ? written : -1;
}

/** Decodes canonical unpadded base64url into a new Buffer, or returns undefined. */
export function decodeBase64url(s: string): Buffer | undefined {
  const out = Buffer.allocUnsafe(Math.ceil((s.length * 3) / 4));
  const n = decodeBase64urlInto(s, 0, s.length, out, 0);
  return n < 0 ? undefined : out.subarray(0, n);
}
