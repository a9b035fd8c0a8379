/** How the emulator runs one function: its code, its process and its settings. */

/** A function the emulator can invoke. */
export interface FunctionConfig {
  /** The function name (`AWS_LAMBDA_FUNCTION_NAME`, and `{name}` in the Invoke API path). */
  readonly name: string;
  /** The unpacked code of the function (`LAMBDA_TASK_ROOT`, the process's working directory). */
  readonly codeDir: string;
  /** `_HANDLER`, e.g. `index.handler`. */
  readonly handler: string;
  /**
   * The runtime process: executable and arguments, run in `codeDir`.
   * Use `nodejsCommand()` for a Node.js function run by our client, or
   * `providedCommand(codeDir)` for a custom runtime's `bootstrap`.
   */
  readonly command: readonly string[];
  /**
   * Put before `command`, e.g. `['qemu-aarch64-static', '-L', '/usr/aarch64-linux-gnu']`
   * to run an arm64 bootstrap on an x86_64 machine.
   * @default - none
   */
  readonly commandPrefix?: readonly string[];
  /**
   * Stands in for `/opt` (where Lambda unpacks the layers) in `NODE_PATH` and `LD_LIBRARY_PATH`.
   * @default '/opt'
   */
  readonly optDir?: string;
  /**
   * Stands in for `/var/runtime` (whose `node_modules` holds the AWS SDK of a managed Node.js runtime) in `NODE_PATH`.
   * @default '/var/runtime'
   */
  readonly runtimeDir?: string;
  /**
   * Runs a Node.js runtime process under the inspector, listening on
   * `host:port` (`port` 0: any free port; the process prints its
   * `ws://` address): it waits for a debugger before loading the handler,
   * or with `brk` stops on the first line of the runtime client. While
   * inspected the init timeout does not apply, and the function's timeout
   * is suspended while the process is paused. Only for `command`s that run
   * Node.js (`nodejsCommand()`).
   * @default - no inspector
   */
  readonly inspect?: { readonly port: number; readonly host?: string; readonly brk?: boolean };
  /** The function's own environment variables. Lambda's reserved variables win over them. */
  readonly environment?: Readonly<Record<string, string>>;
  /** @default 3 */
  readonly timeoutSeconds?: number;
  /** @default 128 */
  readonly memorySize?: number;
  /**
   * The Lambda runtime identifier, e.g. `nodejs22.x` or `provided.al2023`;
   * sets `AWS_EXECUTION_ENV` for managed runtimes.
   * @default 'provided.al2023'
   */
  readonly runtime?: string;
  /** `x86_64` or `arm64`; informational (the REPORT line, the result). @default 'x86_64' */
  readonly architecture?: 'x86_64' | 'arm64';
  /** @default 'us-east-1' */
  readonly region?: string;
  /**
   * The function's log format; `JSON` sets `AWS_LAMBDA_LOG_FORMAT` (and the
   * levels below), as Lambda does for a function with `LoggingConfig.LogFormat: JSON`.
   * @default 'Text'
   */
  readonly logFormat?: 'Text' | 'JSON';
  /** `AWS_LAMBDA_LOG_GROUP_NAME` (the function's `LoggingConfig.LogGroup`). @default '/aws/lambda/<name>' */
  readonly logGroupName?: string;
  /** `AWS_LAMBDA_LOG_LEVEL` (JSON format only), e.g. `INFO`. @default 'INFO' with JSON */
  readonly applicationLogLevel?: string;
  /**
   * `LoggingConfig.SystemLogLevel` (JSON format only): `DEBUG`, `INFO` or
   * `WARN`. With JSON the platform's START and REPORT are JSON records
   * (`platform.start`, `platform.report`), written at DEBUG and INFO and
   * dropped at WARN (see platform-log.ts). Not given to the runtime: Lambda
   * sets only the application level (`AWS_LAMBDA_LOG_LEVEL`).
   * @default 'INFO'
   */
  readonly systemLogLevel?: string;
  /**
   * Invocations one execution environment runs at once, as for a function on
   * a capacity provider (Lambda Managed Instances, `PerExecutionEnvironmentMaxConcurrency`):
   * sets `AWS_LAMBDA_MAX_CONCURRENCY` and `AWS_LAMBDA_INITIALIZATION_TYPE=lambda-managed-instances`,
   * and the Runtime API hands out that many events at once.
   * @default - one at a time, `AWS_LAMBDA_MAX_CONCURRENCY` unset
   */
  readonly perEnvironmentConcurrency?: number;
  /**
   * The X-Ray tracing mode (`TracingConfig.Mode`). `Active`: an invocation
   * without a sampling decision is sampled as Lambda samples (the first each
   * second, 5% of the others), and `AWS_XRAY_DAEMON_ADDRESS` points at the
   * emulator's stand-in daemon, which counts the segments the function sends
   * (nothing reaches X-Ray). `PassThrough`: only an incoming `Sampled=1` is
   * sampled. An incoming decision is kept in both modes. See xray.ts.
   * @default 'PassThrough'
   */
  readonly tracing?: 'Active' | 'PassThrough';
  /** Instances that may run at once; further invocations wait. @default 10 */
  readonly maxConcurrency?: number;
  /** Time the runtime has to reach its first `next`. @default 10 */
  readonly initTimeoutSeconds?: number;
  /**
   * Credentials given to the function. Never taken from the host.
   * @default - fake credentials
   */
  readonly credentials?: {
    readonly accessKeyId: string;
    readonly secretAccessKey: string;
    readonly sessionToken?: string;
  };
}
