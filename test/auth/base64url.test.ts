/**
 * The strict base64url decoder of the authorizer, against Buffer's on random
 * data, and on every way a text can fail to be canonical.
 */
import { prng } from './mutations';
import { decodeBase64url, decodeBase64urlBytes, decodeBase64urlText } from '../../src/runtime/authorizer/base64url';

test('decodes what Buffer encodes, for 3,000 random byte strings of length 0..300, at any offset', () => {
  const rnd = prng(0xba5e64);
  const out = Buffer.alloc(1024);
  for (let i = 0; i < 3000; i++) {
    const bytes = Buffer.from(Array.from({ length: Math.floor(rnd() * 301) }, () => Math.floor(rnd() * 256)));
    const text = bytes.toString('base64url');
    expect(decodeBase64url(text)).toEqual(bytes);
    const padded = Buffer.from(`xx.${text}.yy`);
    const n = decodeBase64urlBytes(padded, 3, 3 + text.length, out, 7);
    expect(n).toBe(bytes.length);
    expect(out.subarray(7, 7 + n)).toEqual(bytes);
  }
});

test.each([
  ['a character outside the alphabet', 'QU$D'],
  ['standard alphabet +', 'QU+D'],
  ['standard alphabet /', 'QU/D'],
  ['padding', 'QUI='],
  ['whitespace', 'QU D'],
  ['a dot', 'QU.D'],
  ['a non-ASCII character', 'QUJ\u00c4'],
  ['a character above U+00FF', 'QU\u0141D'],
  ['length 4n+1', 'QUJDR'],
  ['non-zero trailing bits (2 chars)', 'QR'],
  ['non-zero trailing bits (3 chars)', 'QUJ'],
])('%s is refused', (_name, text) => {
  expect(decodeBase64url(text)).toBeUndefined();
  // Buffer would have decoded it (except 4n+1 lengths), which is the point
  expect(() => Buffer.from(text, 'base64url')).not.toThrow();
});

test('canonical short forms decode', () => {
  expect(decodeBase64url('')).toEqual(Buffer.alloc(0));
  expect(decodeBase64url('QQ')).toEqual(Buffer.from('A'));
  expect(decodeBase64url('QUI')).toEqual(Buffer.from('AB'));
  expect(decodeBase64url('QUJD')).toEqual(Buffer.from('ABC'));
  expect(decodeBase64url('-_-_')).toEqual(Buffer.from([0xfb, 0xff, 0xbf]));
});

test('a text that does not fit the output is refused, and nothing is written past the end', () => {
  const out = Buffer.alloc(8, 0xee);
  const text = Buffer.from('0123456789').toString('base64url');
  const src = Buffer.from(text);
  expect(decodeBase64urlBytes(src, 0, src.length, out.subarray(0, 6), 0)).toBe(-1);
  expect(out.subarray(6)).toEqual(Buffer.from([0xee, 0xee]));
  expect(decodeBase64urlBytes(src, 0, src.length, Buffer.alloc(10), 1)).toBe(-1);
  expect(decodeBase64urlBytes(src, 0, src.length, Buffer.alloc(11), 1)).toBe(10);
  // a range past the end of the source is refused too
  expect(decodeBase64urlBytes(src, 0, src.length + 4, Buffer.alloc(32), 0)).toBe(-1);
});

test('every byte outside the alphabet is refused at every position of a segment', () => {
  const alphabet = new Set('ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_'.split('').map((c) => c.charCodeAt(0)));
  const text = Buffer.from('QUJDREVGR0g'); // "ABCDEFGH", 11 characters: two full groups and a tail of 3
  const out = Buffer.alloc(16);
  let refused = 0;
  for (let byte = 0; byte < 256; byte++) {
    if (alphabet.has(byte)) continue;
    for (let at = 0; at < text.length; at++) {
      const bad = Buffer.from(text);
      bad[at] = byte;
      expect(decodeBase64urlBytes(bad, 0, bad.length, out, 0)).toBe(-1);
      refused++;
    }
  }
  expect(refused).toBe((256 - 64) * 11);
  expect(decodeBase64urlBytes(text, 0, text.length, out, 0)).toBe(8);
});

test('text: ASCII and UTF-8 payloads read back exactly; invalid UTF-8 becomes U+FFFD as in Buffer', () => {
  const scratch = Buffer.alloc(256);
  for (const value of ['{"sub":"ascii"}', '{"name":"Zo\u00eb Łukasz 東京 🚀"}', 'caf\u00e9']) {
    const src = Buffer.from(Buffer.from(value).toString('base64url'));
    expect(decodeBase64urlText(src, 0, src.length, scratch, 10)).toBe(value);
  }
  const invalid = Buffer.from([0x7b, 0xff, 0xfe, 0x7d]);
  const src = Buffer.from(invalid.toString('base64url'));
  expect(decodeBase64urlText(src, 0, src.length, scratch, 0)).toBe(invalid.toString('utf8'));
  // after a non-ASCII text, an ASCII one is read as ASCII again (the flag does not stick)
  const ascii = Buffer.from(Buffer.from('plain').toString('base64url'));
  expect(decodeBase64urlText(ascii, 0, ascii.length, scratch, 0)).toBe('plain');
  expect(decodeBase64urlText(Buffer.from('QU+D'), 0, 4, scratch, 0)).toBeUndefined();
});
