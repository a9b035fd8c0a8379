/**
 * Turning an HTTP request into the Lambda event API Gateway builds for an
 * HTTP API (payload format 2.0), for a Lambda authorizer (2.0 and 1.0), and
 * for a function URL.
 * @see https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-develop-integrations-lambda.html
 */
import { randomBytes } from 'node:crypto';

/** An HTTP request as it came in. */
export interface HttpRequest {
  readonly method: string;
  /** path and query exactly as sent, e.g. `/pets/1?a=b` */
  readonly url: string;
  /** Node's `rawHeaders`: name, value, name, value... */
  readonly rawHeaders: readonly string[];
  readonly body: Buffer;
  readonly sourceIp: string;
  /** `HTTP/1.1` */
  readonly protocol: string;
  /** the port the request came in on (`x-forwarded-port`) */
  readonly port: number;
}

/** Where the request is going: the API and the matched route. */
export interface ApiTarget {
  readonly apiId: string;
  readonly accountId: string;
  readonly region: string;
  readonly stage: string;
  readonly routeKey: string;
  readonly pathParameters?: Record<string, string>;
  /** the context of a Lambda authorizer (requestContext.authorizer.lambda) */
  readonly authorizerContext?: unknown;
  /** `domainName`; default: the Host header */
  readonly domainName?: string;
  /** the stage's variables, when it has some */
  readonly stageVariables?: Readonly<Record<string, string>>;
}

/** Content types API Gateway passes as text; every other body (no content type too) arrives base64-encoded. */
export function isTextContentType(contentType: string | undefined): boolean {
  if (!contentType) return false;
  const type = contentType.split(';')[0].trim().toLowerCase();
  return type.startsWith('text/')
    || ['application/json', 'application/xml', 'application/javascript'].includes(type)
    || type.endsWith('+json') || type.endsWith('+xml');
}

/** The path and query of a raw request target. */
export function splitUrl(url: string): { rawPath: string; rawQueryString: string } {
  const q = url.indexOf('?');
  return q < 0 ? { rawPath: url, rawQueryString: '' } : { rawPath: url.slice(0, q), rawQueryString: url.slice(q + 1) };
}

