/**
 * The authorizer's configuration, read from the environment variables that
 * the OidcAuthorizer construct sets (see ENV in src/auth/private/contract.ts
 * for the list and meaning of each).
 */
import { CLAIM_RULE_OPS, DEFAULTS, ENV, SUPPORTED_ALGORITHMS, urlProblem } from '../../auth/private/contract';

/** A declarative claim rule. */
export interface ClaimRule {
  readonly claim: string;
  readonly op: 'equals' | 'oneOf' | 'contains';
  readonly values: readonly string[];
}

/** The parsed configuration. */
export interface AuthorizerConfig {
  readonly issuer?: string;
  readonly jwksUri?: string;
  /** undefined means any audience (explicit opt-out) */
  readonly audiences?: ReadonlySet<string>;
  readonly algorithms: ReadonlySet<string>;
  readonly principalIdClaims: readonly string[];
  readonly contextClaims: readonly string[];
  readonly requiredScopes: readonly string[];
  readonly claimRules: readonly ClaimRule[];
  readonly clockToleranceSeconds: number;
  readonly maxTokenAgeSeconds?: number;
  readonly jwks?: unknown;
  readonly jwksCacheMaxAgeSeconds: number;
  readonly jwksCooldownSeconds: number;
  readonly jwksFetchTimeoutMs: number;
  readonly maxTokenLength: number;
}

const list = (value: string | undefined, sep: RegExp): string[] =>
  (value ?? '').split(sep).map((s) => s.trim()).filter((s) => s.length > 0);

function seconds(env: NodeJS.ProcessEnv, name: string, fallback: number | undefined): number | undefined {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isFinite(n) || n < 0) throw new Error(`${name} must be a non-negative number, got '${raw}'`);
  return n;
}

/** Reads and checks the configuration. Throws with the variable's name when one is wrong. */
export function loadConfig(env: NodeJS.ProcessEnv): AuthorizerConfig {
  const issuer = env[ENV.ISSUER] || undefined;
  const jwksUri = env[ENV.JWKS_URI] || undefined;
  if (!issuer && !jwksUri) throw new Error(`set ${ENV.ISSUER} or ${ENV.JWKS_URI}`);
  for (const [name, url] of [[ENV.ISSUER, issuer], [ENV.JWKS_URI, jwksUri]] as const) {
    const problem = url === undefined ? undefined : urlProblem(url);
    if (problem) throw new Error(`${name} ${problem}`);
  }

  const algorithms = list(env[ENV.ALGORITHMS] ?? SUPPORTED_ALGORITHMS.join(','), /,/);
  for (const alg of algorithms) {
    if (!(SUPPORTED_ALGORITHMS as readonly string[]).includes(alg)) throw new Error(`${ENV.ALGORITHMS}: '${alg}' is not supported`);
  }
  if (algorithms.length === 0) throw new Error(`${ENV.ALGORITHMS} is empty`);

  let audiences: Set<string> | undefined;
  if (env[ENV.ALLOW_ANY_AUDIENCE] !== 'true') {
    const parsed: unknown = JSON.parse(env[ENV.AUDIENCES] || '[]');
    if (!Array.isArray(parsed) || parsed.length === 0 || !parsed.every((a) => typeof a === 'string' && a.length > 0)) {
      throw new Error(`${ENV.AUDIENCES} must be a non-empty JSON array of strings (or set ${ENV.ALLOW_ANY_AUDIENCE}=true)`);
    }
    audiences = new Set(parsed as string[]);
  }

  const claimRules: ClaimRule[] = [];
  const rawRules: unknown = JSON.parse(env[ENV.CLAIM_RULES] || '[]');
  if (!Array.isArray(rawRules)) throw new Error(`${ENV.CLAIM_RULES} must be a JSON array`);
  for (const r of rawRules as ClaimRule[]) {
    if (typeof r?.claim !== 'string' || !(CLAIM_RULE_OPS as readonly string[]).includes(r.op)
      || !Array.isArray(r.values) || r.values.length === 0 || !r.values.every((v) => typeof v === 'string')) {
      throw new Error(`${ENV.CLAIM_RULES}: invalid rule ${JSON.stringify(r)}`);
    }
    claimRules.push({ claim: r.claim, op: r.op, values: [...r.values] });
  }

  const principalIdClaims = list(env[ENV.PRINCIPAL_ID_CLAIMS], /,/);
  return {
    issuer,
    jwksUri,
    audiences,
    algorithms: new Set(algorithms),
    principalIdClaims: principalIdClaims.length > 0 ? principalIdClaims : [...DEFAULTS.principalIdClaims],
    contextClaims: list(env[ENV.CONTEXT_CLAIMS], /,/),
    requiredScopes: list(env[ENV.REQUIRED_SCOPES], /\s+/),
    claimRules,
    clockToleranceSeconds: seconds(env, ENV.CLOCK_TOLERANCE, DEFAULTS.clockToleranceSeconds)!,
    maxTokenAgeSeconds: seconds(env, ENV.MAX_TOKEN_AGE, undefined),
    jwks: env[ENV.JWKS] ? JSON.parse(env[ENV.JWKS]!) : undefined,
    jwksCacheMaxAgeSeconds: seconds(env, ENV.JWKS_CACHE_MAX_AGE, DEFAULTS.jwksCacheMaxAgeSeconds)!,
    jwksCooldownSeconds: seconds(env, ENV.JWKS_COOLDOWN, DEFAULTS.jwksCooldownSeconds)!,
    jwksFetchTimeoutMs: seconds(env, ENV.JWKS_FETCH_TIMEOUT, DEFAULTS.jwksFetchTimeoutMs)!,
    maxTokenLength: DEFAULTS.maxTokenLength,
  };
}
