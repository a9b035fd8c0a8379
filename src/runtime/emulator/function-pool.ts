/**
 * The execution environments of one function: an idle one is reused (warm
 * start), a new one is started when all are busy (cold start) up to
 * `maxConcurrency`, after which invocations wait their turn. Dead
 * environments are dropped, so the next invocation gets a fresh one.
 */
import { EnvironmentGone, ExecutionEnvironment, InvokeRequest, InvokeResult } from './environment';
import { FunctionConfig } from './function-config';
import { LogListener } from './log-capture';

export class FunctionPool {
  private readonly all = new Set<ExecutionEnvironment>();
  private readonly idle: ExecutionEnvironment[] = [];
  private readonly waiting: Array<() => void> = [];
  private starting = 0;
  private closed = false;

  constructor(public readonly config: FunctionConfig, private readonly onLog?: LogListener) {}

  /** Environments currently alive (busy or idle). */
  public get size(): number {
    return this.all.size;
  }

  public invoke(request: InvokeRequest): Promise<InvokeResult> {
    // the usual case, a warm environment is free: no extra turns through async functions
    const warm = this.closed ? undefined : this.idle.pop();
    // (a dead one popped here is dropped, as acquire() drops it)
    if (!warm?.alive) return this.invokeSlow(request);
    let running: Promise<InvokeResult>;
    try {
      running = warm.invoke(request);
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
        return await env.invoke(request);
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
        if (warm.alive) return warm;
        continue;
      }
      if (this.all.size + this.starting < (this.config.maxConcurrency ?? 10)) return this.startOne();
      await new Promise<void>((resolve) => this.waiting.push(resolve));
    }
  }

  private async startOne(): Promise<ExecutionEnvironment> {
    this.starting++;
    try {
      const env = await ExecutionEnvironment.start(this.config, this.onLog);
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

  private release(env: ExecutionEnvironment): void {
    if (env.alive && !this.closed) this.idle.push(env);
    this.waiting.shift()?.();
  }
}
