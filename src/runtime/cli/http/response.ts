/**
 * Turning a function's result into the HTTP response API Gateway sends for
 * payload format 2.0 (and function URLs): a structured response
 * (`statusCode`, `headers`, `cookies`, `body`, `isBase64Encoded`), or the
 * inferred format when the result has no `statusCode` (200, JSON, the
 * result as the body).
 * @see https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-develop-integrations-lambda.html#http-api-develop-integrations-lambda.response
 */

export interface HttpResponse {
  readonly statusCode: number;
  /** header name → value; `set-cookie` may have several */
  readonly headers: Record<string, string | string[]>;
  readonly body: Buffer;
}

/** The answers API Gateway gives itself. */
export function gatewayError(statusCode: 400 | 401 | 403 | 404 | 500 | 501 | 503, message?: string): HttpResponse {
  const text = message ?? {
    400: 'Bad Request', 401: 'Unauthorized', 403: 'Forbidden', 404: 'Not Found', 500: 'Internal Server Error', 501: 'Not Implemented', 503: 'Service Unavailable',
  }[statusCode];
  return { statusCode, headers: { 'content-type': 'application/json' }, body: Buffer.from(JSON.stringify({ message: text })) };
}

/** Why a structured response is invalid, or undefined. */
function invalid(r: Record<string, unknown>): string | undefined {
  const status = r.statusCode;
  const code = typeof status === 'string' && /^\d+$/.test(status) ? Number(status) : status;
  if (typeof code !== 'number' || !Number.isInteger(code) || code < 100 || code > 599) return `statusCode ${JSON.stringify(status)} is not an HTTP status`;
  if (r.headers !== undefined && r.headers !== null && (typeof r.headers !== 'object' || Array.isArray(r.headers))) return 'headers is not an object';
  if (r.cookies !== undefined && r.cookies !== null && !Array.isArray(r.cookies)) return 'cookies is not an array';
  if (r.body !== undefined && r.body !== null && typeof r.body !== 'string') return 'body is not a string';
  return undefined;
}

/** Adds values to a (possibly repeated) header. */
function appendHeader(headers: Record<string, string | string[]>, name: string, values: string[]): void {
  const existing = headers[name];
  headers[name] = [...(existing === undefined ? [] : [existing].flat()), ...values];
}

/**
 * A structured response: checked, headers lowercased (plus what `more` adds
 * from the format's own fields), the body decoded when base64. Invalid → 500.
 */
function structured(
  r: Record<string, unknown>,
  onInvalid: (why: string) => void,
  more: (headers: Record<string, string | string[]>, r: Record<string, unknown>) => void,
): HttpResponse {
  const why = invalid(r);
  if (why) {
    onInvalid(why);
    return gatewayError(500);
  }
  const headers: Record<string, string | string[]> = {};
  for (const [name, v] of Object.entries((r.headers ?? {}) as Record<string, unknown>)) {
    if (v !== null && v !== undefined) headers[name.toLowerCase()] = String(v);
  }
  more(headers, r);
  const bodyText = typeof r.body === 'string' ? r.body : '';
  return { statusCode: Number(r.statusCode), headers, body: Buffer.from(bodyText, r.isBase64Encoded === true ? 'base64' : 'utf8') };
}

/**
 * Maps the function's response payload (its JSON text) to the HTTP response.
 * `onInvalid` hears why a structured response was rejected (500, as API Gateway answers).
 */
export function mapResponse(payload: Buffer | string, onInvalid: (why: string) => void = () => undefined): HttpResponse {
  const text = Buffer.isBuffer(payload) ? payload.toString('utf8') : payload;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    // not JSON: the text is the body
    return { statusCode: 200, headers: { 'content-type': 'application/json' }, body: Buffer.from(text) };
  }
  if (value && typeof value === 'object' && !Array.isArray(value) && 'statusCode' in value) {
    return structured(value as Record<string, unknown>, onInvalid, (headers, r) => {
      const cookies = ((r.cookies ?? []) as unknown[]).map(String);
      if (cookies.length > 0) appendHeader(headers, 'set-cookie', cookies);
    });
  }
  // inferred: a plain value is the body; a string is the body as it is
  const body = typeof value === 'string' ? value : text;
  return { statusCode: 200, headers: { 'content-type': 'application/json' }, body: Buffer.from(body) };
}

/**
 * Maps a payload 1.0 response: it must be structured (`statusCode`,
 * `headers`, `multiValueHeaders`, `body`, `isBase64Encoded`); there is no
 * inferred format, so anything else is a 500.
 */
export function mapResponseV1(payload: Buffer | string, onInvalid: (why: string) => void = () => undefined): HttpResponse {
  let value: unknown;
  try {
    value = JSON.parse(Buffer.isBuffer(payload) ? payload.toString('utf8') : payload);
  } catch {
    onInvalid('the response is not JSON (payload format 1.0 has no inferred format)');
    return gatewayError(500);
  }
  if (!value || typeof value !== 'object' || Array.isArray(value) || !('statusCode' in value)) {
    onInvalid('the response has no statusCode (payload format 1.0 has no inferred format)');
    return gatewayError(500);
  }
  return structured(value as Record<string, unknown>, onInvalid, (headers, r) => {
    for (const [name, v] of Object.entries((r.multiValueHeaders ?? {}) as Record<string, unknown>)) {
      if (Array.isArray(v)) appendHeader(headers, name.toLowerCase(), v.map(String));
    }
  });
}
