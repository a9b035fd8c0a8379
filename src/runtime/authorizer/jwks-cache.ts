/**
 * The key cache: keys from a pre-seeded JWKS, a JWKS URI or OIDC discovery,
 * kept in memory for `maxAgeMs`, refetched on an unknown `kid` at most once
 * per `cooldownMs`, and served stale when the endpoint fails.
 */
import { fetchJson, FetchError } from './fetch-json';
import { KeyEntry, KeySet, parseJwks } from './keys';
import { urlProblem } from '../../auth/private/contract';

/** What the cache needs to know. */
export interface JwksCacheOptions {
  readonly issuer?: string;
  readonly jwksUri?: string;
  /** a pre-seeded JWKS document (already parsed JSON) */
  readonly jwks?: unknown;
  readonly algorithms: ReadonlySet<string>;
  readonly maxAgeMs: number;
  readonly cooldownMs: number;
  readonly fetchTimeoutMs: number;
  /** for tests and the benchmark; defaults to fetchJson */
  readonly fetch?: (url: string, timeoutMs: number) => Promise<unknown>;
  /** for tests; defaults to Date.now */
  readonly now?: () => number;
  /** where to report fetch problems (a code and a URL, never a token) */
  readonly warn?: (event: { [key: string]: unknown }) => void;
}

/** The result of a key lookup. */
export type KeyLookup = KeyEntry | 'kid_unknown' | 'kid_ambiguous' | 'jwks_unavailable';

export class JwksCache {
  private keys?: KeySet;
  private fetchedAt = -Infinity;
  private lastAttempt = -Infinity;
  private inflight?: Promise<void>;
  private jwksUri?: string;
  private readonly fetch: (url: string, timeoutMs: number) => Promise<unknown>;
  private readonly now: () => number;

  constructor(private readonly options: JwksCacheOptions) {
    this.fetch = options.fetch ?? fetchJson;
    this.now = options.now ?? Date.now;
    this.jwksUri = options.jwksUri;
    if (options.jwks !== undefined) {
      this.keys = parseJwks(options.jwks, options.algorithms);
      this.fetchedAt = this.now();
    }
  }

  /**
   * The key for a token header's `kid` (or, without `kid`, the only key that
   * can verify `alg`). Synchronous when the cache can answer; otherwise a
   * promise that fetches first (the caller awaits it). `now` is the time in
   * milliseconds, when the caller has read the clock already.
   */
  lookup(kid: string | undefined, alg: string, now = this.now()): KeyLookup | Promise<KeyLookup> {
    const keys = this.keys;
    // a fetch under way (which may bring the missing keys) is awaited, not refused
    const recent = this.inflight === undefined && now - this.lastAttempt < this.options.cooldownMs;
    if (keys && now - this.fetchedAt < this.options.maxAgeMs) {
      const found = find(keys, kid, alg);
      if (found !== 'kid_unknown') return found;
      if (recent) return found;
    } else if (keys && now - this.lastAttempt < this.options.cooldownMs) {
      // stale, but we tried recently (or are trying now): serve stale
      return find(keys, kid, alg);
    } else if (!keys && recent) {
      return 'jwks_unavailable';
    }
    return this.refresh().then(() => {
      if (!this.keys) return 'jwks_unavailable';
      return find(this.keys, kid, alg);
    });
  }

  /** Fetches the JWKS (one fetch at a time; callers during a fetch share it). Never rejects. */
  refresh(): Promise<void> {
    if (!this.inflight) {
      this.lastAttempt = this.now();
      this.inflight = this.load().then(
        (keys) => {
          this.keys = keys;
          this.fetchedAt = this.now();
        },
        (err: unknown) => {
          this.options.warn?.({
            event: 'jwks_fetch_failed',
            code: err instanceof FetchError ? err.code : 'invalid',
            detail: err instanceof Error ? err.message : String(err),
            url: this.jwksUri ?? this.options.issuer,
            serving: this.keys ? 'stale' : 'none',
          });
        },
      ).finally(() => {
        this.inflight = undefined;
      });
    }
    return this.inflight;
  }

  private async load(): Promise<KeySet> {
    const timeout = this.options.fetchTimeoutMs;
    if (!this.jwksUri) {
      const issuer = this.options.issuer!;
      const discovery = await this.fetch(`${issuer.replace(/\/+$/, '')}/.well-known/openid-configuration`, timeout);
      const doc = (typeof discovery === 'object' && discovery !== null ? discovery : {}) as { issuer?: unknown; jwks_uri?: unknown };
      if (doc.issuer !== issuer) throw new Error('discovery document issuer differs from the configured issuer');
      if (typeof doc.jwks_uri !== 'string' || urlProblem(doc.jwks_uri)) throw new Error('discovery document has no acceptable jwks_uri');
      this.jwksUri = doc.jwks_uri;
    }
    const keys = parseJwks(await this.fetch(this.jwksUri, timeout), this.options.algorithms);
    if (keys.skipped.length > 0) {
      this.options.warn?.({ event: 'jwks_keys_skipped', url: this.jwksUri, reasons: keys.skipped });
    }
    return keys;
  }
}

function find(keys: KeySet, kid: string | undefined, alg: string): KeyLookup {
  if (kid !== undefined) {
    const entry = keys.byKid.get(kid);
    return entry === undefined ? 'kid_unknown' : entry.ambiguous ? 'kid_ambiguous' : entry;
  }
  let match: KeyEntry | undefined;
  for (const key of keys.all) {
    if (key.verifiers.has(alg)) {
      if (match) return 'kid_ambiguous';
      match = key;
    }
  }
  return match ?? 'kid_unknown';
}
