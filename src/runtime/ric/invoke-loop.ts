/**
 * The runtime's loop: get the next event, run the handler, post its result
 * or error, forever. Handler styles follow the managed Node.js runtime:
 *
 * - a returned promise (async handler) settles the invocation at once;
 * - `callback(err, result)` settles it when the event loop is empty
 *   (`context.callbackWaitsForEmptyEventLoop`, default true) or at once when
 *   that flag is false; an error is posted at once;
 * - `context.done/succeed/fail` settle it at once;
 * - when nothing settles it and nothing is left to run: `null` for a plain
 *   function, `Runtime.NodeJsExit` for an async one.
 *
 * An uncaught exception or unhandled rejection is posted as the invocation's
 * error (or as the init error before the first event) and ends the process,
 * as in the managed runtime (exit codes 129 and 128).
 */
import { buildContext } from './context';
import { nodeJsExit, toErrorDocument, unhandledPromiseRejection } from './errors';
import { Handler } from './handler-loader';
import { logRuntimeError, setLogRequestId } from './log-format';
import { NextInvocation, RuntimeApiClient } from './runtime-api-client';
import { isStreamingHandler } from './stream/streamify';
import { runStreamingInvocation } from './stream/streaming-invoke';

const TRACE_ENV = '_X_AMZN_TRACE_ID';

export class InvokeLoop {
  private handler: Handler | undefined;
  private handlerIsAsync = false;
  /** made by awslambda.streamifyResponse: see stream/streaming-invoke.ts */
  private streaming = false;
  private currentRequestId: string | undefined;
  /** what to do when the event loop runs empty during an invocation */
  private onEmptyEventLoop: (() => void) | undefined;
  private readonly canWaitForEmptyLoop = typeof process !== 'undefined' && typeof process.on === 'function';

  constructor(private readonly client: RuntimeApiClient) {}

  /** Routes process-level failures to the Runtime API. Call before loading user code. */
  public installProcessHooks(): void {
    if (!this.canWaitForEmptyLoop) return;
    process.on('uncaughtException', (error) => this.fatal('Uncaught Exception', error, 129));
    process.on('unhandledRejection', (reason) => this.fatal('Unhandled Promise Rejection', unhandledPromiseRejection(reason), 128));
    process.on('beforeExit', () => {
      const action = this.onEmptyEventLoop;
      this.onEmptyEventLoop = undefined;
      action?.();
    });
  }

  /** Reports an init failure (before the first `next`) and ends the process. */
  public async failInit(error: unknown): Promise<never> {
    const document = toErrorDocument(error);
    logRuntimeError('Init Error', error, document);
    await this.client.initError(document);
    process.exit(129);
  }

  /** Serves invocations with `handler` until the process ends. */
  public async run(handler: Handler): Promise<never> {
    this.handler = handler;
    this.handlerIsAsync = handler.constructor?.name === 'AsyncFunction';
    this.streaming = isStreamingHandler(handler);
    for (;;) {
      const invocation = await this.client.next();
      await this.handleOne(invocation);
    }
  }

