/**
 * JWT (JWS compact serialization) verification: parse, look up the key,
 * verify the signature with node:crypto, check the claims. Returns the
 * payload or a reason code; never throws for a bad token.
 */
import { decodeBase64url, decodeBase64urlBytes, decodeBase64urlText } from './base64url';
import { AuthorizerConfig } from './config';
import { JwksCache, KeyLookup } from './jwks-cache';
import { DenyReason } from './reasons';

/** A JSON object from a token, read through `own()` only. */
export type Claims = { readonly [name: string]: unknown };

/** The outcome of verifying one token. */
export type Verification = { readonly ok: true; readonly claims: Claims } | { readonly ok: false; readonly reason: DenyReason };

const hasOwn = Object.prototype.hasOwnProperty;

/** A claim, only if it is the object's own property (never `constructor`, `toString`... from the prototype). */
export function own(obj: Claims, name: string): unknown {
  return hasOwn.call(obj, name) ? obj[name] : undefined;
}

const deny = (reason: DenyReason): Verification => ({ ok: false, reason });

/** Member names that no header or claim set may have at its top level. */
const FORBIDDEN_NAMES = ['__proto__', 'constructor', 'prototype'];

/** Parses JSON text that must be an object. */
function parseObject(text: string): Claims | undefined {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? value as Claims : undefined;
}

/** Parses and checks a header segment. */
function readHeader(segment: string, algorithms: ReadonlySet<string>): HeaderInfo {
  const bytes = decodeBase64url(segment);
  const header = bytes && parseObject(bytes.toString('utf8'));
  if (!header) return { reason: 'token_encoding', alg: '' };
  const alg = own(header, 'alg');
  if (typeof alg !== 'string' || !algorithms.has(alg)) return { reason: 'alg_not_allowed', alg: '' };
  if (own(header, 'crit') !== undefined) return { reason: 'header_crit', alg };
  if (hasForbiddenName(header)) return { reason: 'claim_forbidden_name', alg };
  const kid = own(header, 'kid');
  if (kid !== undefined && (typeof kid !== 'string' || kid.length === 0 || kid.length > 256)) return { reason: 'kid_invalid', alg };
  return { alg, kid: kid as string | undefined };
}

function hasForbiddenName(obj: Claims): boolean {
  for (const name of FORBIDDEN_NAMES) if (hasOwn.call(obj, name)) return true;
  return false;
}

/** What the verifier keeps of a header: its alg and kid, or why it is rejected. */
interface HeaderInfo {
  /** a reason to deny, found in the header alone */
  readonly reason?: DenyReason;
  readonly alg: string;
  readonly kid?: string;
}

/**
 * How many distinct header segments are remembered. Tokens of one issuer
 * share a handful of headers (one per signing key), so parsing each once
 * saves a base64 decode and a JSON.parse per token; an attacker sending
 * random headers only makes the map start over.
 */
const HEADER_CACHE_SIZE = 64;

/** A verifier bound to one configuration and key cache. */
export class TokenVerifier {
  private readonly headers = new Map<string, HeaderInfo>();
  /** the header segment seen last and what it gave (most tokens repeat it) */
  private lastHeader = '';
  private lastHeaderInfo: HeaderInfo = { reason: 'token_encoding', alg: '' };
  /**
   * Scratch memory: the decoded signature (`maxTokenLength` bytes from 0),
   * the decoded payload (`maxTokenLength` bytes), then the token as UTF-8
   * (`3 * maxTokenLength` bytes: room for any token of the allowed length,
   * so a copy is never cut short). Copying and `crypto.verify` are
   * synchronous, so one buffer serves every token and saves allocations.
   */
  private readonly scratch: Buffer;
  private readonly region: number;
  /** where the token's copy starts in the scratch buffer */
  private readonly tokenAt: number;
  /** views of the signature and signing-input regions, by length */
  private readonly views = new Map<number, Buffer>();

