/**
 * The Invoke API endpoint, like the Runtime Interface Emulator's:
 * `POST /2015-03-31/functions/{name}/invocations`.
 *
 * - `X-Amz-Invocation-Type`: `RequestResponse` (default) answers 200 with the
 *   result, or the error document with `X-Amz-Function-Error: Unhandled`;
 *   `Event` answers 202 and runs it in the background; `DryRun` answers 204.
 * - `X-Amz-Log-Type: Tail` adds `X-Amz-Log-Result` (last 4 KB of log, base64).
 * - `X-Amz-Client-Context` (base64 JSON) becomes `context.clientContext`.
 * - `POST /2021-11-15/functions/{name}/response-streaming-invocations`
 *   (InvokeWithResponseStream) answers with AWS's event-stream framing as the
 *   function streams (streaming.ts); `RequestResponse` and `DryRun` only.
 * - Service errors are Lambda's: 404 ResourceNotFoundException, 413
 *   RequestEntityTooLargeException, 400 InvalidRequestContentException.
 */
import { randomUUID } from 'node:crypto';
import { InvokeRequest, InvokeResult } from './environment';
import { headerSafe, Http1Request, Http1Response, sendJson } from './http1-server';
import { ACCOUNT_ID, DEFAULT_REGION, INVOKE_API_VERSION, MAX_REQUEST_BYTES, STREAMING_INVOKE_API_VERSION } from './limits';
import { EventStreamWriter } from './streaming';

/** What the endpoint needs from the emulator. */
export interface InvokeTarget {
  has(name: string): boolean;
  invoke(name: string, request: InvokeRequest): Promise<InvokeResult>;
  /** Where background (`Event`) invocation failures go. */
  reportBackgroundError(name: string, error: unknown): void;
}

const PATH = new RegExp(`^/${INVOKE_API_VERSION}/functions/([^/]+)/invocations$`);
const STREAMING_PATH = new RegExp(`^/${STREAMING_INVOKE_API_VERSION}/functions/([^/]+)/response-streaming-invocations$`);
const EMPTY_EVENT = Buffer.from('{}');

/** Serves one request of the Invoke API (on the emulator's Http1Server, see http1-server.ts). */
export async function handleInvoke(target: InvokeTarget, req: Http1Request, res: Http1Response): Promise<void> {
  const path = req.path;
  const streamingMatch = STREAMING_PATH.exec(path);
  const match = streamingMatch ?? PATH.exec(path);
  if (!match) {
    return serviceError(res, 404, 'UnknownOperationException', `No operation at ${req.method} ${path}`);
  }
  if (req.method !== 'POST') {
    return serviceError(res, 405, 'MethodNotAllowedException', `Method ${req.method} is not allowed on ${path}`, 'Allow: POST\r\n');
  }
  const name = functionName(decodeURIComponent(match[1]));
  if (!target.has(name)) {
    return serviceError(res, 404, 'ResourceNotFoundException',
      `Function not found: arn:aws:lambda:${DEFAULT_REGION}:${ACCOUNT_ID}:function:${name}`);
  }

  if (!req.complete) {
    try {
      await new Promise<void>((resolve, reject) => req.whenComplete(resolve, reject));
    } catch {
      return; // the caller went away
    }
  }
  if (req.overflow) {
    return serviceError(res, 413, 'RequestEntityTooLargeException',
      `${req.size} byte payload is too large for the RequestResponse invocation type (limit ${MAX_REQUEST_BYTES} bytes)`);
  }
  const payload = req.body.length === 0 ? EMPTY_EVENT : req.body;
  try {
    JSON.parse(payload.toString());
  } catch (err) {
    return serviceError(res, 400, 'InvalidRequestContentException', `Could not parse request body into json: ${(err as Error).message}`);
  }

  const headers = req.headers;
  let clientContext: string | undefined;
  const encoded = headers['x-amz-client-context'];
  if (encoded) {
    clientContext = Buffer.from(encoded, 'base64').toString();
    try {
      JSON.parse(clientContext);
    } catch {
      return serviceError(res, 400, 'InvalidRequestContentException', 'Client context must be a valid Base64-encoded JSON object.');
    }
  }
  const tail = headers['x-amz-log-type'] === 'Tail';
  const request: InvokeRequest = {
    payload,
    clientContext,
    traceId: headers['x-amzn-trace-id'],
    tenantId: headers['x-amz-tenant-id'],
    // the log tail (with Max Memory Used in its REPORT line) is only made when it is asked for
    report: tail,
  };

  const type = headers['x-amz-invocation-type'] ?? 'RequestResponse';
  if (type === 'DryRun') return res.send(204, '');
  if (streamingMatch) {
    if (type !== 'RequestResponse') return serviceError(res, 400, 'InvalidParameterValueException', `Unsupported invocation type: ${type}`);
    return streamInvoke(target, name, { ...request, requestId: randomUUID() }, res, tail);
  }
  if (type === 'Event') {
    res.send(202, '');
    target.invoke(name, request).catch((err) => target.reportBackgroundError(name, err));
    return;
  }
  if (type !== 'RequestResponse') {
    return serviceError(res, 400, 'InvalidParameterValueException', `Unsupported invocation type: ${type}`);
  }

  const result = await target.invoke(name, request);
  let head = `Content-Type: ${headerSafe(result.contentType ?? 'application/json')}\r\nX-Amz-Executed-Version: $LATEST\r\nX-Amzn-RequestId: ${headerSafe(result.requestId)}\r\n`;
  if (result.functionError) head += `X-Amz-Function-Error: ${result.functionError}\r\n`;
  if (tail) head += `X-Amz-Log-Result: ${Buffer.from(result.logTail).toString('base64')}\r\n`;
  if (!res.finished) res.send(200, head, result.payload);
}

/** InvokeWithResponseStream: event-stream messages as the function streams, then InvokeComplete. */
async function streamInvoke(target: InvokeTarget, name: string, request: InvokeRequest, res: Http1Response, tail: boolean): Promise<void> {
  const writer = new EventStreamWriter(res, `X-Amz-Executed-Version: $LATEST\r\nX-Amzn-RequestId: ${headerSafe(request.requestId!)}\r\n`);
  const result = await target.invoke(name, { ...request, onStream: writer });
  // a function that does not stream answers in one chunk, as Lambda does
  if (!result.streamed && !result.functionError) {
    writer.start(result.contentType ?? 'application/json');
    writer.chunk(result.payload);
  }
  const logResult = tail ? Buffer.from(result.logTail).toString('base64') : undefined;
  writer.complete(result.functionError
    ? { errorCode: result.errorType, errorDetails: result.payload.toString(), logResult }
    : { logResult });
}

/** `name`, `name:qualifier` or a function ARN → the function name. */
function functionName(raw: string): string {
  if (raw.startsWith('arn:')) return raw.split(':')[6] ?? raw;
  return raw.split(':')[0];
}

function serviceError(res: Http1Response, status: number, type: string, message: string, headLines = ''): void {
  sendJson(res, status, { Type: 'User', message }, `x-amzn-ErrorType: ${type}\r\n${headLines}`);
}
