/**
 * The Runtime API (2018-06-01) of one execution environment: the HTTP server
 * a runtime polls at `AWS_LAMBDA_RUNTIME_API`. It hands out one invocation at
 * a time (or, for a function on a capacity provider, as many at once as its
 * `AWS_LAMBDA_MAX_CONCURRENCY`: each `next` waiting gets one, further `next`
 * calls wait) and collects each one's response or error by request id; it
 * knows nothing of processes (see environment.ts for that).
 *
 * Paths, headers, status codes and error bodies follow the AWS documentation
 * and the Runtime Interface Emulator:
 * - `GET  /2018-06-01/runtime/invocation/next`            blocks until an event
 * - `POST /2018-06-01/runtime/invocation/{id}/response`   202, or 400 InvalidRequestID, 413 RequestEntityTooLarge;
 *   with `Lambda-Runtime-Function-Response-Mode: streaming` a chunked, streamed
 *   response (streaming.ts); another mode is 400 InvalidFunctionResponseMode and
 *   the invocation's error `Runtime.InvalidResponseModeHeader`
 * - `POST /2018-06-01/runtime/invocation/{id}/error`      202, or 400 InvalidRequestID
 * - `POST /2018-06-01/runtime/init/error`                 202, or 403 InvalidStateTransition after init
 */
import { performance } from 'node:perf_hooks';
import { apiErrors, invalidResponseModeError, oversizedResponseError, PlatformError, truncatedResponseError } from './errors';
import { headerSafe, Http1Request, Http1Response, Http1Server, JSON_TYPE, sendJson } from './http1-server';
import { Invocation, InvocationOutcome } from './invocation';
import { MAX_RESPONSE_BYTES, RUNTIME_API_VERSION } from './limits';
import { receiveStream } from './streaming';

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
const ACCEPTED = Buffer.from(JSON.stringify({ status: 'OK' }));

export class RuntimeApi {
  private readonly server: Http1Server;
  private state: State = 'Initializing';
  /** invocations given to deliver() and not yet handed out, in order */
  private readonly queued: Invocation[] = [];
  /** invocations handed out to the runtime and not yet answered, by request id */
  private readonly inFlight = new Map<string, Invocation>();
  /** `next` requests waiting for an event, in order */
  private readonly waiting: Http1Response[] = [];

  /**
   * @param capacity invocations in progress at once: 1 (Lambda's default), or
   * the `AWS_LAMBDA_MAX_CONCURRENCY` of a function on a capacity provider
   */
  constructor(private readonly hooks: RuntimeApiHooks, private readonly capacity = 1) {
    // `next` may wait for minutes: this server has no request or idle timeouts
    this.server = new Http1Server((req, res) => this.route(req, res), MAX_RESPONSE_BYTES);
  }

  /** Starts listening on 127.0.0.1 and returns `host:port` for `AWS_LAMBDA_RUNTIME_API`. */
  public async listen(port = 0): Promise<string> {
    return `127.0.0.1:${await this.server.listen(port, '127.0.0.1')}`;
  }

  /**
   * Hands `invocation` to the runtime: at once if a `next` is waiting, else
   * at its next `next`. At most `capacity` invocations at a time.
   */
  public deliver(invocation: Invocation): void {
    if (this.queued.length + this.inFlight.size >= this.capacity) {
      throw new Error(`RuntimeApi: ${this.capacity} invocation(s) already in progress`);
    }
    this.queued.push(invocation);
    const res = this.waiting.shift();
    if (res) this.send(res);
  }

  /** Forgets an invocation (its answer came from the platform: timeout, exit); all of them when none is named. */
  public abandon(invocation?: Invocation): void {
    if (invocation === undefined) {
      this.queued.length = 0;
      this.inFlight.clear();
    } else {
      this.inFlight.delete(invocation.requestId);
      const at = this.queued.indexOf(invocation);
      if (at >= 0) this.queued.splice(at, 1);
    }
    if (this.state === 'Invoking' && this.inFlight.size === 0) this.state = 'Ready';
  }

  /** Stops the server and drops any connection (a waiting `next` included). */
  public close(): Promise<void> {
    this.state = 'Closed';
    this.queued.length = 0;
    this.inFlight.clear();
    this.waiting.length = 0;
    return this.server.close();
  }

  private route(req: Http1Request, res: Http1Response): void {
    const path = req.path;
    if (!path.startsWith(PREFIX)) return sendJson(res, 404, apiErrors.notFound(path));
    const rest = path.slice(PREFIX.length);
    const method = req.method;

    if (rest === 'invocation/next') {
      return method === 'GET' ? this.next(res) : this.notAllowed(req, res, path, 'GET');
    }
    if (rest === 'init/error') {
      return method === 'POST' ? this.initError(req, res) : this.notAllowed(req, res, path, 'POST');
    }
    const match = /^invocation\/([^/]+)\/(response|error)$/.exec(rest);
    if (match) {
      if (method !== 'POST') return this.notAllowed(req, res, path, 'POST');
      let id: string;
      try {
        id = decodeURIComponent(match[1]);
      } catch {
        return sendJson(res, 400, apiErrors.invalidRequestId);
      }
      return this.answer(req, res, id, match[2] as 'response' | 'error');
    }
    sendJson(res, 404, apiErrors.notFound(path));
  }