  constructor(private readonly config: AuthorizerConfig, private readonly keys: JwksCache) {
    this.region = config.maxTokenLength;
    this.tokenAt = 2 * this.region;
    this.scratch = Buffer.allocUnsafeSlow(this.region * 5);
  }

  /** A view of the scratch buffer; views are reused (the common lengths repeat from token to token). */
  private view(start: number, length: number): Buffer {
    const key = start === 0 ? length : -length;
    let view = this.views.get(key);
    if (view === undefined) {
      view = this.scratch.subarray(start, start + length);
      if (this.views.size >= 256) this.views.clear();
      this.views.set(key, view);
    }
    return view;
  }

  /**
   * Copies `token` as UTF-8 into its scratch region, where the segments are
   * decoded and whose first bytes are the signing input. Returns false when
   * the token has a character outside ASCII (which is outside every
   * base64url alphabet, and makes the UTF-8 copy longer than the token).
   */
  private copy(token: string): boolean {
    return this.scratch.write(token, this.tokenAt, 'utf8') === token.length;
  }

  /** Decodes the signature of the copied token (after `dot2`) to the start of the scratch buffer; its length, or -1. */
  private decodeSignature(token: string, dot2: number): number {
    return decodeBase64urlBytes(this.scratch, this.tokenAt + dot2 + 1, this.tokenAt + token.length, this.scratch, 0);
  }

  /** The header of `token`, whose first segment ends at `dot1`. */
  private header(token: string, dot1: number): HeaderInfo {
    // same header as the last token: compare in place (no slice, no hashing)
    if (dot1 === this.lastHeader.length && dot1 > 0 && token.startsWith(this.lastHeader)) return this.lastHeaderInfo;
    const segment = token.slice(0, dot1);
    let info = this.headers.get(segment);
    if (info === undefined) {
      info = readHeader(segment, this.config.algorithms);
      if (this.headers.size >= HEADER_CACHE_SIZE) this.headers.clear();
      this.headers.set(segment, info);
    }
    this.lastHeader = segment;
    this.lastHeaderInfo = info;
    return info;
  }

  /** Verifies a token (without "Bearer "). Synchronous unless keys must be fetched. */
  verify(token: string, nowSeconds: number): Verification | Promise<Verification> {
    if (token.length === 0) return deny('token_missing');
    if (token.length > this.config.maxTokenLength) return deny('token_too_long');
    const dot1 = token.indexOf('.');
    const dot2 = dot1 < 0 ? -1 : token.indexOf('.', dot1 + 1);
    if (dot2 < 0 || token.indexOf('.', dot2 + 1) >= 0) return deny('token_segments');
    const header = this.header(token, dot1);
    if (header.reason === 'token_encoding') return deny('token_encoding');
    if (!this.copy(token)) return deny('token_encoding');
    const payloadText = decodeBase64urlText(this.scratch, this.tokenAt + dot1 + 1, this.tokenAt + dot2, this.scratch, this.region);
    const payload = payloadText === undefined ? undefined : parseObject(payloadText);
    if (!payload) return deny('token_json');
    const sigLength = this.decodeSignature(token, dot2);
    if (sigLength <= 0) return deny('token_encoding');
    if (header.reason) return deny(header.reason);
    if (hasForbiddenName(payload)) return deny('claim_forbidden_name');

    const lookup = this.keys.lookup(header.kid, header.alg, nowSeconds * 1000);
    if (lookup instanceof Promise) {
      return lookup.then((key) => {
        // while keys were fetched, other tokens may have used the scratch
        // buffer: copy this one again (it decoded before, so it decodes now)
        if (!this.copy(token) || this.decodeSignature(token, dot2) !== sigLength) {
          return deny('internal_error');
        }
        return this.finish(key, header.alg, dot2, sigLength, payload, nowSeconds);
      });
    }
    return this.finish(lookup, header.alg, dot2, sigLength, payload, nowSeconds);
  }

