/**
 * One execution environment: a runtime process of a function plus the
 * Runtime API it polls. It runs one invocation at a time (or, for a function
 * on a capacity provider, up to `perEnvironmentConcurrency` at once, as
 * Lambda Managed Instances do), stays warm between them, and turns every
 * fault into the result Lambda would give: init error, timeout (the process
 * is killed; on a capacity provider only that invocation fails and the
 * process goes on, as Managed Instances do), the process exiting, a response
 * over the size limit. A dead environment is never reused.
 */
import { ChildProcess, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { resolve as resolvePath } from 'node:path';
import { performance } from 'node:perf_hooks';
import { DebuggerWatch, watchDebugger } from './debugger-watch';
import { entrypointError, exitError, initTimeoutError, PlatformError, timeoutError } from './errors';
import { FunctionConfig } from './function-config';
import { Invocation, InvocationOutcome, newTraceId, ResponseStreamListener } from './invocation';
import { ACCOUNT_ID, DEFAULT_INIT_TIMEOUT_SECONDS, DEFAULT_MEMORY_MB, DEFAULT_REGION, DEFAULT_TIMEOUT_SECONDS } from './limits';
import { LogListener, LogTail } from './log-capture';
import { PeakRss } from './memory';
import { PlatformLog } from './platform-log';
import { lambdaEnvironment } from './process-env';
import { RuntimeApi } from './runtime-api';
import { XRayDaemon } from './xray';

/** One call of a function. */
export interface InvokeRequest {
  /** The event, as JSON text or bytes. */
  readonly payload: Buffer | string;
  /** @default - a random UUID */
  readonly requestId?: string;
  /** JSON text passed as `Lambda-Runtime-Client-Context` (`context.clientContext`). */
  readonly clientContext?: string;
  /** JSON text passed as `Lambda-Runtime-Cognito-Identity` (`context.identity`). */
  readonly cognitoIdentity?: string;
  /** X-Ray header for `_X_AMZN_TRACE_ID`. @default - a new one */
  readonly traceId?: string;
  readonly tenantId?: string;
  /**
   * Receives a streamed response (a streaming handler's) as it arrives; the
   * result then has `streamed` set and an empty payload, unless it failed.
   * @default - a streamed response is collected into the result's payload
   */
  readonly onStream?: ResponseStreamListener;
  /**
   * False when the caller reads neither `logTail` nor `maxMemoryUsedMB` (the
   * Invoke API without `X-Amz-Log-Type: Tail`): then, unless a log listener
   * wants the START/END/REPORT lines, they are not made, the output is not
   * kept and the peak RSS is not read; the result has an empty `logTail` and
   * no `maxMemoryUsedMB`.
   * @default true
   */
  readonly report?: boolean;
}

/** What one invocation returned, as the Invoke API would report it. */
export interface InvokeResult {
  readonly requestId: string;
  /** The function's response, or the error document when `functionError` is set. */
  readonly payload: Buffer;
  /** `Unhandled` when the invocation failed (Lambda's `X-Amz-Function-Error`). */
  readonly functionError?: 'Unhandled';
  /** The error type when it failed (`Runtime.ExitError`, `Sandbox.Timedout`, the function's errorType...). */
  readonly errorType?: string;
  readonly contentType?: string;
  /** True when the runtime streamed the response (to `onStream`, when given). */
  readonly streamed?: boolean;
  /** From handing the event to the runtime to its answer, in ms. */
  readonly durationMs: number;
  readonly billedDurationMs: number;
  /** Time from process start to the first `next`, on a cold start. */
  readonly initDurationMs?: number;
  readonly memorySizeMB: number;
  /** Peak RSS of the runtime process, where /proc is available. */
  readonly maxMemoryUsedMB?: number;
  /** The last 4 KB of log of this invocation (START...REPORT included). */
  readonly logTail: string;
  /** The X-Ray trace header it ran with (`_X_AMZN_TRACE_ID`). */
  readonly traceId: string;
  /** Which environment ran it; a new id means a cold start. */
  readonly instanceId: string;
}

/** A warm environment died before its runtime took the event; nothing of the invocation ran. */
export class EnvironmentGone extends Error {
  constructor() {
    super('the execution environment ended before it took the event');
  }
}

interface Pending {
  readonly invocation: Invocation;
  readonly resolve: (result: InvokeResult) => void;
  readonly reject: (error: Error) => void;
  readonly cold: boolean;
  /** START/END/REPORT, the log tail and the peak RSS are wanted (by the caller or the log listener) */
  readonly report: boolean;
  /** the event went out: the deadline runs */
  timed?: boolean;
  /** its own deadline, with more than one invocation at a time */
  timer?: NodeJS.Timeout;
  /** the runtime answered; the result goes out on the next turn of the event loop */
  settling?: boolean;
}

export class ExecutionEnvironment {
  /** Starts the runtime process of `fn`; invocations can be given to it at once. */
  public static async start(fn: FunctionConfig, onLog?: LogListener, xray?: XRayDaemon): Promise<ExecutionEnvironment> {
    const env = new ExecutionEnvironment(fn, onLog, xray);
    await env.boot();
    return env;
  }

  public readonly instanceId = randomUUID().replace(/-/g, '');
  private readonly api: RuntimeApi;
  private child: ChildProcess | undefined;
  private readonly tail = new LogTail();
  private memory: PeakRss | undefined;
  /** invocations in progress, by request id (at most `capacity`) */
  private readonly pending = new Map<string, Pending>();
  /** invocations at once: 1, or AWS_LAMBDA_MAX_CONCURRENCY on a capacity provider */
  private readonly capacity: number;
  private startedAt = 0;
  private readyTimer: NodeJS.Timeout | undefined;
  /** the deadline of the invocation in progress (capacity 1): one timer, re-armed per invocation (the timeout is the same for all) */
  private deadlineTimer: NodeJS.Timeout | undefined;
  /** output is attributed to the last invocation started, until the next one (as in CloudWatch); undefined while several run */
  private logRequestId: string | undefined;
  private initDurationMs: number | undefined;
  private coldUsed = false;
  /**
   * Why the environment cannot run invocations any more: the runtime's init
   * error, or the platform's error for an invocation (by its request id: a
   * process exit with several invocations in progress fails each with its own id).
   */
  private failure: ((requestId: string) => PlatformError) | { body: Buffer; errorType: string } | undefined;
  private dead = false;
  private readonly deathListeners: Array<() => void> = [];
  private readonly timeoutMs: number;
  private readonly arn: string;
  /** with `inspect`: the second inspector session that reports pauses */
  private debuggerWatch: DebuggerWatch | undefined;
  /** with `inspect`: when the deadline falls (performance.now()), and the time left while paused */
  private deadlineAt = 0;
  private pausedLeftMs: number | undefined;

  private readonly fn: FunctionConfig;
  /** START/END/REPORT lines or JSON records, by log format and system log level */
  private readonly platform: PlatformLog;

  private constructor(config: FunctionConfig, private readonly onLog?: LogListener, private readonly xray?: XRayDaemon) {
    const fn = { ...config, codeDir: resolvePath(config.codeDir) };
    this.fn = fn;
    this.platform = new PlatformLog(fn);
    this.timeoutMs = (fn.timeoutSeconds ?? DEFAULT_TIMEOUT_SECONDS) * 1000;
    this.arn = `arn:aws:lambda:${fn.region ?? DEFAULT_REGION}:${ACCOUNT_ID}:function:${fn.name}`;
    this.capacity = Math.max(1, fn.perEnvironmentConcurrency ?? 1);
    this.api = new RuntimeApi({
      onReady: () => this.ready(),
      onDelivered: (invocation) => this.delivered(invocation),
      onInitError: (body, errorType) => this.fail({ body, errorType }),
      onOutcome: (invocation, outcome) => this.settle(invocation, outcome),
    }, this.capacity);
  }

  /** False once the process died, timed out or failed init. */
  public get alive(): boolean {
    return !this.dead;
  }

  /** True while it runs as many invocations as it can take. */
  public get busy(): boolean {
    return this.pending.size >= this.capacity;
  }

  /** True when it is alive and can take one more invocation now. */
  public get hasRoom(): boolean {
    return !this.dead && this.pending.size < this.capacity;
  }

  /** Process id of the runtime (of the prefix, e.g. qemu, when there is one). */
  public get pid(): number | undefined {
    return this.child?.pid;
  }

  /** Calls `listener` once when the environment dies. */
  public onDeath(listener: () => void): void {
    if (this.dead) listener();
    else this.deathListeners.push(listener);
  }

  /**
   * Runs one invocation; faults become error results. Rejects only with
   * EnvironmentGone, when a warm environment died before taking the event:
   * the caller should give it to another environment.
   */
  public invoke(request: InvokeRequest): Promise<InvokeResult> {
    if (this.pending.size >= this.capacity) throw new Error(`environment ${this.instanceId} is busy`);
    const payload = typeof request.payload === 'string' ? Buffer.from(request.payload) : request.payload;
    const invocation: Invocation = {
      requestId: request.requestId ?? randomUUID(),
      payload,
      invokedFunctionArn: this.arn,
      traceId: request.traceId ?? newTraceId(),
      clientContext: request.clientContext,
      cognitoIdentity: request.cognitoIdentity,
      tenantId: request.tenantId,
      timeoutMs: this.timeoutMs,
      deadlineMs: 0,
      startedAt: 0,
      stream: request.onStream,
    };
    return new Promise((resolve, reject) => {
      const cold = !this.coldUsed;
      this.coldUsed = true;
      const report = request.report !== false || this.onLog !== undefined;
      const pending: Pending = { invocation, resolve, reject, cold, report };
      this.pending.set(invocation.requestId, pending);
      this.logRequestId = this.pending.size === 1 ? invocation.requestId : undefined;
      if (report) this.platformLog(this.platform.start(invocation.requestId), invocation.requestId);
      if (this.failure) return this.finish(pending, this.failureOutcome(invocation.requestId));
      this.api.deliver(invocation);
    });
  }

  /** Stops the process and the Runtime API; an invocation in progress ends as a runtime exit. */
  public async close(): Promise<void> {
    this.clearTimers();
    this.kill();
    await this.api.close();
  }

  private async boot(): Promise<void> {
    const address = await this.api.listen();
    const xrayDaemon = this.xray ? await this.xray.address : undefined;
    const [file, ...args] = [...(this.fn.commandPrefix ?? []), ...inspectCommand(this.fn)];
    this.startedAt = performance.now();
    const child = spawn(file, args, {
      cwd: this.fn.codeDir,
      env: lambdaEnvironment(this.fn, address, xrayDaemon),
      stdio: ['ignore', 'pipe', 'pipe'],
      // its own process group, so a timeout kills what the bootstrap started too
      detached: true,
    });
    this.child = child;
    this.memory = new PeakRss(child.pid);
    child.stdout!.on('data', (chunk: Buffer) => this.output('stdout', chunk));
    child.stderr!.on('data', (chunk: Buffer) => this.output('stderr', chunk));
    child.on('error', (err: NodeJS.ErrnoException) => {
      this.fail((requestId) => entrypointError(requestId, file, err));
    });
    child.on('exit', (code, signal) => {
      this.fail((requestId) => exitError(requestId, code, signal));
    });
    // a process waiting for a debugger has no init timeout
    if (this.fn.inspect) return;
    const initTimeout = this.fn.initTimeoutSeconds ?? DEFAULT_INIT_TIMEOUT_SECONDS;
    const timer = setTimeout(() => {
      if (this.initDurationMs === undefined) this.fail((requestId) => initTimeoutError(requestId, initTimeout));
    }, initTimeout * 1000);
    timer.unref();
    this.deathListeners.push(() => clearTimeout(timer));
    this.readyTimer = timer;
  }

  private ready(): void {
    this.initDurationMs = performance.now() - this.startedAt;
    if (this.readyTimer) clearTimeout(this.readyTimer);
  }

  /** Called by the Runtime API when the event went out: the deadline starts. */
  private delivered(invocation: Invocation): void {
    const pending = this.pending.get(invocation.requestId);
    if (!pending || pending.invocation !== invocation) return;
    pending.timed = true;
    if (this.capacity > 1) {
      pending.timer = setTimeout(() => this.deadline(pending), this.timeoutMs);
      return;
    }
    if (this.fn.inspect) {
      this.deadlineAt = performance.now() + this.timeoutMs;
      this.pausedLeftMs = undefined;
    }
    // the emulator's servers hold the process up anyway; the timer is cleared when the environment dies
    if (this.deadlineTimer) this.deadlineTimer.refresh();
    else this.deadlineTimer = setTimeout(() => this.deadline(), this.timeoutMs);
  }

  /**
   * A deadline passed. One invocation at a time: the one in progress, if it
   * still runs, timed out and the process is killed. On a capacity provider
   * only that invocation fails; the process and the other invocations go on
   * (Managed Instances do not enforce the timeout on the code:
   * https://docs.aws.amazon.com/lambda/latest/dg/lambda-managed-instances-execution-environment.html).
   */
  private deadline(timedOut?: Pending): void {
    if (timedOut) {
      if (this.pending.get(timedOut.invocation.requestId) !== timedOut || timedOut.settling) return;
      const error = timeoutError(timedOut.invocation.requestId, this.timeoutMs / 1000);
      this.api.abandon(timedOut.invocation);
      timedOut.settling = true;
      return this.finish(timedOut, { kind: 'error', body: Buffer.from(JSON.stringify(error)), errorType: error.errorType, platform: true });
    }
    const pending = this.single();
    if (!pending || !pending.timed || pending.settling) return;
    const error = timeoutError(pending.invocation.requestId, this.timeoutMs / 1000);
    this.fail(() => error);
  }

  /**
   * The inspected process paused (a breakpoint, a `debugger` statement, a
   * step) or resumed: the deadline of the invocation in progress stops while
   * it is paused and runs on with the time that was left. (An inspected
   * function runs one invocation per environment.)
   */
  private debuggerPaused(paused: boolean): void {
    const pending = this.single();
    const running = pending?.timed === true && !pending.settling;
    if (paused) {
      if (this.deadlineTimer) clearTimeout(this.deadlineTimer);
      this.deadlineTimer = undefined;
      if (running && this.pausedLeftMs === undefined) this.pausedLeftMs = Math.max(0, this.deadlineAt - performance.now());
    } else if (this.pausedLeftMs !== undefined) {
      const left = this.pausedLeftMs;
      this.pausedLeftMs = undefined;
      if (!running || this.dead) return;
      this.deadlineAt = performance.now() + left;
      this.deadlineTimer = setTimeout(() => this.deadline(), left);
    }
  }

  /** The invocation in progress when there is exactly one. */
  private single(): Pending | undefined {
    if (this.pending.size !== 1) return undefined;
    for (const pending of this.pending.values()) return pending;
    return undefined;
  }

  private settle(invocation: Invocation, outcome: InvocationOutcome): void {
    const pending = this.pending.get(invocation.requestId);
    if (pending?.invocation !== invocation || pending.settling) return;
    pending.settling = true;
    // output the runtime wrote before answering is already in its pipes:
    // read it first, so it belongs to this invocation (log tail, request id).
    // When nothing reads the output (no listener, no log tail) there is nothing to wait for.
    if (!pending.report) return this.finish(pending, outcome);
    setImmediate(() => this.finish(pending, outcome));
  }

  private clearTimers(): void {
    if (this.deadlineTimer) clearTimeout(this.deadlineTimer);
    for (const pending of this.pending.values()) if (pending.timer) clearTimeout(pending.timer);
  }

  /** Marks the environment dead; the invocations in progress (if any) get `reason`. */
  private fail(reason: ((requestId: string) => PlatformError) | { body: Buffer; errorType: string }): void {
    if (!this.failure) this.failure = reason;
    if (!this.dead) {
      this.dead = true;
      this.clearTimers();
      this.kill();
      // after the answer in flight (e.g. init/error's 202) is written and the last result reported
      setImmediate(() => {
        void this.api.close();
        this.memory?.close();
        this.memory = undefined;
      });
      for (const listener of this.deathListeners.splice(0)) listener();
    }
    for (const pending of [...this.pending.values()]) {
      if (pending.settling) continue;
      if (pending.invocation.startedAt === 0 && this.initDurationMs !== undefined) {
        // a warm environment died before it took the event (e.g. it exited
        // after its last answer): the event is not lost, another environment takes it
        this.pending.delete(pending.invocation.requestId);
        this.api.abandon(pending.invocation);
        pending.reject(new EnvironmentGone());
        continue;
      }
      this.finish(pending, this.failureOutcome(pending.invocation.requestId));
    }
  }

  private failureOutcome(requestId: string): InvocationOutcome {
    const failure = this.failure!;
    if ('body' in failure) return { kind: 'error', body: failure.body, errorType: failure.errorType, platform: false };
    const error = failure(requestId);
    return { kind: 'error', body: Buffer.from(JSON.stringify(error)), errorType: error.errorType, platform: true };
  }

  private finish(pending: Pending, outcome: InvocationOutcome): void {
    const { invocation } = pending;
    if (this.pending.get(invocation.requestId) !== pending) return;
    this.pending.delete(invocation.requestId);
    if (pending.timer) clearTimeout(pending.timer);
    this.api.abandon(invocation);
    if (this.pending.size === 1) this.logRequestId = this.single()!.invocation.requestId;
    invocation.stream = undefined;
    const durationMs = invocation.startedAt ? performance.now() - invocation.startedAt : 0;
    const memorySizeMB = this.fn.memorySize ?? DEFAULT_MEMORY_MB;
    const initDurationMs = pending.cold ? this.initDurationMs : undefined;
    const billedDurationMs = Math.max(1, Math.ceil(durationMs));
    // one pread of /proc/<pid>/status, only when someone reads the figure
    const maxMemoryUsedMB = pending.report ? this.memory?.read() : undefined;
    if (pending.report) {
      const errorType = outcome.kind === 'error' ? outcome.errorType : undefined;
      this.platformLog(this.platform.end({
        requestId: invocation.requestId, durationMs, billedDurationMs, memorySizeMB, maxMemoryUsedMB, initDurationMs, errorType,
      }), invocation.requestId);
    }
    pending.resolve({
      requestId: invocation.requestId,
      payload: outcome.body,
      functionError: outcome.kind === 'error' ? 'Unhandled' : undefined,
      errorType: outcome.kind === 'error' ? outcome.errorType : undefined,
      contentType: outcome.kind === 'response' ? outcome.contentType : 'application/json',
      streamed: outcome.kind === 'response' ? outcome.streamed : undefined,
      durationMs,
      billedDurationMs,
      initDurationMs,
      memorySizeMB,
      maxMemoryUsedMB,
      logTail: pending.report ? this.tail.take() : '',
      instanceId: this.instanceId,
      traceId: invocation.traceId,
    });
  }

  private output(stream: 'stdout' | 'stderr', chunk: Buffer): void {
    if (this.fn.inspect && stream === 'stderr' && !this.debuggerWatch) {
      // Node.js announces its inspector: "Debugger listening on ws://127.0.0.1:9229/<uuid>"
      const url = /Debugger listening on (ws:\/\/\S+)/.exec(chunk.toString())?.[1];
      if (url) {
        this.debuggerWatch = watchDebugger(url, (paused) => this.debuggerPaused(paused));
        this.deathListeners.push(() => this.debuggerWatch?.close());
      }
    }
    const onLog = this.onLog;
    let keep = false;
    for (const pending of this.pending.values()) keep ||= pending.report;
    if (!keep && !onLog) return;
    const text = chunk.toString();
    if (keep) this.tail.push(text);
    onLog?.({ functionName: this.fn.name, instanceId: this.instanceId, requestId: this.logRequestId, stream, text });
  }

  /** Each line goes to the log tail and, as one entry, to the log listener. */
  private platformLog(lines: readonly string[], requestId: string): void {
    for (const text of lines) {
      this.tail.push(text);
      this.onLog?.({ functionName: this.fn.name, instanceId: this.instanceId, requestId, stream: 'platform', text });
    }
  }

  private kill(): void {
    this.debuggerWatch?.close();
    const child = this.child;
    if (!child || child.pid === undefined) return;
    try {
      // the whole group: what the bootstrap started dies with it
      process.kill(-child.pid, 'SIGKILL');
    } catch {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    }
  }
}

/**
 * The runtime command with the inspector's flag after the Node.js
 * executable: `--inspect-brk`, or `--inspect-wait` (Node.js 20.15 and 22.2
 * on), which waits for a debugger before running any JavaScript. (A preload
 * calling `inspector.waitForDebugger()` instead would miss a debugger that
 * sends `Runtime.runIfWaitingForDebugger` before the preload runs.)
 */
function inspectCommand(fn: FunctionConfig): readonly string[] {
  const inspect = fn.inspect;
  if (!inspect) return fn.command;
  const [node, ...rest] = fn.command;
  return [node, `--inspect-${inspect.brk ? 'brk' : 'wait'}=${inspect.host ?? '127.0.0.1'}:${inspect.port}`, ...rest];
}