function decodeQuery(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

/** Query parameters decoded, repeated ones comma-joined (payload 2.0); undefined when there are none. */
export function queryParameters(rawQueryString: string): Record<string, string> | undefined {
  if (rawQueryString === '') return undefined;
  const out: Record<string, string> = {};
  for (const pair of rawQueryString.split('&')) {
    if (pair === '') continue;
    const eq = pair.indexOf('=');
    const name = decodeQuery(eq < 0 ? pair : pair.slice(0, eq));
    const value = eq < 0 ? '' : decodeQuery(pair.slice(eq + 1));
    out[name] = name in out ? `${out[name]},${value}` : value;
  }
  return Object.keys(out).length > 0 ? out : undefined;
}

/** Query parameters as payload 1.0 has them: last value, and every value. */
export function queryParametersV1(rawQueryString: string): { single: Record<string, string> | null; multi: Record<string, string[]> | null } {
  if (rawQueryString === '') return { single: null, multi: null };
  const single: Record<string, string> = {};
  const multi: Record<string, string[]> = {};
  for (const pair of rawQueryString.split('&')) {
    if (pair === '') continue;
    const eq = pair.indexOf('=');
    const name = decodeQuery(eq < 0 ? pair : pair.slice(0, eq));
    const value = eq < 0 ? '' : decodeQuery(pair.slice(eq + 1));
    single[name] = value;
    (multi[name] ??= []).push(value);
  }
  return { single, multi };
}

/** Headers lowercased, repeated ones comma-joined, and the cookies split out of `cookie`. */
export function headersAndCookies(rawHeaders: readonly string[]): { headers: Record<string, string>; cookies?: string[] } {
  const headers: Record<string, string> = {};
  const cookies: string[] = [];
  for (let i = 0; i + 1 < rawHeaders.length; i += 2) {
    const name = rawHeaders[i].toLowerCase();
    const value = rawHeaders[i + 1];
    if (name === 'cookie') {
      cookies.push(...value.split(';').map((c) => c.trim()).filter((c) => c !== ''));
      continue;
    }
    headers[name] = name in headers ? `${headers[name]},${value}` : value;
  }
  return { headers, cookies: cookies.length > 0 ? cookies : undefined };
}

/** `21/Apr/2020:15:08:21 +0000`, API Gateway's `requestContext.time`. */
export function apiGatewayTime(date: Date): string {
  const months = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
  const p = (n: number) => String(n).padStart(2, '0');
  return `${p(date.getUTCDate())}/${months[date.getUTCMonth()]}/${date.getUTCFullYear()}:`
    + `${p(date.getUTCHours())}:${p(date.getUTCMinutes())}:${p(date.getUTCSeconds())} +0000`;
}

/** An API Gateway request id, like `LV7fzho-PHcEJPw=`. */
export function newRequestId(): string {
  return randomBytes(11).toString('base64').replace(/\+/g, '-').replace(/\//g, '_');
}

/** An X-Ray trace header for `x-amzn-trace-id`, like `Root=1-5e9f0c65-1de4d666d4dd26aced652b6c`. */
export function newTraceHeader(now: Date): string {
  return `Root=1-${Math.floor(now.getTime() / 1000).toString(16)}-${randomBytes(12).toString('hex')}`;
}

/** The parts of a request shared by the route event and the authorizer event. */
export interface RequestParts {
  readonly rawPath: string;
  readonly rawQueryString: string;
  readonly headers: Record<string, string>;
  readonly cookies?: string[];
  readonly queryStringParameters?: Record<string, string>;
  readonly requestContext: Record<string, any>;
  readonly body?: string;
  readonly isBase64Encoded: boolean;
}

/**
 * The fields of a payload 2.0 event for `request`: what API Gateway adds to
 * the headers (`x-forwarded-*`, `x-amzn-trace-id`), the body (base64 unless
 * text), and `requestContext`.
 */
export function requestParts(request: HttpRequest, target: ApiTarget, now = new Date()): RequestParts {
  const { rawPath, rawQueryString } = splitUrl(request.url);
  const { headers, cookies } = headersAndCookies(request.rawHeaders);
  if (request.body.length > 0 && headers['content-length'] === undefined) headers['content-length'] = String(request.body.length);
  headers['x-amzn-trace-id'] ??= newTraceHeader(now);
  headers['x-forwarded-for'] = headers['x-forwarded-for'] ? `${headers['x-forwarded-for']}, ${request.sourceIp}` : request.sourceIp;
  headers['x-forwarded-port'] = String(request.port);
  headers['x-forwarded-proto'] = 'http';
  const domainName = target.domainName ?? headers.host ?? `${target.apiId}.execute-api.${target.region}.amazonaws.com`;
  const text = isTextContentType(headers['content-type']);
  const requestContext: Record<string, any> = {
    accountId: target.accountId,
    apiId: target.apiId,
    domainName,
    domainPrefix: domainName.split('.')[0],
    http: {
      method: request.method,
      path: decodePath(rawPath),
      protocol: request.protocol,
      sourceIp: request.sourceIp,
      userAgent: headers['user-agent'] ?? '',
    },
    requestId: newRequestId(),
    routeKey: target.routeKey,
    stage: target.stage,
    time: apiGatewayTime(now),
    timeEpoch: now.getTime(),
  };
  return {
    rawPath,
    rawQueryString,
    headers,
    cookies,
    queryStringParameters: queryParameters(rawQueryString),
    requestContext,
    body: request.body.length > 0 ? request.body.toString(text ? 'utf8' : 'base64') : undefined,
    isBase64Encoded: request.body.length > 0 && !text,
  };
}

function decodePath(path: string): string {
  try {
    return decodeURI(path);
  } catch {
    return path;
  }
}

/** The fields shared by the route event and the authorizer event, in API Gateway's order. */
function commonFields(
  parts: RequestParts, target: ApiTarget, head: Record<string, unknown>, requestContext: Record<string, any>,
): Record<string, unknown> {
  const event: Record<string, unknown> = { ...head, routeKey: target.routeKey, rawPath: parts.rawPath, rawQueryString: parts.rawQueryString };
  if (parts.cookies) event.cookies = parts.cookies;
  event.headers = parts.headers;
  if (parts.queryStringParameters) event.queryStringParameters = parts.queryStringParameters;
  event.requestContext = requestContext;
  if (target.pathParameters) event.pathParameters = target.pathParameters;
  if (target.stageVariables) event.stageVariables = target.stageVariables;
  return event;
}

/** The payload 2.0 event of a route integration, as API Gateway sends it. */
export function httpApiEvent(parts: RequestParts, target: ApiTarget): Record<string, unknown> {
  const requestContext = { ...parts.requestContext };
  if (target.authorizerContext !== undefined) requestContext.authorizer = { lambda: target.authorizerContext };
  const event = commonFields(parts, target, { version: '2.0' }, requestContext);
  if (parts.body !== undefined) event.body = parts.body;
  event.isBase64Encoded = parts.isBase64Encoded;
  return event;
}

/** `arn:aws:execute-api:{region}:{account}:{apiId}/{stage}/{METHOD}/{path}` of a request. */
export function routeArn(target: ApiTarget, method: string, rawPath: string): string {
  return `arn:aws:execute-api:${target.region}:${target.accountId}:${target.apiId}/${target.stage}/${method}${rawPath}`;
}

/** The payload 2.0 event of a Lambda REQUEST authorizer. */
export function authorizerEventV2(parts: RequestParts, target: ApiTarget, method: string, identitySource: string[]): Record<string, unknown> {
  const head = { version: '2.0', type: 'REQUEST', routeArn: routeArn(target, method, parts.rawPath), identitySource };
  return commonFields(parts, target, head, parts.requestContext);
}

/**
 * The fields payload 1.0 events share (authorizer and integration):
 * `resource`, `path`, `httpMethod`, headers and query parameters with their
 * last and all values.
 */
function fieldsV1(parts: RequestParts, target: ApiTarget, request: HttpRequest, lowercase: boolean): Record<string, unknown> {
  const headers: Record<string, string> = {};
  const multiValueHeaders: Record<string, string[]> = {};
  for (let i = 0; i + 1 < request.rawHeaders.length; i += 2) {
    const name = lowercase ? request.rawHeaders[i].toLowerCase() : request.rawHeaders[i];
    headers[name] = request.rawHeaders[i + 1];
    (multiValueHeaders[name] ??= []).push(request.rawHeaders[i + 1]);
  }
  if (lowercase) {
    // what API Gateway adds
    for (const name of ['x-amzn-trace-id', 'x-forwarded-for', 'x-forwarded-port', 'x-forwarded-proto']) {
      headers[name] = parts.headers[name];
      multiValueHeaders[name] = [parts.headers[name]];
    }
  }
  const q = queryParametersV1(parts.rawQueryString);
  return {
    resource: resourceOf(target.routeKey),
    path: parts.rawPath,
    httpMethod: request.method,
    headers,
    multiValueHeaders,
    queryStringParameters: q.single,
    multiValueQueryStringParameters: q.multi,
  };
}

/** The path of a route key (`/pets/{id}`), or `$default`. */
function resourceOf(routeKey: string): string {
  return routeKey === '$default' ? '$default' : routeKey.slice(routeKey.indexOf(' ') + 1);
}

/** The payload 1.0 event of a Lambda REQUEST authorizer (REST-API-like). */
export function authorizerEventV1(parts: RequestParts, target: ApiTarget, request: HttpRequest, identitySource: string[]): Record<string, unknown> {
  const resource = resourceOf(target.routeKey);
  return {
    version: '1.0',
    type: 'REQUEST',
    methodArn: routeArn(target, request.method, parts.rawPath),
    identitySource: identitySource.join(','),
    authorizationToken: identitySource.join(','),
    ...fieldsV1(parts, target, request, false),
    pathParameters: target.pathParameters ?? {},
    stageVariables: target.stageVariables ?? null,
    requestContext: {
      ...parts.requestContext,
      path: parts.rawPath,
      resourcePath: resource,
      httpMethod: request.method,
      identity: { sourceIp: request.sourceIp, userAgent: parts.headers['user-agent'] ?? '' },
    },
  };
}

/**
 * The payload 1.0 event of a route integration (the REST-API-compatible
 * shape): last and all values of headers and query parameters, `resource`,
 * `httpMethod`, and a REST-like `requestContext`.
 */
export function httpApiEventV1(parts: RequestParts, target: ApiTarget, request: HttpRequest): Record<string, unknown> {
  const resource = resourceOf(target.routeKey);
  const rc = parts.requestContext;
  const identity = {
    accessKey: null,
    accountId: null,
    caller: null,
    cognitoAuthenticationProvider: null,
    cognitoAuthenticationType: null,
    cognitoIdentityId: null,
    cognitoIdentityPoolId: null,
    principalOrgId: null,
    sourceIp: request.sourceIp,
    user: null,
    userAgent: parts.headers['user-agent'] ?? '',
    userArn: null,
  };
  const authorizer = target.authorizerContext !== undefined && target.authorizerContext !== null
    ? { ...(target.authorizerContext as Record<string, unknown>) }
    : { claims: null, scopes: null };
  return {
    version: '1.0',
    ...fieldsV1(parts, target, request, true),
    requestContext: {
      accountId: rc.accountId,
      apiId: rc.apiId,
      authorizer,
      domainName: rc.domainName,
      domainPrefix: rc.domainPrefix,
      extendedRequestId: rc.requestId,
      httpMethod: request.method,
      identity,
      path: parts.rawPath,
      protocol: request.protocol,
      requestId: rc.requestId,
      requestTime: rc.time,
      requestTimeEpoch: rc.timeEpoch,
      resourceId: target.routeKey,
      resourcePath: resource,
      stage: rc.stage,
    },
    pathParameters: target.pathParameters ?? null,
    stageVariables: target.stageVariables ?? null,
    body: parts.body ?? null,
    isBase64Encoded: parts.isBase64Encoded,
  };
}