  private notAllowed(req: Http1Request, res: Http1Response, path: string, allow: string): void {
    sendJson(res, 405, apiErrors.methodNotAllowed(req.method, path), `Allow: ${allow}\r\n`);
  }

  private next(res: Http1Response): void {
    if (this.state === 'Closed') return sendJson(res, 403, apiErrors.invalidState(this.state, 'Ready'));
    // one at a time: a second `next` while one waits or an event is out is a state error;
    // with a capacity above 1 (Managed Instances) the runtime's workers each wait in `next`
    if (this.capacity === 1 && (this.waiting.length > 0 || this.inFlight.size > 0)) {
      return sendJson(res, 403, apiErrors.invalidState(this.waiting.length > 0 ? 'Ready' : 'Invoking', 'Ready'));
    }
    const first = this.state === 'Initializing';
    if (this.inFlight.size === 0) this.state = 'Ready';
    if (first) this.hooks.onReady();
    if (this.queued.length > 0) return this.send(res);
    this.waiting.push(res);
    res.onClose = () => {
      const at = this.waiting.indexOf(res);
      if (at >= 0) this.waiting.splice(at, 1);
    };
  }

  /** Writes the first queued invocation as the answer to `next`. */
  private send(res: Http1Response): void {
    const invocation = this.queued.shift()!;
    this.inFlight.set(invocation.requestId, invocation);
    this.state = 'Invoking';
    invocation.deadlineMs = Date.now() + invocation.timeoutMs;
    let head = `${JSON_TYPE}Lambda-Runtime-Aws-Request-Id: ${invocation.requestId}\r\n`
      + `Lambda-Runtime-Deadline-Ms: ${invocation.deadlineMs}\r\n`
      + `Lambda-Runtime-Invoked-Function-Arn: ${invocation.invokedFunctionArn}\r\n`
      + `Lambda-Runtime-Trace-Id: ${invocation.traceId}\r\n`;
    if (invocation.clientContext !== undefined) head += `Lambda-Runtime-Client-Context: ${headerSafe(invocation.clientContext)}\r\n`;
    if (invocation.cognitoIdentity !== undefined) head += `Lambda-Runtime-Cognito-Identity: ${headerSafe(invocation.cognitoIdentity)}\r\n`;
    if (invocation.tenantId !== undefined) head += `Lambda-Runtime-Aws-Tenant-Id: ${headerSafe(invocation.tenantId)}\r\n`;
    invocation.startedAt = performance.now();
    res.send(200, head, invocation.payload);
    this.hooks.onDelivered(invocation);
  }

  private answer(req: Http1Request, res: Http1Response, id: string, kind: 'response' | 'error'): void {
    const invocation = this.inFlight.get(id);
    if (!invocation) return sendJson(res, 400, apiErrors.invalidRequestId);
    // claim the invocation before reading, so a second answer gets 400
    this.inFlight.delete(id);
    if (this.inFlight.size === 0) this.state = 'Ready';
    const mode = kind === 'response' ? req.headers['lambda-runtime-function-response-mode'] : undefined;
    if (mode !== undefined) {
      if (mode === 'streaming') return receiveStream(req, res, invocation, (outcome) => this.hooks.onOutcome(invocation, outcome));
      this.platformOutcome(invocation, invalidResponseModeError(invocation.requestId, mode));
      return sendJson(res, 400, apiErrors.invalidResponseMode);
    }
    req.whenComplete(() => {
      if (req.overflow) {
        this.platformOutcome(invocation, oversizedResponseError(req.size));
        return sendJson(res, 413, apiErrors.tooLarge);
      }
      res.send(202, JSON_TYPE, ACCEPTED);
      if (kind === 'response') {
        this.hooks.onOutcome(invocation, { kind, body: req.body, contentType: req.headers['content-type'] });
      } else {
        const errorType = req.headers['lambda-runtime-function-error-type'] ?? 'Function.Unknown';
        this.hooks.onOutcome(invocation, { kind, body: req.body, errorType, platform: false });
      }
    }, (err) => this.platformOutcome(invocation, truncatedResponseError(invocation.requestId, err.message)));
  }

  private platformOutcome(invocation: Invocation, error: PlatformError): void {
    this.hooks.onOutcome(invocation, {
      kind: 'error', body: Buffer.from(JSON.stringify(error)), errorType: error.errorType, platform: true,
    });
  }

  private initError(req: Http1Request, res: Http1Response): void {
    if (this.state !== 'Initializing') {
      return sendJson(res, 403, apiErrors.invalidState(this.state, 'InitError'));
    }
    req.whenComplete(() => {
      res.send(202, JSON_TYPE, ACCEPTED);
      const errorType = req.headers['lambda-runtime-function-error-type'] ?? 'Runtime.Unknown';
      this.hooks.onInitError(req.body, errorType);
    }, () => undefined); // the runtime went away mid-request; its exit is reported instead
  }
}

