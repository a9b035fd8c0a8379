/**
 * The execution environments of one function: an idle one is reused (warm
 * start), a new one is started when all are busy (cold start) up to
 * `maxConcurrency`, after which invocations wait their turn. An environment
 * that runs several invocations at once (`perEnvironmentConcurrency`) stays
 * in the idle list while it has room. Dead
 * environments are dropped, so the next invocation gets a fresh one.
 */
import { EnvironmentGone, ExecutionEnvironment, InvokeRequest, InvokeResult } from './environment';
import { FunctionConfig } from './function-config';
import { newTraceId } from './invocation';
import { LogListener } from './log-capture';
import { ActiveSampler, invocationTraceHeader, XRayDaemon } from './xray';

export class FunctionPool {
  private readonly all = new Set<ExecutionEnvironment>();
  /** environments that can take one more invocation now */
  private readonly idle: ExecutionEnvironment[] = [];
  private readonly waiting: Array<() => void> = [];
  private starting = 0;
  /** invocations waiting for an environment being started (several invocations per environment) */
  private awaitingStart = 0;
  private closed = false;

  /** Lambda's sampling for an Active function (per function) */
  private readonly sampler: ActiveSampler | undefined;

  /** @param xray the stand-in X-Ray daemon, for an Active function */
  constructor(public readonly config: FunctionConfig, private readonly onLog?: LogListener, private readonly xray?: XRayDaemon) {
    this.sampler = config.tracing === 'Active' ? new ActiveSampler() : undefined;
  }

  /** Environments currently alive (busy or idle). */
  public get size(): number {
    return this.all.size;
  }

  public invoke(request: InvokeRequest): Promise<InvokeResult> {
    // Active tracing: the sampling decision is made once, before any environment takes it
    if (this.sampler) request = { ...request, traceId: invocationTraceHeader(request.traceId, 'Active', this.sampler, newTraceId) };
    // the usual case, a warm environment is free: no extra turns through async functions
    const warm = this.closed ? undefined : this.idle.pop();
    // (a dead one popped here is dropped, as acquire() drops it)
    if (!warm?.alive) return this.invokeSlow(request);
    let running: Promise<InvokeResult>;
    try {
      running = warm.invoke(request);
      this.offerRoom(warm);
    } catch (err) {
      this.release(warm);
      return Promise.reject(err);
    }
    return running.then((result) => {
      this.release(warm);
      return result;
    }, (err) => {
      this.release(warm);
      // the environment died before taking the event: give it to another one
      if (!(err instanceof EnvironmentGone)) throw err;
      return this.invokeSlow(request);
    });
  }

  private async invokeSlow(request: InvokeRequest): Promise<InvokeResult> {
    for (;;) {
      const env = await this.acquire();
      try {
        const running = env.invoke(request);
        this.offerRoom(env);
        return await running;
      } catch (err) {
        // the environment died before taking the event: give it to another one
        if (!(err instanceof EnvironmentGone)) throw err;
      } finally {
        this.release(env);
      }
    }
  }

  /** Stops every environment; invocations in progress end as runtime exits. */
  public async close(): Promise<void> {
    this.closed = true;
    await Promise.all([...this.all].map((env) => env.close()));
    this.all.clear();
    this.idle.length = 0;
  }

  private async acquire(): Promise<ExecutionEnvironment> {
    for (;;) {
      if (this.closed) throw new Error(`function ${this.config.name}: the emulator is closed`);
      const warm = this.idle.pop();
      if (warm) {
        if (warm.hasRoom) return warm;
        continue;
      }
      // an environment being started for several invocations at once will take this one too
      const capacity = this.config.perEnvironmentConcurrency ?? 1;
      if (capacity > 1 && this.starting * (capacity - 1) > this.awaitingStart) {
        this.awaitingStart++;
        await new Promise<void>((resolve) => this.waiting.push(resolve));
        this.awaitingStart--;
        continue;
      }
      if (this.all.size + this.starting < (this.config.maxConcurrency ?? 10)) return this.startOne();
      await new Promise<void>((resolve) => this.waiting.push(resolve));
    }
  }

  private async startOne(): Promise<ExecutionEnvironment> {
    this.starting++;
    try {
      const env = await ExecutionEnvironment.start(this.config, this.onLog, this.xray);
      this.all.add(env);
      env.onDeath(() => {
        this.all.delete(env);
        const at = this.idle.indexOf(env);
        if (at >= 0) this.idle.splice(at, 1);
        this.waiting.shift()?.();
      });
      return env;
    } finally {
      this.starting--;
    }
  }

  /** After an invocation was given to `env`: while it can take more, it stays on offer, and a waiting invocation may take it. */
  private offerRoom(env: ExecutionEnvironment): void {
    if (!env.hasRoom) return;
    this.idle.push(env);
    this.waiting.shift()?.();
  }

  private release(env: ExecutionEnvironment): void {
    if (env.hasRoom && !this.closed && !this.idle.includes(env)) this.idle.push(env);
    this.waiting.shift()?.();
  }
}
