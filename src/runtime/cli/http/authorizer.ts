/**
 * Lambda REQUEST authorizers of HTTP APIs, as API Gateway runs them: identity
 * sources checked first (a missing one is a 401 without calling the
 * function), the function called with the authorizer event, its answer read
 * as a simple response (`{isAuthorized, context}`) or an IAM policy, results
 * cached by identity for the authorizer's TTL; a deny is a 403 and a failure
 * of the authorizer a 500.
 * @see https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-lambda-authorizer.html
 */
import { AuthorizerInfo } from '../assembly';
import { ApiTarget, authorizerEventV1, authorizerEventV2, HttpRequest, RequestParts, routeArn } from './request';

/** What the authorizer decided for one request. */
export type AuthorizerDecision =
  | { readonly kind: 'allow'; readonly context?: unknown; readonly cached: boolean }
  | { readonly kind: 'deny'; readonly status: 401 | 403; readonly reason: string; readonly cached?: boolean }
  | { readonly kind: 'error'; readonly reason: string };

/** A result as the authorizer gave it, kept for the TTL. */
interface CachedResult {
  readonly expires: number;
  readonly simple?: { isAuthorized: boolean };
  readonly policy?: PolicyStatement[];
  readonly context?: unknown;
}

interface PolicyStatement {
  readonly Effect: string;
  readonly Action: string | string[];
  readonly Resource: string | string[];
}

/** Calls the authorizer function: its response payload, or a failure. */
export type InvokeAuthorizer = (event: string) => Promise<{ ok: boolean; payload: Buffer; reason?: string }>;

/**
 * The values of `identitySource` expressions for a request, or the first
 * missing one. Supports `$request.header.X`, `$request.querystring.X`,
 * `$context.X` and `$stageVariables.X`.
 */
export function identityValues(
  sources: readonly string[], parts: RequestParts, stageVariables?: Readonly<Record<string, string>>,
): { values: string[] } | { missing: string } {
  const values: string[] = [];
  for (const source of sources) {
    let value: unknown;
    let m: RegExpExecArray | null;
    if ((m = /^\$request\.header\.(.+)$/i.exec(source))) value = parts.headers[m[1].toLowerCase()];
    else if ((m = /^\$request\.querystring\.(.+)$/i.exec(source))) value = parts.queryStringParameters?.[m[1]];
    else if ((m = /^\$context\.(.+)$/.exec(source))) value = m[1].split('.').reduce<any>((o, k) => (o == null ? undefined : o[k]), parts.requestContext);
    else if ((m = /^\$stageVariables\.(.+)$/.exec(source))) value = stageVariables?.[m[1]];
    else value = undefined;
    if (value === undefined || value === null || String(value) === '') return { missing: source };
    values.push(String(value));
  }
  return { values };
}

/** IAM pattern match with `*` and `?`. */
function globMatch(pattern: string, value: string): boolean {
  const re = new RegExp(`^${pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.')}$`);
  return re.test(value);
}

/** Allow or deny by an IAM policy for `execute-api:Invoke` on `arn` (an explicit Deny wins). */
export function evaluatePolicy(statements: readonly PolicyStatement[], arn: string): boolean {
  let allowed = false;
  for (const s of statements) {
    const actions = [s.Action].flat();
    const resources = [s.Resource].flat();
    const applies = actions.some((a) => globMatch(a.toLowerCase(), 'execute-api:invoke')) && resources.some((r) => globMatch(r, arn));
    if (!applies) continue;
    if (s.Effect === 'Deny') return false;
    if (s.Effect === 'Allow') allowed = true;
  }
  return allowed;
}

/** Reads an authorizer's answer; a string says why it is invalid. */
function readAnswer(authorizer: AuthorizerInfo, payload: Buffer): Omit<CachedResult, 'expires'> | string {
  let value: any;
  try {
    value = JSON.parse(payload.toString('utf8'));
  } catch {
    return 'the authorizer response is not JSON';
  }
  if (!value || typeof value !== 'object') return 'the authorizer response is not an object';
  if (authorizer.simpleResponses && authorizer.payloadFormatVersion === '2.0' && typeof value.isAuthorized === 'boolean') {
    return { simple: { isAuthorized: value.isAuthorized }, context: value.context };
  }
  const doc = value.policyDocument;
  if (doc && Array.isArray(doc.Statement)) return { policy: doc.Statement, context: value.context };
  return authorizer.simpleResponses
    ? 'the authorizer response has neither a boolean isAuthorized nor a policyDocument'
    : 'the authorizer response has no policyDocument (simple responses are not enabled on this authorizer)';
}

/** One authorizer's flow and its cache. */
export class LambdaAuthorizer {
  private readonly cache = new Map<string, CachedResult>();
  /** how many times the authorizer function was called */
  public invocations = 0;

  constructor(public readonly info: AuthorizerInfo, private readonly call: InvokeAuthorizer, private readonly now: () => number = Date.now) {}

  public async authorize(request: HttpRequest, parts: RequestParts, target: ApiTarget): Promise<AuthorizerDecision> {
    const identity = identityValues(this.info.identitySource, parts, target.stageVariables);
    if ('missing' in identity) {
      return { kind: 'deny', status: 401, reason: `the identity source ${identity.missing} is missing or empty` };
    }
    const arn = routeArn(target, request.method, parts.rawPath);
    const caching = this.info.ttlSeconds > 0 && this.info.identitySource.length > 0;
    const key = JSON.stringify(identity.values);
    let result = caching ? this.cache.get(key) : undefined;
    let cached = true;
    if (!result || result.expires <= this.now()) {
      cached = false;
      const event = this.info.payloadFormatVersion === '1.0'
        ? authorizerEventV1(parts, target, request, identity.values)
        : authorizerEventV2(parts, target, request.method, identity.values);
      this.invocations++;
      const answer = await this.call(JSON.stringify(event));
      if (!answer.ok) return { kind: 'error', reason: answer.reason ?? 'the authorizer function failed' };
      const read = readAnswer(this.info, answer.payload);
      if (typeof read === 'string') return { kind: 'error', reason: read };
      result = { ...read, expires: this.now() + this.info.ttlSeconds * 1000 };
      if (caching) this.cache.set(key, result);
    }
    const allowed = result.simple ? result.simple.isAuthorized : evaluatePolicy(result.policy ?? [], arn);
    if (!allowed) {
      return { kind: 'deny', status: 403, reason: result.simple ? 'the authorizer answered isAuthorized: false' : `the policy does not allow execute-api:Invoke on ${arn}`, cached };
    }
    return { kind: 'allow', context: result.context, cached };
  }

  /** Forgets cached results (on reload). */
  public clear(): void {
    this.cache.clear();
  }
}