  /**
   * Checks the signature (the signing input is the first `dot2` bytes of
   * the token's copy, the signature the first `sigLength` bytes of the
   * scratch buffer), then the claims.
   */
  private finish(key: KeyLookup, alg: string, dot2: number, sigLength: number, payload: Claims, nowSeconds: number): Verification {
    if (typeof key === 'string') return deny(key);
    const verifier = key.verifiers.get(alg);
    if (!verifier) return deny('key_alg_mismatch');
    if (!verifier(this.view(this.tokenAt, dot2), this.view(0, sigLength))) return deny('signature_invalid');
    const reason = this.checkClaims(payload, nowSeconds);
    return reason ? deny(reason) : { ok: true, claims: payload };
  }

  /** The claim checks, after the signature. Returns a reason, or undefined when all pass. */
  checkClaims(claims: Claims, now: number): DenyReason | undefined {
    const c = this.config;
    const tolerance = c.clockToleranceSeconds;
    const exp = own(claims, 'exp');
    if (exp === undefined) return 'exp_missing';
    if (typeof exp !== 'number' || !Number.isFinite(exp)) return 'exp_invalid';
    if (exp <= now - tolerance) return 'expired';
    const nbf = own(claims, 'nbf');
    if (nbf !== undefined) {
      if (typeof nbf !== 'number' || !Number.isFinite(nbf)) return 'nbf_invalid';
      if (nbf > now + tolerance) return 'not_yet_valid';
    }
    const iat = own(claims, 'iat');
    if (iat !== undefined) {
      if (typeof iat !== 'number' || !Number.isFinite(iat)) return 'iat_invalid';
      if (iat > now + tolerance) return 'iat_future';
    }
    if (c.maxTokenAgeSeconds !== undefined) {
      if (iat === undefined) return 'iat_invalid';
      if (now - (iat as number) > c.maxTokenAgeSeconds + tolerance) return 'token_too_old';
    }
    if (c.issuer !== undefined && own(claims, 'iss') !== c.issuer) return 'iss_mismatch';
    if (c.audiences && !audienceMatches(own(claims, 'aud'), c.audiences)) return 'aud_mismatch';
    if (c.requiredScopes.length > 0) {
      const granted = scopesOf(claims);
      for (const scope of c.requiredScopes) if (!granted.has(scope)) return 'scope_missing';
    }
    for (const rule of c.claimRules) {
      if (!ruleMatches(own(claims, rule.claim), rule.op, rule.values)) return 'claim_rule_failed';
    }
    return undefined;
  }
}

function audienceMatches(aud: unknown, accepted: ReadonlySet<string>): boolean {
  if (typeof aud === 'string') return accepted.has(aud);
  if (Array.isArray(aud)) {
    for (const a of aud) if (typeof a === 'string' && accepted.has(a)) return true;
  }
  return false;
}

/** Granted scopes: `scope` (space-separated string) and `scp` (array, or space-separated string). */
function scopesOf(claims: Claims): Set<string> {
  const granted = new Set<string>();
  for (const name of ['scope', 'scp']) {
    const v = own(claims, name);
    if (typeof v === 'string') {
      for (const s of v.split(' ')) if (s) granted.add(s);
    } else if (Array.isArray(v)) {
      for (const s of v) if (typeof s === 'string') granted.add(s);
    }
  }
  return granted;
}

/** A scalar claim as the text a rule compares: strings as they are, numbers and booleans as JSON. */
function scalarText(v: unknown): string | undefined {
  return typeof v === 'string' ? v : typeof v === 'number' || typeof v === 'boolean' ? String(v) : undefined;
}

function ruleMatches(value: unknown, op: 'equals' | 'oneOf' | 'contains', values: readonly string[]): boolean {
  switch (op) {
    case 'equals': return scalarText(value) === values[0];
    case 'oneOf': {
      const text = scalarText(value);
      return text !== undefined && values.includes(text);
    }
    case 'contains': {
      // an array member, or a word of a space-separated string (never a substring)
      const members = Array.isArray(value) ? value.map(scalarText) : typeof value === 'string' ? value.split(' ') : [];
      return values.every((v) => members.includes(v));
    }
  }
}
