/**
 * The Lambda emulator: functions, their execution environments, and the
 * Invoke API on 127.0.0.1. Each execution environment has its own Runtime API
 * server (as each Lambda sandbox has its own), on a port of its own.
 *
 * ```ts
 * const emulator = await LambdaEmulator.start({
 *   port: 9000,
 *   functions: [{ name: 'hello', codeDir: 'cdk.out/asset.1234', handler: 'index.handler',
 *                 command: nodejsCommand(), runtime: 'nodejs22.x' }],
 *   onLog: (entry) => process.stderr.write(entry.text),
 * });
 * const result = await emulator.invoke('hello', JSON.stringify({ ping: 1 }));
 * // or: curl -d '{}' http://127.0.0.1:9000/2015-03-31/functions/hello/invocations
 * await emulator.close();
 * ```
 */
import { InvokeRequest, InvokeResult } from './environment';
import { FunctionConfig } from './function-config';
import { FunctionPool } from './function-pool';
import { Http1Server, sendJson } from './http1-server';
import { handleInvoke, InvokeTarget } from './invoke-api';
import { MAX_REQUEST_BYTES } from './limits';
import { LogListener } from './log-capture';
import { systemLogLevelOf } from './platform-log';
import { XRayDaemon } from './xray';

export interface EmulatorOptions {
  readonly functions: readonly FunctionConfig[];
  /** Port of the Invoke API on 127.0.0.1. @default 0 (any free port) */
  readonly port?: number;
  /** Receives every chunk of function output and the platform's lines (START/END/REPORT, or JSON records). @default - dropped */
  readonly onLog?: LogListener;
}

/** Extra, per-call invoke settings of `LambdaEmulator.invoke`. */
export type InvokeOptions = Omit<InvokeRequest, 'payload'>;

export class LambdaEmulator implements InvokeTarget {
  /** Starts the Invoke API; function processes start on their first invocation. */
  public static async start(options: EmulatorOptions): Promise<LambdaEmulator> {
    const emulator = new LambdaEmulator(options);
    await emulator.listen(options.port ?? 0);
    return emulator;
  }

  private readonly pools = new Map<string, FunctionPool>();
  private readonly server: Http1Server;
  private port = 0;
  /** the stand-in X-Ray daemon, opened with the first function that has Active tracing */
  private xray: XRayDaemon | undefined;
  /** stops the function processes if this process exits without close() */
  private readonly killOnExit: () => void;
  private constructor(private readonly options: EmulatorOptions) {
    for (const fn of options.functions) this.addFunction(fn);
    // the same lean HTTP/1.1 server as the Runtime API's (an invocation may take
    // minutes: no request timeout)
    this.server = new Http1Server((req, res) => {
      handleInvoke(this, req, res).catch((err) => {
        if (!res.finished) sendJson(res, 500, { Type: 'Service', message: String(err) });
      });
    }, MAX_REQUEST_BYTES);
    this.killOnExit = () => {
      for (const pool of this.pools.values()) void pool.close();
    };
    process.once('exit', this.killOnExit);
  }

  /** `http://127.0.0.1:<port>`, the endpoint for SDK clients (`endpoint`) and curl. */
  public get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** Adds (or replaces, for new invocations) a function. */
  public addFunction(fn: FunctionConfig): void {
    // a bad setting is told now, not at the first invocation
    systemLogLevelOf(fn);
    if (fn.tracing !== undefined && fn.tracing !== 'Active' && fn.tracing !== 'PassThrough') {
      throw new Error(`function ${fn.name}: tracing '${String(fn.tracing)}': give 'Active' or 'PassThrough' (TracingConfig.Mode)`);
    }
    if (fn.tracing === 'Active') this.xray ??= XRayDaemon.start();
    const old = this.pools.get(fn.name);
    this.pools.set(fn.name, new FunctionPool(fn, this.options.onLog, fn.tracing === 'Active' ? this.xray : undefined));
    if (old) void old.close();
  }

  public has(name: string): boolean {
    return this.pools.has(name);
  }

  /** Number of live execution environments of a function. */
  public instances(name: string): number {
    return this.pools.get(name)?.size ?? 0;
  }

  /**
   * Invokes a function synchronously (RequestResponse). Never rejects for a
   * function fault: those come back with `functionError: 'Unhandled'`.
   */
  public invoke(name: string, payload: Buffer | string | InvokeRequest, options: InvokeOptions = {}): Promise<InvokeResult> {
    const pool = this.pools.get(name);
    if (!pool) return Promise.reject(new Error(`Function not found: ${name}`));
    const request: InvokeRequest = typeof payload === 'string' || Buffer.isBuffer(payload) ? { ...options, payload } : payload;
    return pool.invoke(request);
  }

  /**
   * Segment documents the stand-in X-Ray daemon received for the trace of
   * `traceHeader` (an InvokeResult's `traceId`), from functions with Active
   * tracing; 0 when none (or no function is Active). They are counted, never
   * sent to X-Ray. Waits a moment first: a datagram sent just before the
   * function answered may still be on its way through the event loop.
   */
  public async xraySegments(traceHeader: string): Promise<number> {
    if (!this.xray) return 0;
    await new Promise((resolve) => setTimeout(resolve, 20));
    return this.xray.segments(traceHeader);
  }

  public reportBackgroundError(name: string, error: unknown): void {
    this.options.onLog?.({ functionName: name, instanceId: '-', stream: 'platform', text: `Event invocation failed: ${String(error)}\n` });
  }

  /** Stops the Invoke API and every function process. */
  public async close(): Promise<void> {
    process.removeListener('exit', this.killOnExit);
    await Promise.all([...this.pools.values()].map((pool) => pool.close()));
    await this.xray?.close();
    await this.server.close();
  }

  private async listen(port: number): Promise<void> {
    this.port = await this.server.listen(port, '127.0.0.1');
  }
}

/** Same as `LambdaEmulator.start(options)`. */
export function startEmulator(options: EmulatorOptions): Promise<LambdaEmulator> {
  return LambdaEmulator.start(options);
}
