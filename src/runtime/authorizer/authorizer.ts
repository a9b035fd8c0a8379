/**
 * The Lambda authorizer: detects the event shape (HTTP API payload 2.0 or
 * 1.0, REST API TOKEN or REQUEST), takes the token, verifies it and answers
 * in the shape API Gateway expects.
 *
 * - HTTP API, payload 2.0 (simple responses): `{ isAuthorized, context }`.
 * - HTTP API payload 1.0 and REST APIs: `{ principalId, policyDocument, context }`
 *   with an Allow or Deny on `execute-api:Invoke`. The resource is the method
 *   ARN with method and path wildcarded (`arn:...:apiId/stage/*`): the answer
 *   depends on the token only, so API Gateway may cache it (keyed by the
 *   token) and reuse it for every route of the stage.
 * - REST APIs with no parseable token: `throw new Error('Unauthorized')`,
 *   the one way a Lambda authorizer makes API Gateway answer 401.
 *
 * Never throws otherwise, and never logs a token or a claim: a denial logs
 * its reason code only.
 */
import { AuthorizerConfig } from './config';
import { JwksCache } from './jwks-cache';
import { DenyReason, isMalformed } from './reasons';
import { Claims, own, TokenVerifier, Verification } from './verify';

/** Where the authorizer writes (one JSON object a line). */
export interface AuthorizerLogger {
  /** denials (Lambda's JSON log level filter drops them below INFO) */
  info(line: string): void;
  /** JWKS fetch problems */
  warn(line: string): void;
  /** configuration and internal errors */
  error(line: string): void;
}

/** Options for tests and the benchmark. */
export interface AuthorizerOptions {
  readonly logger?: AuthorizerLogger;
  /** seconds since the epoch; defaults to the system clock */
  readonly now?: () => number;
  /** replaces the HTTP client of the key cache */
  readonly fetch?: (url: string, timeoutMs: number) => Promise<unknown>;
}

type Context = { [key: string]: string | number | boolean };

/** HTTP API payload 2.0 simple response. */
export interface SimpleResponse {
  readonly isAuthorized: boolean;
  readonly context?: Context;
}

/** IAM policy response (REST API, HTTP API payload 1.0). */
export interface PolicyResponse {
  readonly principalId: string;
  readonly policyDocument: {
    readonly Version: '2012-10-17';
    readonly Statement: { readonly Action: 'execute-api:Invoke'; readonly Effect: 'Allow' | 'Deny'; readonly Resource: string }[];
  };
  readonly context?: Context;
}

export type AuthorizerHandler = (event: unknown) => Promise<SimpleResponse | PolicyResponse>;

type Shape = 'http2' | 'http1' | 'rest';

function header(headers: unknown, name: string): string | undefined {
  if (typeof headers !== 'object' || headers === null) return undefined;
  for (const key of Object.keys(headers)) {
    if (key.toLowerCase() === name) {
      const value = (headers as { [k: string]: unknown })[key];
      return typeof value === 'string' ? value : undefined;
    }
  }
  return undefined;
}

/** The event's shape and the raw identity value (before removing "Bearer "). */
function readEvent(event: unknown): { shape: Shape; raw: string | undefined; arn: string | undefined } {
  const e = (typeof event === 'object' && event !== null ? event : {}) as { [k: string]: unknown };
  if (e.version === '2.0') {
    const sources = e.identitySource;
    const first = Array.isArray(sources) && typeof sources[0] === 'string' ? sources[0] : undefined;
    return { shape: 'http2', raw: first ?? header(e.headers, 'authorization'), arn: typeof e.routeArn === 'string' ? e.routeArn : undefined };
  }
  const arn = typeof e.methodArn === 'string' ? e.methodArn : undefined;
  if (e.version === '1.0') {
    const token = typeof e.authorizationToken === 'string' ? e.authorizationToken : header(e.headers, 'authorization');
    return { shape: 'http1', raw: token, arn };
  }
  if (e.type === 'TOKEN') return { shape: 'rest', raw: typeof e.authorizationToken === 'string' ? e.authorizationToken : undefined, arn };
  return { shape: 'rest', raw: header(e.headers, 'authorization'), arn };
}

/** The token of an identity value: `Bearer <token>` (any case) or a bare token. */
function tokenOf(raw: string | undefined): string {
  if (raw === undefined) return '';
  // "Bearer " in any case, compared by char code (no allocation)
  if (raw.length > 7 && raw.charCodeAt(6) === 32 && (raw.charCodeAt(0) | 32) === 98 && (raw.charCodeAt(1) | 32) === 101 // eslint-disable-line no-bitwise
    && (raw.charCodeAt(2) | 32) === 97 && (raw.charCodeAt(3) | 32) === 114 && (raw.charCodeAt(4) | 32) === 101 && (raw.charCodeAt(5) | 32) === 114) { // eslint-disable-line no-bitwise
    return raw.slice(7);
  }
  return raw;
}

