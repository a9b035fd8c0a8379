/**
 * The Runtime API (2018-06-01) of one execution environment: the HTTP server
 * a runtime polls at `AWS_LAMBDA_RUNTIME_API`. It hands out one invocation at
 * a time and collects its response or error; it knows nothing of processes
 * (see environment.ts for that).
 *
 * Paths, headers, status codes and error bodies follow the AWS documentation
 * and the Runtime Interface Emulator:
 * - `GET  /2018-06-01/runtime/invocation/next`            blocks until an event
 * - `POST /2018-06-01/runtime/invocation/{id}/response`   202, or 400 InvalidRequestID, 413 RequestEntityTooLarge
 * - `POST /2018-06-01/runtime/invocation/{id}/error`      202, or 400 InvalidRequestID
 * - `POST /2018-06-01/runtime/init/error`                 202, or 403 InvalidStateTransition after init
 */
import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import { apiErrors, oversizedResponseError, PlatformError, truncatedResponseError } from './errors';
import { readBody, sendJson } from './http-util';
import { Invocation, InvocationOutcome } from './invocation';
import { MAX_RESPONSE_BYTES, RUNTIME_API_VERSION } from './limits';

/** What the Runtime API tells its owner. */
export interface RuntimeApiHooks {
  /** The runtime called `next` for the first time: its init is over. */
  onReady(): void;
  /** The event of `invocation` went out to the runtime: its deadline runs from now. */
  onDelivered(invocation: Invocation): void;
  /** The runtime posted `init/error`. */
  onInitError(body: Buffer, errorType: string): void;
  /** The current invocation has its answer. */
  onOutcome(invocation: Invocation, outcome: InvocationOutcome): void;
}

type State = 'Initializing' | 'Ready' | 'Invoking' | 'Closed';

const PREFIX = `/${RUNTIME_API_VERSION}/runtime/`;
const ACCEPTED = JSON.stringify({ status: 'OK' });
const ACCEPTED_HEADERS = { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(ACCEPTED) };

export class RuntimeApi {
  private readonly server: Server;
  private state: State = 'Initializing';
  /** the invocation handed out (or queued to be handed out) and not yet answered */
  private current: Invocation | undefined;
  private delivered = false;
  /** a `next` request waiting for an event */
  private waiting: ServerResponse | undefined;

  constructor(private readonly hooks: RuntimeApiHooks) {
    this.server = createServer((req, res) => this.route(req, res));
    // `next` may wait for minutes: no request or idle timeouts on this server
    this.server.requestTimeout = 0;
    this.server.keepAliveTimeout = 0;
    this.server.headersTimeout = 0;
  }

