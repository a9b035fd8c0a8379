/**
 * JWK import and the algorithm/key consistency rules.
 *
 * Each JWK becomes a node:crypto KeyObject once, when the JWKS is loaded;
 * verifying a token then costs one `crypto.verify` call with precomputed
 * options.
 */
import { constants, createPublicKey, KeyObject, verify as cryptoVerify } from 'node:crypto';

/** What `crypto.verify` needs for one algorithm. */
interface VerifyParams {
  /** digest name, or null for EdDSA */
  readonly digest: string | null;
  /** ECDSA signature length in bytes (raw r||s), for the length check */
  readonly ecSignatureLength?: number;
  readonly options: (key: KeyObject) => KeyObject | { key: KeyObject; padding?: number; saltLength?: number; dsaEncoding?: 'ieee-p1363' };
}

const rsa = (digest: string): VerifyParams => ({ digest, options: (key) => key });
const pss = (digest: string): VerifyParams => ({
  digest,
  options: (key) => ({ key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: constants.RSA_PSS_SALTLEN_DIGEST }),
});
const ec = (digest: string, ecSignatureLength: number): VerifyParams => ({
  digest, ecSignatureLength, options: (key) => ({ key, dsaEncoding: 'ieee-p1363' }),
});

/** Verification parameters of each supported algorithm. */
const PARAMS: { readonly [alg: string]: VerifyParams } = {
  RS256: rsa('sha256'),
  RS384: rsa('sha384'),
  RS512: rsa('sha512'),
  PS256: pss('sha256'),
  PS384: pss('sha384'),
  PS512: pss('sha512'),
  ES256: ec('sha256', 64),
  ES384: ec('sha384', 96),
  ES512: ec('sha512', 132),
  EdDSA: { digest: null, options: (key) => key },
};

/** The algorithms a key of this type and curve can verify. */
function algorithmsOf(kty: string, crv: unknown): string[] {
  switch (kty) {
    case 'RSA': return ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512'];
    case 'EC':
      return crv === 'P-256' ? ['ES256'] : crv === 'P-384' ? ['ES384'] : crv === 'P-521' ? ['ES512'] : [];
    case 'OKP': return crv === 'Ed25519' || crv === 'Ed448' ? ['EdDSA'] : [];
    default: return [];
  }
}

/** The smallest RSA modulus accepted (RFC 7518 section 3.3, 3.5). */
const MIN_RSA_BITS = 2048;

/** A public key from the JWKS, ready to verify. */
export interface KeyEntry {
  /** `kid`, or undefined when the JWK has none */
  readonly kid?: string;
  /**
   * The verify function for each algorithm this key may verify (its type,
   * curve, and `alg` member if any, intersected with the allowlist).
   */
  readonly verifiers: ReadonlyMap<string, (data: Buffer, signature: Buffer) => boolean>;
  /** true when the JWKS has several keys with this kid: none of them is used */
  readonly ambiguous?: boolean;
}

/**
 * Imports one JWK as a verification key, or returns a reason why it is
 * skipped (symmetric, wrong use, weak, unsupported, unparseable).
 */
export function importJwk(jwk: unknown, allowed: ReadonlySet<string>): KeyEntry | string {
  if (typeof jwk !== 'object' || jwk === null || Array.isArray(jwk)) return 'not an object';
  const k = jwk as { [name: string]: unknown };
  const own = (name: string): unknown => (Object.prototype.hasOwnProperty.call(k, name) ? k[name] : undefined);
  const kty = own('kty');
  if (typeof kty !== 'string') return 'no kty';
  const kid = own('kid');
  if (kid !== undefined && typeof kid !== 'string') return 'kid is not a string';
  const use = own('use');
  if (use !== undefined && use !== 'sig') return `use is ${String(use)}`;
  const keyOps = own('key_ops');
  if (keyOps !== undefined && !(Array.isArray(keyOps) && keyOps.includes('verify'))) return 'key_ops without verify';
  let algs = algorithmsOf(kty, own('crv')).filter((a) => allowed.has(a));
  const alg = own('alg');
  if (alg !== undefined) algs = algs.filter((a) => a === alg);
  if (algs.length === 0) return `no allowed algorithm for kty ${kty}`;

  // only the public members reach node:crypto
  const members = kty === 'RSA' ? ['kty', 'n', 'e'] : ['kty', 'crv', 'x', 'y'];
  const pub: { [name: string]: unknown } = {};
  for (const m of members) {
    const v = own(m);
    if (v !== undefined) {
      if (typeof v !== 'string') return `${m} is not a string`;
      pub[m] = v;
    }
  }
  let key: KeyObject;
  try {
    key = createPublicKey({ key: pub as any, format: 'jwk' });
  } catch {
    return 'unparseable key';
  }
  if (kty === 'RSA' && (key.asymmetricKeyDetails?.modulusLength ?? 0) < MIN_RSA_BITS) return `RSA key shorter than ${MIN_RSA_BITS} bits`;

  const verifiers = new Map<string, (data: Buffer, signature: Buffer) => boolean>();
  for (const a of algs) {
    const p = PARAMS[a];
    const options = p.options(key);
    const digest = p.digest;
    const ecLength = p.ecSignatureLength;
    verifiers.set(a, ecLength === undefined
      ? (data, signature) => cryptoVerify(digest, data, options as any, signature)
      : (data, signature) => signature.length === ecLength && cryptoVerify(digest, data, options as any, signature));
  }
  return { kid: kid as string | undefined, verifiers };
}

/** A parsed key set: keys by kid, and all keys (for tokens without kid). */
export interface KeySet {
  readonly byKid: ReadonlyMap<string, KeyEntry>;
  readonly all: readonly KeyEntry[];
  /** Why some JWKs were skipped (for a log line; no secrets in there). */
  readonly skipped: readonly string[];
}

/** Parses a JWKS document (`{ "keys": [...] }`). Throws when it is not one. */
export function parseJwks(doc: unknown, allowed: ReadonlySet<string>): KeySet {
  if (typeof doc !== 'object' || doc === null || !Array.isArray((doc as { keys?: unknown }).keys)) {
    throw new Error('not a JWKS (no "keys" array)');
  }
  const byKid = new Map<string, KeyEntry>();
  const all: KeyEntry[] = [];
  const skipped: string[] = [];
  for (const jwk of (doc as { keys: unknown[] }).keys) {
    const entry = importJwk(jwk, allowed);
    if (typeof entry === 'string') {
      skipped.push(entry);
      continue;
    }
    all.push(entry);
    if (entry.kid !== undefined) {
      if (byKid.has(entry.kid)) {
        // two keys with one kid: ambiguous, use neither
        skipped.push('duplicate kid');
        byKid.set(entry.kid, { kid: entry.kid, verifiers: new Map(), ambiguous: true });
      } else {
        byKid.set(entry.kid, entry);
      }
    }
  }
  return { byKid, all, skipped };
}