/**
 * `arn:aws:execute-api:region:account:apiId/stage/METHOD/path` ->
 * `arn:aws:execute-api:region:account:apiId/stage/*`.
 */
export function stageWildcard(arn: string | undefined): string {
  if (!arn) return '*';
  const colon = arn.lastIndexOf(':');
  const parts = arn.slice(colon + 1).split('/');
  if (colon < 0 || parts.length < 2) return arn;
  return `${arn.slice(0, colon + 1)}${parts[0]}/${parts[1]}/*`;
}

function principalOf(claims: Claims, names: readonly string[]): string | undefined {
  for (const name of names) {
    const v = own(claims, name);
    if (typeof v === 'string' && v.length > 0) return v;
    if (typeof v === 'number' && Number.isFinite(v)) return String(v);
  }
  return undefined;
}

function contextOf(claims: Claims, principalId: string, names: readonly string[]): Context {
  const context: Context = { principalId };
  for (const name of names) {
    const v = own(claims, name);
    if (v === undefined || v === null) continue;
    // API Gateway only passes strings, numbers and booleans on
    context[name] = typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean' ? v : JSON.stringify(v);
  }
  return context;
}

const consoleLogger: AuthorizerLogger = {
  info: (line) => console.info(line),
  warn: (line) => console.warn(line),
  error: (line) => console.error(line),
};

/**
 * Builds the handler. `config` is an Error when the configuration could not
 * be read: the handler then denies everything (fails closed) and logs why.
 */
export function createAuthorizer(config: AuthorizerConfig | Error, options: AuthorizerOptions = {}): AuthorizerHandler {
  const logger = options.logger ?? consoleLogger;
  const now = options.now ?? (() => Date.now() / 1000);
  let verifier: TokenVerifier | undefined;
  if (config instanceof Error) {
    logger.error(JSON.stringify({ event: 'config_invalid', detail: config.message }));
  } else {
    try {
      const cache = new JwksCache({
        issuer: config.issuer,
        jwksUri: config.jwksUri,
        jwks: config.jwks,
        algorithms: config.algorithms,
        maxAgeMs: config.jwksCacheMaxAgeSeconds * 1000,
        cooldownMs: config.jwksCooldownSeconds * 1000,
        fetchTimeoutMs: config.jwksFetchTimeoutMs,
        fetch: options.fetch,
        now: () => now() * 1000,
        warn: (event) => logger.warn(JSON.stringify(event)),
      });
      verifier = new TokenVerifier(config, cache);
    } catch (err) {
      logger.error(JSON.stringify({ event: 'config_invalid', detail: `${ENV_JWKS_HINT}: ${(err as Error).message}` }));
    }
  }
  const principalIdClaims = config instanceof Error ? [] : config.principalIdClaims;
  const contextClaims = config instanceof Error ? [] : config.contextClaims;

  const answer = (shape: Shape, arn: string | undefined, result: Verification): SimpleResponse | PolicyResponse => {
    let reason: DenyReason;
    if (result.ok) {
      const principalId = principalOf(result.claims, principalIdClaims);
      if (principalId !== undefined) {
        const context = contextOf(result.claims, principalId, contextClaims);
        if (shape === 'http2') return { isAuthorized: true, context };
        return policy(principalId, 'Allow', arn, context);
      }
      reason = 'principal_missing';
    } else {
      reason = result.reason;
    }
    logger.info(JSON.stringify({ event: 'deny', reason }));
    if (shape === 'http2') return { isAuthorized: false };
    if (shape === 'rest' && isMalformed(reason)) throw new Error('Unauthorized');
    return policy('unauthorized', 'Deny', arn);
  };

  return async (event: unknown) => {
    let shape: Shape = 'rest';
    let arn: string | undefined;
    let result: Verification;
    try {
      const read = readEvent(event);
      shape = read.shape;
      arn = read.arn;
      if (!verifier) {
        result = { ok: false, reason: 'config_invalid' };
      } else {
        const pending = verifier.verify(tokenOf(read.raw), now());
        result = pending instanceof Promise ? await pending : pending;
      }
    } catch (err) {
      logger.error(JSON.stringify({ event: 'internal_error', detail: err instanceof Error ? err.name : 'unknown' }));
      result = { ok: false, reason: 'internal_error' };
    }
    return answer(shape, arn, result);
  };
}

const ENV_JWKS_HINT = 'the pre-seeded JWKS (OIDC_JWKS) is invalid';

function policy(principalId: string, effect: 'Allow' | 'Deny', arn: string | undefined, context?: Context): PolicyResponse {
  return {
    principalId,
    policyDocument: {
      Version: '2012-10-17',
      Statement: [{ Action: 'execute-api:Invoke', Effect: effect, Resource: stageWildcard(arn) }],
    },
    ...(context ? { context } : {}),
  };
}