  /** Starts listening on 127.0.0.1 and returns `host:port` for `AWS_LAMBDA_RUNTIME_API`. */
  public async listen(port = 0): Promise<string> {
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(port, '127.0.0.1', () => resolve());
    });
    const address = this.server.address() as AddressInfo;
    return `127.0.0.1:${address.port}`;
  }

  /**
   * Hands `invocation` to the runtime: at once if it is waiting in `next`,
   * else when it next calls it. One invocation at a time.
   */
  public deliver(invocation: Invocation): void {
    if (this.current) throw new Error(`RuntimeApi: invocation ${this.current.requestId} is still in progress`);
    this.current = invocation;
    this.delivered = false;
    if (this.waiting) this.send(this.waiting);
  }

  /** Forgets the current invocation (its answer came from the platform: timeout, exit). */
  public abandon(): void {
    this.current = undefined;
    if (this.state === 'Invoking') this.state = 'Ready';
  }

  /** Stops the server and drops any connection (a waiting `next` included). */
  public close(): Promise<void> {
    this.state = 'Closed';
    this.current = undefined;
    this.waiting = undefined;
    return new Promise((resolve) => {
      this.server.close(() => resolve());
      this.server.closeAllConnections();
    });
  }

  private route(req: IncomingMessage, res: ServerResponse): void {
    const path = (req.url ?? '').split('?')[0];
    if (!path.startsWith(PREFIX)) return sendJson(res, 404, apiErrors.notFound(path));
    const rest = path.slice(PREFIX.length);
    const method = req.method ?? '';

    if (rest === 'invocation/next') {
      return method === 'GET' ? this.next(req, res) : this.notAllowed(req, res, path, 'GET');
    }
    if (rest === 'init/error') {
      return method === 'POST' ? void this.initError(req, res) : this.notAllowed(req, res, path, 'POST');
    }
    const match = /^invocation\/([^/]+)\/(response|error)$/.exec(rest);
    if (match) {
      if (method !== 'POST') return this.notAllowed(req, res, path, 'POST');
      return void this.answer(req, res, decodeURIComponent(match[1]), match[2] as 'response' | 'error');
    }
    req.resume();
    sendJson(res, 404, apiErrors.notFound(path));
  }

  private notAllowed(req: IncomingMessage, res: ServerResponse, path: string, allow: string): void {
    req.resume();
    sendJson(res, 405, apiErrors.methodNotAllowed(req.method ?? '', path), { Allow: allow });
  }

  private next(req: IncomingMessage, res: ServerResponse): void {
    req.resume();
    if (this.state === 'Closed') return sendJson(res, 403, apiErrors.invalidState(this.state, 'Ready'));
    if (this.waiting || (this.current && this.delivered)) {
      return sendJson(res, 403, apiErrors.invalidState(this.waiting ? 'Ready' : 'Invoking', 'Ready'));
    }
    const first = this.state === 'Initializing';
    this.state = 'Ready';
    if (first) this.hooks.onReady();
    if (this.current && !this.delivered) return this.send(res);
    this.waiting = res;
    res.on('close', () => {
      if (this.waiting === res) this.waiting = undefined;
    });
  }

  /** Writes the current invocation as the answer to `next`. */
  private send(res: ServerResponse): void {
    const invocation = this.current!;
    this.waiting = undefined;
    this.delivered = true;
    this.state = 'Invoking';
    invocation.deadlineMs = Date.now() + invocation.timeoutMs;
    const headers: Record<string, string | number> = {
      'Content-Type': 'application/json',
      'Content-Length': invocation.payload.length,
      'Lambda-Runtime-Aws-Request-Id': invocation.requestId,
      'Lambda-Runtime-Deadline-Ms': invocation.deadlineMs,
      'Lambda-Runtime-Invoked-Function-Arn': invocation.invokedFunctionArn,
      'Lambda-Runtime-Trace-Id': invocation.traceId,
    };
    if (invocation.clientContext !== undefined) headers['Lambda-Runtime-Client-Context'] = invocation.clientContext;
    if (invocation.cognitoIdentity !== undefined) headers['Lambda-Runtime-Cognito-Identity'] = invocation.cognitoIdentity;
    if (invocation.tenantId !== undefined) headers['Lambda-Runtime-Aws-Tenant-Id'] = invocation.tenantId;
    invocation.startedAt = performance.now();
    res.writeHead(200, headers);
    res.end(invocation.payload);
    this.hooks.onDelivered(invocation);
  }

  private async answer(req: IncomingMessage, res: ServerResponse, id: string, kind: 'response' | 'error'): Promise<void> {
    const invocation = this.current;
    if (!invocation || !this.delivered || invocation.requestId !== id) {
      req.resume();
      return sendJson(res, 400, apiErrors.invalidRequestId);
    }
    // claim the invocation before reading, so a second answer gets 400
    this.current = undefined;
    this.state = 'Ready';
    let read;
    try {
      read = await readBody(req, MAX_RESPONSE_BYTES);
    } catch (err) {
      return this.platformOutcome(invocation, truncatedResponseError(invocation.requestId, (err as Error).message));
    }
    const { body, size, overflow } = read;
    if (overflow) {
      this.platformOutcome(invocation, oversizedResponseError(size));
      return sendJson(res, 413, apiErrors.tooLarge);
    }
    res.writeHead(202, ACCEPTED_HEADERS);
    res.end(ACCEPTED);
    if (kind === 'response') {
      this.hooks.onOutcome(invocation, { kind, body, contentType: req.headers['content-type'] });
    } else {
      const errorType = headerValue(req.headers['lambda-runtime-function-error-type']) ?? 'Function.Unknown';
      this.hooks.onOutcome(invocation, { kind, body, errorType, platform: false });
    }
  }

  private platformOutcome(invocation: Invocation, error: PlatformError): void {
    this.hooks.onOutcome(invocation, {
      kind: 'error', body: Buffer.from(JSON.stringify(error)), errorType: error.errorType, platform: true,
    });
  }

  private async initError(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (this.state !== 'Initializing') {
      req.resume();
      return sendJson(res, 403, apiErrors.invalidState(this.state, 'InitError'));
    }
    let body: Buffer;
    try {
      ({ body } = await readBody(req, MAX_RESPONSE_BYTES));
    } catch {
      return; // the runtime went away mid-request; its exit is reported instead
    }
    sendJson(res, 202, { status: 'OK' });
    const errorType = headerValue(req.headers['lambda-runtime-function-error-type']) ?? 'Runtime.Unknown';
    this.hooks.onInitError(body, errorType);
  }
}

function headerValue(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}
