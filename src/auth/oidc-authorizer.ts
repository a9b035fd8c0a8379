import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Annotations, Duration, RemovalPolicy, Stack, Token } from 'aws-cdk-lib';
import * as apigateway from 'aws-cdk-lib/aws-apigateway';
import { HttpLambdaAuthorizer, HttpLambdaResponseType } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { JwtAlgorithm } from './jwt-algorithm';
import { OidcClaimRule } from './oidc-claim-rule';
import { ENV, SUPPORTED_ALGORITHMS, urlProblem } from './private/contract';
import { propError } from '../private/errors';

/** The prebuilt handler: `<package root>/assets/authorizer` (from both `src/auth` and `lib/auth`). */
const ASSET_DIR = join(__dirname, '..', '..', 'assets', 'authorizer');

/** Lambda's limit on the total size of a function's environment variables. */
const MAX_ENV_BYTES = 4096;
/** The function's timeout: room for a discovery and a JWKS fetch at their longest timeout. */
const FUNCTION_TIMEOUT = Duration.seconds(10);
const MAX_FETCH_TIMEOUT_MS = 4000;
/** JWK members that only private or symmetric keys have. */
const PRIVATE_JWK_MEMBERS = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'oth', 'k'];

/**
 * Properties of an OidcAuthorizer.
 */
export interface OidcAuthorizerProps {
  /**
   * The issuer: tokens must carry exactly this `iss`. When `jwksUri` is not
   * given, the keys are found by OIDC discovery at
   * `<issuer>/.well-known/openid-configuration` (whose `issuer` must match).
   * https only; http is accepted for 127.0.0.1, [::1] and localhost, for
   * local testing.
   * @default - no `iss` check (a warning says so); then `jwksUri` is required
   */
  readonly issuer?: string;

  /**
   * The URL of the JSON Web Key Set. https only (http for loopback hosts, as
   * for `issuer`).
   * @default - discovered from `issuer`
   */
  readonly jwksUri?: string;

  /**
   * Accepted audiences: a token's `aud` (a string, or an array with at least
   * one of these) must match. Required unless `allowAnyAudience` is true.
   * @default - none; required unless `allowAnyAudience` is true
   */
  readonly audiences?: string[];

  /**
   * Accept tokens for any audience (no `aud` check). An explicit opt-out,
   * for issuers that put no audience in access tokens; prefer `audiences` or
   * a claim rule on the issuer's client id claim.
   * @default false
   */
  readonly allowAnyAudience?: boolean;

  /**
   * The accepted signature algorithms. HS* and `none` are never accepted.
   * A token's `alg` must also fit its key (type, curve, and the JWK's `alg`).
   * @default - all of JwtAlgorithm (RS256/384/512, PS256/384/512, ES256/384/512, EdDSA)
   */
  readonly algorithms?: JwtAlgorithm[];

  /**
   * Claims that give the principal id, in order of preference: the first one
   * present (a non-empty string, or a number) is used. A token with none of
   * them is denied.
   * @default ['sub']
   */
  readonly principalIdClaims?: string[];

  /**
   * Claims copied into the authorizer context (next to `principalId`), for
   * the integration to read (`$context.authorizer.<claim>` or
   * `event.requestContext.authorizer.lambda.<claim>`). Strings, numbers and
   * booleans are passed as they are, arrays and objects as JSON text.
   * @default [] - the context holds `principalId` only
   */
  readonly contextClaims?: string[];

  /**
   * OAuth scopes the token must all have, in its `scope` claim
   * (space-separated) or `scp` claim (array, or space-separated string).
   * @default - no scope required
   */
  readonly requiredScopes?: string[];

  /**
   * Rules on other claims; a token must pass all of them.
   * @default - no rules
   */
  readonly claims?: OidcClaimRule[];

  /**
   * Tolerated clock skew for `exp`, `nbf` and `iat`, from 0 to 5 minutes.
   * @default Duration.seconds(0)
   */
  readonly clockTolerance?: Duration;