  private handleOne(invocation: NextInvocation): Promise<void> {
    const handler = this.handler!;
    const requestId = invocation.requestId;
    this.currentRequestId = requestId;
    setLogRequestId(requestId, invocation.header('lambda-runtime-aws-tenant-id'));
    const trace = invocation.header('lambda-runtime-trace-id');
    if (trace) process.env[TRACE_ENV] = trace;
    else delete process.env[TRACE_ENV];
    if (this.streaming) return this.handleStreaming(invocation);

    return new Promise<void>((resolve) => {
      let settled = false;
      let waitsForEmptyLoop = true;

      const post = (error: unknown, result: unknown): void => {
        this.onEmptyEventLoop = undefined;
        this.currentRequestId = undefined;
        this.postOutcome(requestId, error, result).then(resolve, (err) => {
          console.error('Runtime API unreachable', err);
          process.exit(1);
        });
      };
      const done = (error: unknown, result?: unknown): void => {
        if (settled) return;
        settled = true;
        post(error, result);
      };
      const callback = (error?: unknown, result?: unknown): void => {
        if (settled) return;
        if ((error !== undefined && error !== null) || !waitsForEmptyLoop || !this.canWaitForEmptyLoop) {
          return done(error, result);
        }
        settled = true;
        this.onEmptyEventLoop = () => setImmediate(() => post(null, result));
      };

      const isAsync = this.handlerIsAsync;
      this.onEmptyEventLoop = () => done(isAsync ? nodeJsExit() : null, null);

      try {
        const context = buildContext(invocation, {
          done,
          getWaitsForEmptyEventLoop: () => waitsForEmptyLoop,
          setWaitsForEmptyEventLoop: (value) => { waitsForEmptyLoop = value; },
        });
        const result = handler(JSON.parse(invocation.body), context, callback) as PromiseLike<unknown> | undefined;
        if (result && typeof result.then === 'function') {
          result.then((value) => done(null, value), (error) => done(error ?? 'handled'));
        }
      } catch (error) {
        callback(error);
      }
    });
  }

  private async handleStreaming(invocation: NextInvocation): Promise<void> {
    const handler = this.handler!;
    try {
      const closed = () => { throw new Error('A streaming handler ends its response stream; context.done/succeed/fail are not for it.'); };
      const context = buildContext(invocation, { done: closed, getWaitsForEmptyEventLoop: () => false, setWaitsForEmptyEventLoop: () => undefined });
      await runStreamingInvocation(this.client.address!, invocation.requestId, handler as never, JSON.parse(invocation.body), context);
    } catch (err) {
      console.error('Runtime API unreachable', err);
      process.exit(1);
    }
    this.currentRequestId = undefined;
  }

  private postOutcome(requestId: string, error: unknown, result: unknown): Promise<void> {
    // no extra turn when nothing waits to be written (the usual case)
    if (outputPending()) return flushOutput().then(() => this.sendOutcome(requestId, error, result));
    try {
      return this.sendOutcome(requestId, error, result);
    } catch (err) {
      return Promise.reject(err);
    }
  }

  private sendOutcome(requestId: string, error: unknown, result: unknown): Promise<void> {
    if (error !== undefined && error !== null) {
      const document = toErrorDocument(error);
      logRuntimeError('Invoke Error', error, document);
      return this.client.invocationError(requestId, document);
    }
    let json: string;
    try {
      json = JSON.stringify(result === undefined ? null : result);
    } catch {
      return this.client.invocationError(requestId, toErrorDocument(new Error('Unable to stringify response body')));
    }
    return this.client.respond(requestId, json);
  }

  private fatal(what: string, error: unknown, exitCode: number): void {
    const document = toErrorDocument(error);
    logRuntimeError(what, error, document);
    const requestId = this.currentRequestId;
    const posted = requestId ? this.client.invocationError(requestId, document, true) : this.client.initError(document);
    void posted.finally(() => process.exit(exitCode));
  }
}

/** True when stdout or stderr holds output not yet handed to the system. */
function outputPending(): boolean {
  return (process.stdout?.writableLength ?? 0) > 0 || (process.stderr?.writableLength ?? 0) > 0;
}

/**
 * Waits until what the handler printed has left the process (a full pipe
 * makes writes asynchronous), so its log comes before the invocation's end.
 */
async function flushOutput(): Promise<void> {
  for (const stream of [process.stdout, process.stderr]) {
    if (stream && stream.writableLength > 0 && typeof stream.once === 'function') {
      // Hold the process up meanwhile: waiting for a full stdout pipe to
      // drain holds no referenced handle, and an empty event loop here would
      // end the process (exit 0) before it answers. (After this, the posting
      // request holds the loop through its connection.)
      const keepAlive = setInterval(() => undefined, 60_000);
      await new Promise<void>((resolve) => stream.once('drain', () => resolve()));
      clearInterval(keepAlive);
    }
  }
}
