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
 *
 * With AWS's client 4.x rules (nodejs24.x on, and Managed Instances: see
 * runtime-rules.ts followsRic4Rules) the handler is called as
 * `await handler(event, context)` with none of the above: its value or
 * error is the outcome, and Node.js's own handling of an uncaught exception,
 * an unhandled rejection or an empty event loop ends the process
 * (aws-lambda-ric 4.0.2 `dist/runtime/buffered-invoke-processor.js`,
 * `dist/runtime/lifecycle-manager.js`, `dist/index.js`).
 *
 * With `AWS_LAMBDA_MAX_CONCURRENCY` set (Lambda Managed Instances, which run
 * AWS's 4.x client on every Node.js runtime) the 4.x contract applies and
 * invocations overlap, as in each worker thread of AWS's client
 * (aws-lambda-ric 4.x src/runtime/runtime.ts `processMultiConcurrent`): the
 * next event is asked for as soon as one is handed to the handler, each
 * invocation runs in its own invoke-store context (request, trace and
 * tenant id), and `_X_AMZN_TRACE_ID` is left unset.
 */
import { buildContext } from './context';
import { jsonStringifyError, nodeJsExit, toErrorDocument, unhandledPromiseRejection } from './errors';
import { Handler } from './handler-loader';
import { InvokeStore, PROTECTED_KEYS } from './invoke-store';
import { logRuntimeError, setLogRequestId } from './log-format';
import { NextInvocation, RuntimeApiClient } from './runtime-api-client';
import { followsRic4Rules } from './runtime-rules';
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
  /** set once an uncaught exception or unhandled rejection ends the process */
  private ending = false;
  /** aws-lambda-ric 4.x's handler contract: nodejs24.x and later, and Managed Instances (runtime-rules.ts) */
  private readonly awaitedHandlers = followsRic4Rules();
  /** invocations overlap (runConcurrent) */
  private concurrent = false;

  constructor(private readonly client: RuntimeApiClient, private readonly store: InvokeStore = new InvokeStore()) {}

  /** Routes process-level failures to the Runtime API. Call before loading user code. */
  public installProcessHooks(): void {
    if (!this.canWaitForEmptyLoop || this.awaitedHandlers) return;
    process.on('uncaughtException', (error) => this.fatal('Uncaught Exception', error, 129));
    process.on('unhandledRejection', (reason, promise) => this.fatal('Unhandled Promise Rejection', unhandledPromiseRejection(reason, promise), 128));
    process.on('beforeExit', () => {
      const action = this.onEmptyEventLoop;
      this.onEmptyEventLoop = undefined;
      action?.();
    });
  }

  /**
   * Reports an init failure (before the first `next`) and ends the process:
   * logged as `Uncaught Exception`, exit 129, as 3.x's failed load reaches
   * its uncaughtException hook (aws-lambda-ric 3.3.0 `src/index.mjs`); from
   * with 4.x's rules (nodejs24.x on, Managed Instances) as `Init Error`, then the rejection ends Node.js (exit 1;
   * 4.0.2 `dist/utils/runtime-setup.js` createRuntime).
   */
  public async failInit(error: unknown): Promise<never> {
    logRuntimeError(this.awaitedHandlers ? 'Init Error' : 'Uncaught Exception', error);
    await this.client.initError(toErrorDocument(error, this.awaitedHandlers));
    process.exit(this.awaitedHandlers ? 1 : 129);
  }

  /**
   * Serves invocations with `handler` concurrently until the process ends:
   * the next event is asked for as soon as one is handed to the handler.
   */
  public async runConcurrent(handler: Handler): Promise<never> {
    this.use(handler);
    this.concurrent = true;
    for (;;) {
      const invocation = await this.client.next();
      setImmediate(() => void this.handleOne(invocation));
    }
  }

  /** Serves invocations with `handler` until the process ends. */
  public async run(handler: Handler): Promise<never> {
    this.use(handler);
    for (;;) {
      const invocation = await this.client.next();
      await this.handleOne(invocation);
    }
  }

  /**
   * The handler of every invocation, and how it is called: a streaming one
   * streams in both loops, as in AWS's client (4.0.2 `dist/runtime/runtime.js`
   * createProcessor, for processSingleConcurrent and processMultiConcurrent alike).
   */
  private use(handler: Handler): void {
    this.handler = handler;
    this.handlerIsAsync = handler.constructor?.name === 'AsyncFunction';
    this.streaming = isStreamingHandler(handler);
  }

  private handleOne(invocation: NextInvocation): Promise<void> {
    const handler = this.handler!;
    const requestId = invocation.requestId;
    const trace = invocation.header('lambda-runtime-trace-id');
    const tenantId = invocation.header('lambda-runtime-aws-tenant-id');
    const ids: Record<symbol, unknown> = { [PROTECTED_KEYS.REQUEST_ID]: requestId, [PROTECTED_KEYS.X_RAY_TRACE_ID]: trace };
    if (tenantId !== undefined) ids[PROTECTED_KEYS.TENANT_ID] = tenantId;
    // one process-wide variable cannot belong to overlapping invocations: the invoke store holds their ids
    if (this.concurrent) {
      return this.store.run(ids, () => (this.streaming ? this.handleStreaming(invocation) : this.handleAwaited(handler, invocation)));
    }
    this.currentRequestId = requestId;
    setLogRequestId(requestId, tenantId);
    if (trace) process.env[TRACE_ENV] = trace;
    else delete process.env[TRACE_ENV];
    // a streaming handler (awslambda.streamifyResponse) is awaited under both contracts
    if (this.streaming) return this.store.run(ids, () => this.handleStreaming(invocation));
    if (this.awaitedHandlers) return this.store.run(ids, () => this.handleAwaited(handler, invocation));
    this.store.run(ids, () => undefined);

    return new Promise<void>((resolve) => {
      let settled = false;
      let waitsForEmptyLoop = true;

      const post = (error: unknown, result: unknown): void => {
        // the process is ending on an uncaught exception or unhandled rejection, which answered for this invocation
        if (this.ending) return;
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

  /**
   * A handler made by `awslambda.streamifyResponse`: `(event, responseStream, context)`,
   * awaited; stream/streaming-invoke.ts posts its stream and any error. Its
   * context is the 4.x one with 4.x's rules (nodejs24.x on, Managed Instances); before, `done`/`succeed`/`fail` refuse.
   */
  private async handleStreaming(invocation: NextInvocation): Promise<void> {
    const handler = this.handler!;
    try {
      const closed = () => { throw new Error('A streaming handler ends its response stream; context.done/succeed/fail are not for it.'); };
      const context = buildContext(invocation, this.awaitedHandlers ? undefined
        : { done: closed, getWaitsForEmptyEventLoop: () => false, setWaitsForEmptyEventLoop: () => undefined });
      await runStreamingInvocation(this.client.address!, invocation.requestId, handler as never, JSON.parse(invocation.body), context);
    } catch (err) {
      console.error('Runtime API unreachable', err);
      process.exit(1);
    }
    this.currentRequestId = undefined;
  }

  /** 4.x's rules (nodejs24.x on, Managed Instances): `await handler(event, context)`; its value or whatever it throws (even `undefined`) is the outcome. */
  private async handleAwaited(handler: Handler, invocation: NextInvocation): Promise<void> {
    let outcome: { error: unknown } | { result: unknown };
    try {
      const event = JSON.parse(invocation.body);
      outcome = { result: await (handler as (event: unknown, context: unknown) => unknown)(event, buildContext(invocation, undefined)) };
    } catch (error) {
      outcome = { error };
    }
    this.currentRequestId = undefined;
    try {
      if ('error' in outcome) await this.postError(invocation.requestId, outcome.error);
      else await this.postOutcome(invocation.requestId, null, outcome.result);
    } catch (err) {
      console.error('Runtime API unreachable', err);
      process.exit(1);
    }
  }

  private async postError(requestId: string, error: unknown): Promise<void> {
    if (outputPending()) await flushOutput();
    logRuntimeError('Invoke Error', error);
    return this.client.invocationError(requestId, toErrorDocument(error, this.awaitedHandlers));
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
      logRuntimeError('Invoke Error', error);
      return this.client.invocationError(requestId, toErrorDocument(error, this.awaitedHandlers));
    }
    let json: string;
    try {
      json = JSON.stringify(result === undefined ? null : result);
    } catch {
      // 3.x: the failed post becomes the invocation's error through context.fail; 4.x: processInvoke's catch
      const failure = jsonStringifyError(this.awaitedHandlers);
      logRuntimeError('Invoke Error', failure);
      return this.client.invocationError(requestId, toErrorDocument(failure));
    }
    return this.client.respond(requestId, json);
  }

  private fatal(what: string, error: unknown, exitCode: number): void {
    this.ending = true;
    const document = toErrorDocument(error);
    logRuntimeError(what, error);
    const requestId = this.currentRequestId;
    const posted = requestId ? this.client.invocationError(requestId, document, true) : this.client.initError(document);
    void posted.finally(() => process.exit(exitCode));
  }
}

/** True when stdout or stderr holds output not yet handed to the system. */
function outputPending(): boolean {
  return waitsForDrain(process.stdout) || waitsForDrain(process.stderr);
}

/**
 * True when a write returned false and 'drain' will come: only then does a
 * stream emit it. (In a worker thread, stdout always holds what the main
 * thread has not taken yet, and emits 'drain' only after a full buffer.)
 */
function waitsForDrain(stream: NodeJS.WriteStream | undefined): boolean {
  if (!stream || !(stream.writableLength > 0)) return false;
  return stream.writableNeedDrain ?? true;
}

/**
 * Waits until what the handler printed has left the process (a full pipe
 * makes writes asynchronous), so its log comes before the invocation's end.
 */
async function flushOutput(): Promise<void> {
  for (const stream of [process.stdout, process.stderr]) {
    if (waitsForDrain(stream) && typeof stream.once === 'function') {
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