  /**
   * The maximum age of a token (now minus its `iat`); tokens without `iat`
   * are then denied.
   * @default - no limit other than `exp`
   */
  readonly maxTokenAge?: Duration;

  /**
   * A JSON Web Key Set (JSON text, public keys only) built into the
   * function's configuration, so a cold start verifies tokens with no network
   * call. Keys are still refreshed from `jwksUri` or discovery after
   * `jwksCacheMaxAge`, or on an unknown `kid`. Counts towards Lambda's 4 KB
   * limit of environment variables (about five RSA keys).
   * @default - keys are fetched on the first request
   */
  readonly jwks?: string;

  /**
   * How long fetched keys are used before they are fetched again (from 1
   * minute to 24 hours). When a refetch fails, the old keys keep being used.
   * @default Duration.hours(1)
   */
  readonly jwksCacheMaxAge?: Duration;

  /**
   * The minimum time between two fetches of the JWKS (on an unknown `kid`,
   * or after a failure), from 1 second to 1 hour: a flood of tokens with
   * random `kid`s causes at most one fetch per cooldown.
   * @default Duration.seconds(30)
   */
  readonly jwksRefreshCooldown?: Duration;

  /**
   * Timeout of each discovery or JWKS fetch, from 100 ms to 4 seconds.
   * @default Duration.seconds(2)
   */
  readonly jwksFetchTimeout?: Duration;

  /**
   * How long API Gateway caches an answer for a token, from 0 (no cache) to
   * 1 hour. The answer is reused until the TTL ends even if the token expires
   * sooner, so keep it short; REST API answers allow the whole stage
   * (`arn:...:apiId/stage/*`) so that one cached answer serves every route.
   * @default Duration.seconds(60)
   */
  readonly resultsCacheTtl?: Duration;

  /**
   * Where API Gateway takes the token from (`Bearer <token>` or the bare
   * token): a request header, given by its name (`X-Token`) or in either
   * API's identity source syntax (`$request.header.X-Token`,
   * `method.request.header.X-Token`). It sets the identity source of both
   * authorizers (`$request.header.<name>` for HTTP APIs,
   * `method.request.header.<name>` for REST APIs); a header, because REST
   * API TOKEN authorizers take nothing else. A request without it is
   * answered 401 by API Gateway without calling the function. A token
   * (unresolved value) is taken as a header name.
   * @default 'Authorization'
   */
  readonly identitySource?: string;

  /**
   * Memory of the authorizer function, in MB (128 to 10,240). Lambda gives
   * CPU in proportion to memory; the handler itself needs about 60 MB.
   * @default 256
   */
  readonly memorySize?: number;

  /**
   * How long the function's log group keeps logs.
   * @default logs.RetentionDays.ONE_MONTH
   */
  readonly logRetention?: logs.RetentionDays;

  /**
   * The level of the function's JSON logs: `INFO` logs a reason code for each
   * denied token (never the token); `WARN` only logs JWKS fetch problems.
   * @default lambda.ApplicationLogLevel.INFO
   */
  readonly logLevel?: lambda.ApplicationLogLevel;
}

/**
 * A Lambda authorizer that verifies OIDC/JWT bearer tokens, for HTTP APIs
 * (`httpAuthorizer`, payload 2.0 with simple responses) and REST APIs
 * (`restAuthorizer`, TOKEN type).
 *
 * The handler is prebuilt into this package (no bundling at synth time) and
 * runs on arm64 Node.js. It verifies signatures with node:crypto against keys
 * from the issuer's JWKS (cached, refreshed on unknown `kid` at most once per
 * cooldown, served stale when the endpoint fails), checks `exp`, `nbf`, `iat`,
 * `iss`, `aud`, scopes and claim rules, and never logs a token.
 *
 * REST APIs answer 401 for a missing or unparseable token and 403 for an
 * invalid one; HTTP APIs answer 401 when the header is missing and 403 for an
 * invalid token.
 *
 * @example
 * const auth = new OidcAuthorizer(this, 'Auth', {
 *   issuer: 'https://login.example.com/',
 *   audiences: ['orders-api'],
 *   requiredScopes: ['orders:read'],
 * });
 * new HttpApiFunction(this, 'Orders', { entry: 'src/orders.ts', authorizer: auth.httpAuthorizer });
 */
