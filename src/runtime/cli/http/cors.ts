/**
 * CORS of an HTTP API (`CorsConfiguration`), as API Gateway applies it: it
 * answers preflight requests itself (no route needed) and puts the configured
 * headers on every answer to a request with an allowed `Origin`, in place of
 * whatever CORS headers the function returned.
 * @see https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-cors.html
 */
import { HttpResponse } from './response';

export interface CorsConfig {
  readonly allowOrigins: readonly string[];
  readonly allowMethods: readonly string[];
  readonly allowHeaders: readonly string[];
  readonly exposeHeaders: readonly string[];
  readonly maxAge?: number;
  readonly allowCredentials: boolean;
}

/** Reads `CorsConfiguration` of an `AWS::ApiGatewayV2::Api`; undefined when not set. */
export function readCors(value: unknown): CorsConfig | undefined {
  if (!value || typeof value !== 'object') return undefined;
  const v = value as Record<string, unknown>;
  const list = (x: unknown) => (Array.isArray(x) ? x.filter((s): s is string => typeof s === 'string') : []);
  return {
    allowOrigins: list(v.AllowOrigins),
    allowMethods: list(v.AllowMethods),
    allowHeaders: list(v.AllowHeaders),
    exposeHeaders: list(v.ExposeHeaders),
    maxAge: typeof v.MaxAge === 'number' ? v.MaxAge : undefined,
    allowCredentials: v.AllowCredentials === true,
  };
}

function allowedOrigin(cors: CorsConfig, origin: string): string | undefined {
  if (cors.allowOrigins.includes('*')) return cors.allowCredentials ? origin : '*';
  return cors.allowOrigins.some((o) => o.toLowerCase() === origin.toLowerCase()) ? origin : undefined;
}

/** True for a CORS preflight: OPTIONS with `Origin` and `Access-Control-Request-Method`. */
export function isPreflight(method: string, headers: Record<string, string>): boolean {
  return method === 'OPTIONS' && headers.origin !== undefined && headers['access-control-request-method'] !== undefined;
}

/** API Gateway's own answer to a preflight request. */
export function preflightResponse(cors: CorsConfig, headers: Record<string, string>): HttpResponse {
  const out: Record<string, string> = {};
  const origin = allowedOrigin(cors, headers.origin);
  if (origin) {
    out['access-control-allow-origin'] = origin;
    const method = headers['access-control-request-method'];
    out['access-control-allow-methods'] = cors.allowMethods.includes('*') ? method : cors.allowMethods.join(',');
    const requested = headers['access-control-request-headers'];
    if (cors.allowHeaders.includes('*') && requested) out['access-control-allow-headers'] = requested;
    else if (cors.allowHeaders.length > 0) out['access-control-allow-headers'] = cors.allowHeaders.join(',');
    if (cors.maxAge !== undefined) out['access-control-max-age'] = String(cors.maxAge);
    if (cors.allowCredentials) out['access-control-allow-credentials'] = 'true';
  }
  return { statusCode: 204, headers: out, body: Buffer.alloc(0) };
}

/** The configured CORS headers on an answer to a request from `origin` (the function's own CORS headers dropped). */
export function withCors(cors: CorsConfig, origin: string | undefined, response: HttpResponse): HttpResponse {
  const headers = Object.fromEntries(Object.entries(response.headers).filter(([name]) => !name.startsWith('access-control-')));
  const allowed = origin ? allowedOrigin(cors, origin) : undefined;
  if (allowed) {
    headers['access-control-allow-origin'] = allowed;
    if (cors.exposeHeaders.length > 0) headers['access-control-expose-headers'] = cors.exposeHeaders.join(',');
    if (cors.allowCredentials) headers['access-control-allow-credentials'] = 'true';
  }
  return { ...response, headers };
}
