/**
 * The contract between the OidcAuthorizer construct and its handler
 * (src/runtime/authorizer): the environment variables the construct sets, the
 * algorithms both accept, and the defaults both apply. Plain constants with no
 * imports, so that the handler bundle can include this file.
 */

/** Environment variables of the authorizer function, set by the construct. */
export const ENV = {
  /** The issuer URL: checked against `iss`, and the base of OIDC discovery when no JWKS URI is given. */
  ISSUER: 'OIDC_ISSUER',
  /** The JWKS URL; when absent, discovered from `<issuer>/.well-known/openid-configuration`. */
  JWKS_URI: 'OIDC_JWKS_URI',
  /** Accepted audiences, a JSON array of strings. */
  AUDIENCES: 'OIDC_AUDIENCES',
  /** `true` to accept any audience (explicit opt-out of the `aud` check). */
  ALLOW_ANY_AUDIENCE: 'OIDC_ALLOW_ANY_AUDIENCE',
  /** Accepted `alg` values, comma separated. */
  ALGORITHMS: 'OIDC_ALGORITHMS',
  /** Claims that give the principal id, comma separated; the first one present (a non-empty string or a number) wins. */
  PRINCIPAL_ID_CLAIMS: 'OIDC_PRINCIPAL_ID_CLAIMS',
  /** Claims copied into the authorizer context, comma separated. */
  CONTEXT_CLAIMS: 'OIDC_CONTEXT_CLAIMS',
  /** Scopes that must all be granted (`scope` string or `scp` array/string), space separated. */
  REQUIRED_SCOPES: 'OIDC_REQUIRED_SCOPES',
  /** Claim rules, a JSON array of `{ "claim": string, "op": "equals" | "oneOf" | "contains", "values": string[] }`. */
  CLAIM_RULES: 'OIDC_CLAIM_RULES',
  /** Clock tolerance for `exp`, `nbf` and `iat`, in seconds. */
  CLOCK_TOLERANCE: 'OIDC_CLOCK_TOLERANCE_SECONDS',
  /** Maximum age of a token (now - `iat`), in seconds; when set, `iat` is required. */
  MAX_TOKEN_AGE: 'OIDC_MAX_TOKEN_AGE_SECONDS',
  /** A pre-seeded JWKS (JSON), used from the cold start with no network call. */
  JWKS: 'OIDC_JWKS',
  /** How long fetched keys are fresh, in seconds. */
  JWKS_CACHE_MAX_AGE: 'OIDC_JWKS_CACHE_MAX_AGE_SECONDS',
  /** Minimum time between two JWKS fetches (unknown `kid`, failures), in seconds. */
  JWKS_COOLDOWN: 'OIDC_JWKS_COOLDOWN_SECONDS',
  /** Timeout of one JWKS or discovery fetch, in milliseconds. */
  JWKS_FETCH_TIMEOUT: 'OIDC_JWKS_FETCH_TIMEOUT_MS',
} as const;

/** Every algorithm the authorizer can verify. HS* and `none` are never accepted. */
export const SUPPORTED_ALGORITHMS = [
  'RS256', 'RS384', 'RS512',
  'PS256', 'PS384', 'PS512',
  'ES256', 'ES384', 'ES512',
  'EdDSA',
] as const;

/** Defaults, shared by the construct (documentation, validation) and the handler. */
export const DEFAULTS = {
  principalIdClaims: ['sub'],
  clockToleranceSeconds: 0,
  jwksCacheMaxAgeSeconds: 3600,
  jwksCooldownSeconds: 30,
  jwksFetchTimeoutMs: 2000,
  /** Tokens longer than this are rejected before any parsing. */
  maxTokenLength: 16_384,
} as const;

/** Claim rule operators. */
export const CLAIM_RULE_OPS = ['equals', 'oneOf', 'contains'] as const;

/**
 * Whether a URL is acceptable for issuer, JWKS and discovery: https, or http
 * on a loopback host (127.0.0.1, ::1, localhost) for local testing. Returns a
 * reason when not, undefined when it is.
 */
export function urlProblem(value: string): string | undefined {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return 'is not a valid absolute URL';
  }
  if (url.username || url.password) return 'must not contain credentials';
  if (url.hash) return 'must not contain a fragment (#...)';
  if (url.protocol === 'https:') return undefined;
  if (url.protocol === 'http:' && ['127.0.0.1', '[::1]', 'localhost'].includes(url.hostname)) return undefined;
  return 'must use https (http is only accepted for 127.0.0.1, [::1] and localhost, for local testing)';
}
