/* eslint-disable no-bitwise -- a PRNG and bit flips are bitwise by nature */
/**
 * Seeded random mutations of valid tokens, for the fuzz and differential
 * tests. Reproducible: the same seed gives the same mutations.
 */

/** mulberry32: a small seeded PRNG (not for cryptography). */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
const SPECIAL = ['.', '=', '+', '/', ' ', '\t', '\n', '\u0000', '%', '"', '{', '}', 'é', '\u0141', '\ud83d\ude00', '\\'];
const ALGS = ['none', 'None', 'HS256', 'HS512', 'RS256', 'RS512', 'PS256', 'ES256', 'ES512', 'EdDSA', 'ES256K', '', 'rs256'];
const b64 = (v: unknown) => Buffer.from(typeof v === 'string' ? v : JSON.stringify(v)).toString('base64url');

/** A mutator: takes a valid token and the random source, returns a changed token. */
type Mutator = (token: string, rnd: () => number, others: readonly string[]) => string;

const pick = <T>(rnd: () => number, items: readonly T[]): T => items[Math.floor(rnd() * items.length)];
const at = (rnd: () => number, s: string) => Math.floor(rnd() * s.length);

function decodeJson(segment: string): any {
  try {
    return JSON.parse(Buffer.from(segment, 'base64url').toString('utf8'));
  } catch {
    return {};
  }
}

const MUTATORS: { [name: string]: Mutator } = {
  replaceChar: (t, rnd) => {
    const i = at(rnd, t);
    return t.slice(0, i) + (rnd() < 0.8 ? pick(rnd, ALPHABET.split('')) : pick(rnd, SPECIAL)) + t.slice(i + 1);
  },
  deleteChars: (t, rnd) => {
    const i = at(rnd, t);
    return t.slice(0, i) + t.slice(i + 1 + Math.floor(rnd() * 4));
  },
  insertChars: (t, rnd) => {
    const i = at(rnd, t);
    return t.slice(0, i) + (rnd() < 0.7 ? pick(rnd, ALPHABET.split('')) : pick(rnd, SPECIAL)) + t.slice(i);
  },
  truncate: (t, rnd) => t.slice(0, at(rnd, t)),
  flipSignatureBit: (t, rnd) => {
    const [h = '', p = '', s = ''] = t.split('.');
    const sig = Buffer.from(s, 'base64url');
    if (sig.length === 0) return `${t}A`;
    sig[Math.floor(rnd() * sig.length)] ^= 1 << Math.floor(rnd() * 8);
    return `${h}.${p}.${sig.toString('base64url')}`;
  },
  flipPayloadBit: (t, rnd) => {
    const [h = '', p = '', s = ''] = t.split('.');
    const bytes = Buffer.from(p, 'base64url');
    if (bytes.length === 0) return `${t}A`;
    bytes[Math.floor(rnd() * bytes.length)] ^= 1 << Math.floor(rnd() * 8);
    return `${h}.${bytes.toString('base64url')}.${s}`;
  },
  changeHeaderAlg: (t, rnd) => {
    const [h = '', p = '', s = ''] = t.split('.');
    return `${b64({ ...decodeJson(h), alg: pick(rnd, ALGS) })}.${p}.${s}`;
  },
  changeHeaderKid: (t, rnd) => {
    const [h = '', p = '', s = ''] = t.split('.');
    const kid = pick(rnd, [undefined, '', 'key-rs256', 'key-es256', 'key-eddsa', '../x', 42, null, ['key-rs256'], { a: 1 }]);
    return `${b64({ ...decodeJson(h), kid })}.${p}.${s}`;
  },
  changeClaim: (t, rnd) => {
    const [h = '', p = '', s = ''] = t.split('.');
    const claims = decodeJson(p);
    const name = pick(rnd, ['exp', 'nbf', 'iat', 'iss', 'aud', 'sub', 'scope', '__proto__', 'constructor']);
    const value = pick(rnd, [undefined, null, 0, -1, 9_999_999_999, '1', 'x', [], {}, ['api://orders'], true, 1.5]);
    return `${h}.${b64({ ...claims, [name]: value })}.${s}`;
  },
  spliceSegments: (t, rnd, others) => {
    const parts = t.split('.');
    const other = pick(rnd, others).split('.');
    const i = Math.floor(rnd() * 3);
    parts[i] = other[i];
    while (parts.length < 3) parts.push('');
    return parts.join('.');
  },
  segmentCount: (t, rnd) => {
    const parts = t.split('.');
    return pick(rnd, [parts.slice(0, 2).join('.'), `${t}.`, `${t}.${parts[2]}`, `.${t}`, parts.join('..'), `${parts[0]}.${parts[1]}.${parts[2]}.${parts[1]}.${parts[2]}`]);
  },
  changeCase: (t, rnd) => {
    const i = at(rnd, t);
    const c = t[i];
    const swapped = c === c.toLowerCase() ? c.toUpperCase() : c.toLowerCase();
    return t.slice(0, i) + swapped + t.slice(i + 1);
  },
  padding: (t, rnd) => {
    const parts = t.split('.');
    const i = Math.floor(rnd() * 3);
    parts[i] += pick(rnd, ['=', '==', '===']);
    return parts.join('.');
  },
};

/** Mutator names, in a fixed order. */
export const MUTATOR_NAMES = Object.keys(MUTATORS);

/**
 * `count` mutations of `tokens` (each differs from every valid token),
 * applying 1 to 3 mutators in a row.
 */
export function mutations(tokens: readonly string[], count: number, seed: number): { token: string; mutators: string[] }[] {
  const rnd = prng(seed);
  const valid = new Set(tokens);
  const out: { token: string; mutators: string[] }[] = [];
  while (out.length < count) {
    let token = pick(rnd, tokens);
    const applied: string[] = [];
    const steps = 1 + Math.floor(rnd() * 3);
    for (let i = 0; i < steps; i++) {
      const name = pick(rnd, MUTATOR_NAMES);
      token = MUTATORS[name](token, rnd, tokens);
      applied.push(name);
    }
    if (!valid.has(token)) out.push({ token, mutators: applied });
  }
  return out;
}