export class OidcAuthorizer extends Construct {
  /** The authorizer function. */
  public readonly function: lambda.Function;

  /** The log group of the function. */
  public readonly logGroup: logs.LogGroup;

  /** the header named by `identitySource` */
  private readonly identityHeader: string;
  private readonly resultsCacheTtl: Duration;
  private httpAuthorizerInstance?: HttpLambdaAuthorizer;
  private restAuthorizerInstance?: apigateway.TokenAuthorizer;

  constructor(scope: Construct, id: string, props: OidcAuthorizerProps) {
    super(scope, id);
    const environment = this.environment(props);
    this.identityHeader = identityHeaderOf(this, props.identitySource ?? 'Authorization');
    this.resultsCacheTtl = props.resultsCacheTtl ?? Duration.seconds(60);
    this.checkRange('resultsCacheTtl', this.resultsCacheTtl, 0, 3600, 's');
    const memorySize = props.memorySize ?? 256;
    if (!Token.isUnresolved(memorySize) && !(Number.isInteger(memorySize) && memorySize >= 128 && memorySize <= 10240)) {
      throw propError(this, 'memorySize', `is ${memorySize}; it must be an integer from 128 to 10240 (MB).`);
    }
    if (!existsSync(join(ASSET_DIR, 'index.mjs'))) {
      throw new Error(`${this.node.path}: the prebuilt authorizer handler is missing (${join(ASSET_DIR, 'index.mjs')}). `
        + 'In a checkout of cdk-ts-lambda, run `npm run build:runtime`; an installed package always has it (reinstall it if not).');
    }

    this.logGroup = new logs.LogGroup(this, 'LogGroup', {
      retention: props.logRetention ?? logs.RetentionDays.ONE_MONTH,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    // least privilege: write to its own log group, nothing else (no managed
    // policy); an inline policy of the role, as for TypeScriptFunction
    const role = new iam.Role(this, 'ServiceRole', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: `Role of the OIDC authorizer ${this.node.path}: writes its own logs only`,
      inlinePolicies: {
        WriteLogs: new iam.PolicyDocument({
          statements: [new iam.PolicyStatement({
            actions: ['logs:CreateLogStream', 'logs:PutLogEvents'],
            resources: [this.logGroup.logGroupArn],
          })],
        }),
      },
    });

    this.function = new lambda.Function(this, 'Function', {
      description: `OIDC/JWT authorizer (cdk-ts-lambda) for ${props.issuer ?? props.jwksUri}`,
      code: lambda.Code.fromAsset(ASSET_DIR),
      handler: 'index.handler',
      runtime: lambda.Runtime.NODEJS_24_X,
      architecture: lambda.Architecture.ARM_64,
      memorySize,
      timeout: FUNCTION_TIMEOUT,
      role,
      environment,
      logGroup: this.logGroup,
      loggingFormat: lambda.LoggingFormat.JSON,
      applicationLogLevelV2: props.logLevel ?? lambda.ApplicationLogLevel.INFO,
      systemLogLevelV2: lambda.SystemLogLevel.WARN,
    });
  }

  /**
   * The authorizer for HTTP API routes (aws-apigatewayv2): a Lambda
   * authorizer with payload format 2.0 and simple responses, identity source
   * `$request.header.<name>` (see `identitySource`). Created on first use.
   */
  public get httpAuthorizer(): HttpLambdaAuthorizer {
    if (!this.httpAuthorizerInstance) {
      this.httpAuthorizerInstance = new HttpLambdaAuthorizer(`${this.node.id}HttpAuthorizer`, this.function, {
        authorizerName: `${this.node.id}HttpAuthorizer`,
        identitySource: [`$request.header.${this.identityHeader}`],
        responseTypes: [HttpLambdaResponseType.SIMPLE],
        resultsCacheTtl: this.resultsCacheTtl,
      });
    }
    return this.httpAuthorizerInstance;
  }

  /**
   * The authorizer for REST API methods (aws-apigateway): a TOKEN authorizer
   * with identity source `method.request.header.<name>` (see
   * `identitySource`). Created on
   * first use (an unused TokenAuthorizer would fail synth), and it must then
   * be attached to exactly one RestApi.
   */
  public get restAuthorizer(): apigateway.TokenAuthorizer {
    if (!this.restAuthorizerInstance) {
      this.restAuthorizerInstance = new apigateway.TokenAuthorizer(this, 'RestAuthorizer', {
        handler: this.function,
        authorizerName: `${this.node.id}RestAuthorizer`,
        identitySource: apigateway.IdentitySource.header(this.identityHeader),
        resultsCacheTtl: this.resultsCacheTtl,
      });
    }
    return this.restAuthorizerInstance;
  }

  /** Validates the props and returns the function's environment (the contract in private/contract.ts). */
  private environment(props: OidcAuthorizerProps): { [key: string]: string } {
    const stack = Stack.of(this);
    const env: { [key: string]: string } = {};
    const { issuer, jwksUri } = props;
    if (issuer === undefined && jwksUri === undefined) {
      throw propError(this, 'issuer', 'and jwksUri are both missing: set issuer (keys found by OIDC discovery), jwksUri, or both.');
    }
    for (const [prop, url] of [['issuer', issuer], ['jwksUri', jwksUri]] as const) {
      if (url === undefined || Token.isUnresolved(url)) continue;
      const problem = urlProblem(url);
      if (problem) throw propError(this, prop, `'${url}' ${problem}.`);
    }
    if (issuer !== undefined) env[ENV.ISSUER] = issuer;
    else Annotations.of(this).addWarningV2('cdk-ts-lambda:oidcNoIssuer', 'No issuer is set, so the token\'s iss claim is not checked: any issuer whose keys are in the JWKS is accepted. Set issuer if you can.');
    if (jwksUri !== undefined) env[ENV.JWKS_URI] = jwksUri;

    const audiences = props.audiences;
    if (props.allowAnyAudience) {
      if (audiences !== undefined) throw propError(this, 'allowAnyAudience', 'is true but audiences are given too: keep one of them.');
      env[ENV.ALLOW_ANY_AUDIENCE] = 'true';
    } else {
      if (audiences === undefined || audiences.length === 0) {
        throw propError(this, 'audiences', 'is missing: list the accepted audiences (the aud of your tokens), or set allowAnyAudience: true to skip the aud check deliberately.');
      }
      this.checkNames('audiences', audiences, false);
      env[ENV.AUDIENCES] = stack.toJsonString(audiences);
    }

    const algorithms = props.algorithms ?? (SUPPORTED_ALGORITHMS as readonly string[]) as JwtAlgorithm[];
    if (algorithms.length === 0) throw propError(this, 'algorithms', 'is empty: list at least one algorithm, or leave it out to accept all supported ones.');
    for (const alg of algorithms as string[]) {
      if (/^HS/i.test(alg) || /^none$/i.test(alg)) {
        throw propError(this, 'algorithms', `has '${alg}', which is never accepted: HS* would let anyone who knows the public key forge tokens, and 'none' is unsigned. Use ${SUPPORTED_ALGORITHMS.join(', ')}.`);
      }
      if (!(SUPPORTED_ALGORITHMS as readonly string[]).includes(alg)) {
        throw propError(this, 'algorithms', `has '${alg}', which is not supported; supported: ${SUPPORTED_ALGORITHMS.join(', ')}.`);
      }
    }
    if (new Set(algorithms).size !== algorithms.length) throw propError(this, 'algorithms', 'lists an algorithm twice.');
    if (props.algorithms) env[ENV.ALGORITHMS] = algorithms.join(',');

    if (props.principalIdClaims) {
      if (props.principalIdClaims.length === 0) throw propError(this, 'principalIdClaims', 'is empty: list at least one claim, or leave it out for [\'sub\'].');
      this.checkNames('principalIdClaims', props.principalIdClaims, true);
      env[ENV.PRINCIPAL_ID_CLAIMS] = props.principalIdClaims.join(',');
    }
    if (props.contextClaims && props.contextClaims.length > 0) {
      this.checkNames('contextClaims', props.contextClaims, true);
      if (props.contextClaims.includes('principalId')) throw propError(this, 'contextClaims', 'has \'principalId\', which the context always holds (the principal id).');
      env[ENV.CONTEXT_CLAIMS] = props.contextClaims.join(',');
    }
    if (props.requiredScopes && props.requiredScopes.length > 0) {
      for (const scope of props.requiredScopes) {
        if (typeof scope !== 'string' || scope.length === 0 || /\s/.test(scope)) {
          throw propError(this, 'requiredScopes', `has '${scope}', which is not an OAuth scope (a non-empty string with no spaces).`);
        }
      }
      env[ENV.REQUIRED_SCOPES] = props.requiredScopes.join(' ');
    }
    if (props.claims && props.claims.length > 0) {
      const rules = props.claims.map((rule, i) => {
        if (typeof (rule as OidcClaimRule | undefined)?.claim !== 'string') throw propError(this, `claims[${i}]`, 'is not an OidcClaimRule.');
        if (rule.claim.length === 0) throw propError(this, `claims[${i}]`, 'has an empty claim name.');
        if (rule.values.length === 0) throw propError(this, `claims[${i}]`, `(${rule.operator} on '${rule.claim}') has no values.`);
        return { claim: rule.claim, op: rule.operator, values: rule.values };
      });
      env[ENV.CLAIM_RULES] = stack.toJsonString(rules);
    }

    const tolerance = props.clockTolerance;
    if (tolerance) env[ENV.CLOCK_TOLERANCE] = String(this.checkRange('clockTolerance', tolerance, 0, 300, 's'));
    if (props.maxTokenAge) env[ENV.MAX_TOKEN_AGE] = String(this.checkRange('maxTokenAge', props.maxTokenAge, 1, 366 * 86400, 's'));
    if (props.jwksCacheMaxAge) env[ENV.JWKS_CACHE_MAX_AGE] = String(this.checkRange('jwksCacheMaxAge', props.jwksCacheMaxAge, 60, 86400, 's'));
    if (props.jwksRefreshCooldown) env[ENV.JWKS_COOLDOWN] = String(this.checkRange('jwksRefreshCooldown', props.jwksRefreshCooldown, 1, 3600, 's'));
    if (props.jwksFetchTimeout) env[ENV.JWKS_FETCH_TIMEOUT] = String(this.checkRange('jwksFetchTimeout', props.jwksFetchTimeout, 100, MAX_FETCH_TIMEOUT_MS, 'ms'));

    if (props.jwks !== undefined) env[ENV.JWKS] = this.checkJwks(props.jwks, algorithms);

    const size = Object.entries(env).reduce((n, [k, v]) => n + k.length + (Token.isUnresolved(v) ? 0 : Buffer.byteLength(v)), 0);
    if (size > MAX_ENV_BYTES) {
      throw propError(this, props.jwks !== undefined ? 'jwks' : 'audiences',
        `makes the function's environment ${size} bytes, over Lambda's ${MAX_ENV_BYTES}-byte limit: pre-seed fewer keys (only the current signing keys) or drop jwks.`);
    }
    return env;
  }

  /** Claim names and audiences: non-empty strings; claim names also without commas (the list separator). */
  private checkNames(prop: string, names: string[], claimNames: boolean): void {
    const seen = new Set<string>();
    for (const name of names) {
      if (Token.isUnresolved(name)) continue;
      if (typeof name !== 'string' || name.length === 0) throw propError(this, prop, 'has an empty entry.');
      if (claimNames && /[,\s]/.test(name)) throw propError(this, prop, `has '${name}': claim names can't contain commas or spaces.`);
      if (seen.has(name)) throw propError(this, prop, `lists '${name}' twice.`);
      seen.add(name);
    }
  }

  /** A Duration within [min, max] in `unit`; returns it in that unit. */
  private checkRange(prop: string, value: Duration, min: number, max: number, unit: 's' | 'ms'): number {
    if (value.isUnresolved()) throw propError(this, prop, 'must be a concrete Duration, not a token.');
    const ms = value.toMilliseconds({ integral: false });
    const n = unit === 's' ? ms / 1000 : ms;
    if (!Number.isInteger(n) || n < min || n > max) {
      const show = (x: number) => (unit === 's' ? `${x} s` : `${x} ms`);
      throw propError(this, prop, `is ${value.toHumanString()}; it must be a whole number of ${unit === 's' ? 'seconds' : 'milliseconds'} from ${show(min)} to ${show(max)}.`);
    }
    return n;
  }

  /** The pre-seeded JWKS: JSON with public keys only; returned minified. */
  private checkJwks(text: string, algorithms: readonly string[]): string {
    let doc: unknown;
    try {
      doc = JSON.parse(text);
    } catch {
      throw propError(this, 'jwks', 'is not valid JSON: give the JWKS document as text, e.g. JSON.stringify({ keys: [...] }).');
    }
    const keys = (doc as { keys?: unknown })?.keys;
    if (!Array.isArray(keys) || keys.length === 0) throw propError(this, 'jwks', 'must be a JWKS: an object with a non-empty "keys" array.');
    keys.forEach((key: unknown, i) => {
      if (typeof key !== 'object' || key === null || typeof (key as { kty?: unknown }).kty !== 'string') {
        throw propError(this, 'jwks', `key ${i} is not a JWK (an object with "kty").`);
      }
      const k = key as { [name: string]: unknown };
      const secret = PRIVATE_JWK_MEMBERS.filter((m) => m in k);
      if (secret.length > 0 || k.kty === 'oct') {
        throw propError(this, 'jwks', `key ${i}${k.kid ? ` ('${String(k.kid)}')` : ''} has private or symmetric key material (${secret.join(', ') || 'kty oct'}); give public keys only, and rotate that key if it was shared.`);
      }
      if (!['RSA', 'EC', 'OKP'].includes(String(k.kty))) throw propError(this, 'jwks', `key ${i} has kty '${String(k.kty)}'; supported: RSA, EC, OKP.`);
      if (typeof k.alg === 'string' && !algorithms.includes(k.alg)) {
        Annotations.of(this).addWarningV2('cdk-ts-lambda:oidcJwksKeyUnused', `jwks key ${i} has alg '${k.alg}', which is not among algorithms: it will never be used.`);
      }
    });
    return JSON.stringify(doc);
  }
}

/** HTTP header names (RFC 9110 tokens). */
const HEADER_NAME = /^[A-Za-z0-9!#$%&'*+.^_`|~-]+$/;

/** The header name of an `identitySource` prop: a name, `$request.header.<name>` or `method.request.header.<name>`. */
function identityHeaderOf(scope: Construct, source: string): string {
  // a token (a CloudFormation parameter, say) can only be taken as a header name
  if (Token.isUnresolved(source)) return source;
  const name = source.replace(/^(\$request|method\.request)\.header\./, '');
  // another source in either syntax ($request.querystring.x, $context.x, method.request.querystring.x...)
  const otherSource = name === source && (source.startsWith('$') || source.startsWith('method.request.'));
  if (otherSource || !HEADER_NAME.test(name)) {
    throw propError(scope, 'identitySource', `'${source}' is not a request header: give a header name ('X-Token'), '$request.header.<name>' or 'method.request.header.<name>' (query strings and other sources are not allowed: REST API TOKEN authorizers read a header only).`);
  }
  return name;
}
