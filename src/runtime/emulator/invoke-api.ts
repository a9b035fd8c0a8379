/**
 * The Invoke API endpoint, like the Runtime Interface Emulator's:
 * `POST /2015-03-31/functions/{name}/invocations`.
 *
 * - `X-Amz-Invocation-Type`: `RequestResponse` (default) answers 200 with the
 *   result, or the error document with `X-Amz-Function-Error: Unhandled`;
 *   `Event` answers 202 and runs it in the background; `DryRun` answers 204.
 * - `X-Amz-Log-Type: Tail` adds `X-Amz-Log-Result` (last 4 KB of log, base64).
 * - `X-Amz-Client-Context` (base64 JSON) becomes `context.clientContext`.
 * - Service errors are Lambda's: 404 ResourceNotFoundException, 413
 *   RequestEntityTooLargeException, 400 InvalidRequestContentException.
 */
import { IncomingMessage, ServerResponse } from 'node:http';
import { InvokeRequest, InvokeResult } from './environment';
import { readBody, sendJson } from './http-util';
import { ACCOUNT_ID, DEFAULT_REGION, INVOKE_API_VERSION, MAX_REQUEST_BYTES } from './limits';

/** What the endpoint needs from the emulator. */
export interface InvokeTarget {
  has(name: string): boolean;
  invoke(name: string, request: InvokeRequest): Promise<InvokeResult>;
  /** Where background (`Event`) invocation failures go. */
  reportBackgroundError(name: string, error: unknown): void;
}

const PATH = new RegExp(`^/${INVOKE_API_VERSION}/functions/([^/]+)/invocations$`);

export async function handleInvoke(target: InvokeTarget, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const path = (req.url ?? '').split('?')[0];
  const match = PATH.exec(path);
  if (!match) {
    req.resume();
    return serviceError(res, 404, 'UnknownOperationException', `No operation at ${req.method} ${path}`);
  }
  if (req.method !== 'POST') {
    req.resume();
    return serviceError(res, 405, 'MethodNotAllowedException', `Method ${req.method} is not allowed on ${path}`, { Allow: 'POST' });
  }
  const name = functionName(decodeURIComponent(match[1]));
  if (!target.has(name)) {
    req.resume();
    return serviceError(res, 404, 'ResourceNotFoundException',
      `Function not found: arn:aws:lambda:${DEFAULT_REGION}:${ACCOUNT_ID}:function:${name}`);
  }

  let read;
  try {
    read = await readBody(req, MAX_REQUEST_BYTES);
  } catch {
    return; // the caller went away
  }
  const { body, size, overflow } = read;
  if (overflow) {
    return serviceError(res, 413, 'RequestEntityTooLargeException',
      `${size} byte payload is too large for the RequestResponse invocation type (limit ${MAX_REQUEST_BYTES} bytes)`);
  }
  const payload = body.length === 0 ? Buffer.from('{}') : body;
  try {
    JSON.parse(payload.toString());
  } catch (err) {
    return serviceError(res, 400, 'InvalidRequestContentException', `Could not parse request body into json: ${(err as Error).message}`);
  }

  let clientContext: string | undefined;
  const encoded = header(req, 'x-amz-client-context');
  if (encoded) {
    clientContext = Buffer.from(encoded, 'base64').toString();
    try {
      JSON.parse(clientContext);
    } catch {
      return serviceError(res, 400, 'InvalidRequestContentException', 'Client context must be a valid Base64-encoded JSON object.');
    }
  }
  const request: InvokeRequest = {
    payload,
    clientContext,
    traceId: header(req, 'x-amzn-trace-id'),
    tenantId: header(req, 'x-amz-tenant-id'),
    // the log tail (with Max Memory Used in its REPORT line) is only made when it is asked for
    report: header(req, 'x-amz-log-type') === 'Tail',
  };

  const type = header(req, 'x-amz-invocation-type') ?? 'RequestResponse';
  if (type === 'DryRun') {
    res.writeHead(204);
    return void res.end();
  }
  if (type === 'Event') {
    res.writeHead(202, { 'Content-Length': 0 });
    res.end();
    target.invoke(name, request).catch((err) => target.reportBackgroundError(name, err));
    return;
  }
  if (type !== 'RequestResponse') {
    return serviceError(res, 400, 'InvalidParameterValueException', `Unsupported invocation type: ${type}`);
  }

  const result = await target.invoke(name, request);
  const headers: Record<string, string | number> = {
    'Content-Type': result.contentType ?? 'application/json',
    'Content-Length': result.payload.length,
    'X-Amz-Executed-Version': '$LATEST',
    'X-Amzn-RequestId': result.requestId,
  };
  if (result.functionError) headers['X-Amz-Function-Error'] = result.functionError;
  if (header(req, 'x-amz-log-type') === 'Tail') headers['X-Amz-Log-Result'] = Buffer.from(result.logTail).toString('base64');
  res.writeHead(200, headers);
  res.end(result.payload);
}

/** `name`, `name:qualifier` or a function ARN → the function name. */
function functionName(raw: string): string {
  if (raw.startsWith('arn:')) return raw.split(':')[6] ?? raw;
  return raw.split(':')[0];
}

function header(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

function serviceError(res: ServerResponse, status: number, type: string, message: string, headers: Record<string, string> = {}): void {
  sendJson(res, status, { Type: 'User', message }, { 'x-amzn-ErrorType': type, ...headers });
}
