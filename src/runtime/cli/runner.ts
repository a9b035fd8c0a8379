/**
 * Runs functions of the assembly: the CLI's one door to the emulator
 * (src/runtime/emulator) and our runtime interface client.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { findNativeFiles } from '../../function/private/native-arch';
import { bunAssetCommand, FunctionConfig, LambdaEmulator, LogEntry, nodejsCommand, providedCommand, ResponseStreamListener } from '../emulator';
import { arm64Node, HOST_ARCH, isArm64Elf, qemuPrefix } from './arch';
import { FunctionInfo } from './assembly';
import { prepareDebugMaps } from './debug-maps';
import { EMPTY_ENV_FILE, EnvFile, functionEnvironment } from './env';
import { CliError } from './errors';
import { findLocalSdk, prepareTaskRoot } from './task-root';

/** What one invocation gave. */
export interface RunResult {
  readonly requestId: string;
  /** false when the function (or the platform) failed; `payload` is then the error document */
  readonly ok: boolean;
  readonly payload: Buffer;
  readonly errorType?: string;
  /** true when the function streamed its response (to the listener given to `invoke`; `payload` is then empty) */
  readonly streamed?: boolean;
  readonly durationMs: number;
  readonly initDurationMs?: number;
  readonly memorySizeMB: number;
  readonly maxMemoryUsedMB?: number;
  /** The X-Ray trace header the invocation ran with. */
  readonly traceId?: string;
  /**
   * Segment documents the function sent to the (stand-in) X-Ray daemon for
   * this trace; only for a function with Active tracing, when `countXraySegments` asked for it. Never sent to X-Ray.
   */
  readonly xraySegments?: number;
}

/** Per-call settings of `FunctionRunner.invoke`. */
export interface RunOptions {
  /** The tenant of the call (`context.tenantId`), for a function with `TenancyConfig`. */
  readonly tenantId?: string;
  /** Receives a streamed response as it arrives. */
  readonly onStream?: ResponseStreamListener;
  /**
   * Count the X-Ray segments that reached the local daemon for the
   * invocation's trace (a function with `TracingConfig` Active only). It
   * waits ~20 ms for datagrams in flight, so only a caller that prints the
   * count asks for it, not `serve`. @default false
   */
  readonly countXraySegments?: boolean;
}

/** Runs a function of the assembly with an event. */
export interface FunctionRunner {
  /** Runs `fn`; a streamed response goes to `options.onStream` as it arrives, when given. */
  invoke(fn: FunctionInfo, event: Buffer | string, options?: RunOptions): Promise<RunResult>;
  close(): Promise<void>;
}

export interface RunnerOptions {
  readonly all: readonly FunctionInfo[];
  readonly envFile?: EnvFile;
  /**
   * Invocations per execution environment, as on a capacity provider (Lambda
   * Managed Instances), for every function. @default - the function's
   * capacity provider setting, else one at a time
   */
  readonly concurrency?: number;
  /** `arm64`: run arm64 functions under qemu-user on an x86_64 machine. @default - natively */
  readonly arch?: 'arm64' | 'x86_64';
  readonly region?: string;
  /** Function output and START/END/REPORT lines. */
  readonly onLog?: (entry: LogEntry) => void;
  /** Messages for people (warnings about the environment, fetching Node.js...). */
  readonly notice: (line: string) => void;
  /**
   * Run Node.js functions under the inspector (`--inspect[=PORT]`,
   * `--inspect-brk`): each function gets its own port from `port` up, one
   * execution environment at a time.
   * @default - no inspector
   */
  readonly inspect?: { readonly port: number; readonly brk?: boolean };
}

/** Lambda function names: letters, digits, `-` and `_`, at most 64. */
function lambdaName(fn: FunctionInfo): string {
  if (fn.functionName) return fn.functionName;
  return `${fn.stack}-${fn.logicalId}`.replace(/[^A-Za-z0-9_-]/g, '-').slice(0, 64);
}

/** The emulator's configuration of `fn`, or a CliError when it cannot run here. */
export function functionConfig(fn: FunctionInfo, options: RunnerOptions, inspectPort?: number): FunctionConfig {
  if (fn.unsupported || !fn.codeDir) throw new CliError(`${fn.path} cannot run locally: ${fn.unsupported ?? 'it has no code folder'}`);
  if (options.inspect && !fn.runtime.startsWith('nodejs')) {
    throw new CliError(`${fn.path} runs on ${fn.runtime}: --inspect debugs the Node.js runtimes (nodejs*.x) only`, 2);
  }
  const region = options.region ?? 'us-east-1';
  const env = functionEnvironment(fn, options.all, options.envFile ?? EMPTY_ENV_FILE, region);
  const names = Object.keys(env.unresolved);
  if (names.length > 0) {
    options.notice(`ts-lambda: ${fn.path}: ${names.length === 1 ? 'variable' : 'variables'} unresolved locally (left unset; set them with --env-file):\n`
      + names.map((n) => `  ${n} = ${env.unresolved[n]}`).join('\n'));
  }
  const emulateArm = options.arch === 'arm64' && HOST_ARCH !== 'arm64' && fn.architecture === 'arm64';
  const nodejs = fn.runtime.startsWith('nodejs');
  const layerDirs: string[] = [];
  for (const layer of fn.layers ?? []) {
    if (layer.dir) layerDirs.push(layer.dir);
    else options.notice(`ts-lambda: ${fn.path}: layer ${layer.name} is left out locally: ${layer.unsupported}. What the function loads from it fails here.`);
  }
  if (nodejs && !emulateArm) checkNativeCode(fn, [fn.codeDir, ...layerDirs]);
  // the SDK of the project, not of the asset: search from the folder holding the asset (cdk.out), then from here
  const sdk = nodejs ? findLocalSdk([dirname(fn.codeDir), process.cwd()]) : undefined;
  // an asset that brings its own SDK (bundling.nodeModules) resolves it first, on Lambda too
  if (nodejs && !existsSync(join(fn.codeDir, 'node_modules', '@aws-sdk')) && importsAwsSdk(fn.codeDir)) {
    options.notice(sdk
      ? `ts-lambda: ${fn.path} imports @aws-sdk/*, which the ${fn.runtime} runtime provides on Lambda; locally the project's ${sdk.version} `
        + `(${sdk.nodeModules}) stands in for it, so the version may differ from Lambda's.`
      : `ts-lambda: ${fn.path} imports @aws-sdk/*, which the ${fn.runtime} runtime provides on Lambda, but no AWS SDK v3 was found in the project's `
        + 'node_modules to stand in for it locally: install the clients it uses (e.g. npm install --save-dev @aws-sdk/client-s3), '
        + 'or bundle them into the asset (bundling.bundleAwsSdk).');
  }
  const root = prepareTaskRoot(fn.codeDir, layerDirs, sdk, /^nodejs(\d+)/.exec(fn.runtime)?.[1], options.inspect ? 'inspect' : undefined);
  const codeDir = root.taskRoot;
  if (options.inspect) debugMapsNotice(fn, prepareDebugMaps(codeDir, [dirname(fn.codeDir), process.cwd()]), options.notice);
  let command: string[];
  let commandPrefix: readonly string[] | undefined;
  if (nodejs) {
    if (emulateArm) {
      commandPrefix = qemuPrefix(`${fn.path} (arm64, --arch arm64)`, true);
      command = nodejsCommand({ node: arm64Node(options.notice) });
    } else {
      command = nodejsCommand();
    }
  } else {
    // A Bun asset (FunctionRuntime.bun) is started through its engine, not its
    // shell-script bootstrap: qemu-user runs ELF files only, so an arm64 Bun
    // must be the program that qemu starts.
    const isBunAsset = existsSync(join(codeDir, 'bin', 'bun')) && existsSync(join(codeDir, 'ric.mjs'));
    command = isBunAsset ? bunAssetCommand(codeDir) : providedCommand(codeDir);
    if (HOST_ARCH !== 'arm64' && isArm64Elf(command[0])) commandPrefix = qemuPrefix(`${fn.path} (an arm64 ${isBunAsset ? 'Bun engine' : 'bootstrap'})`);
  }
  return {
    name: lambdaName(fn),
    codeDir,
    optDir: root.optDir,
    runtimeDir: root.runtimeDir,
    handler: fn.handler,
    command,
    commandPrefix,
    environment: env.variables,
    timeoutSeconds: fn.timeout,
    memorySize: fn.memorySize,
    runtime: fn.runtime,
    architecture: fn.architecture,
    region,
    logFormat: fn.logging?.format,
    applicationLogLevel: fn.logging?.applicationLogLevel,
    systemLogLevel: fn.logging?.systemLogLevel,
    logGroupName: fn.logging?.logGroup,
    perEnvironmentConcurrency: options.concurrency ?? templateConcurrency(fn),
    tracing: fn.tracing === 'Active' ? 'Active' : 'PassThrough',
    // inspected: one process per function (one port), one invocation at a time
    ...(options.inspect
      ? { inspect: { port: inspectPort ?? options.inspect.port, brk: options.inspect.brk }, maxConcurrency: 1, perEnvironmentConcurrency: undefined }
      : {}),
  };
}

/** Says whether breakpoints on the `.ts` lines can bind, and how to make them when they cannot. */
function debugMapsNotice(fn: FunctionInfo, maps: { maps: number; unmapped: string[] }, notice: (line: string) => void): void {
  if (maps.maps > 0) {
    notice(`ts-lambda: ${fn.path}: source map with the project's sources ready for the debugger (breakpoints on .ts lines bind)`);
    return;
  }
  notice(`ts-lambda: ${fn.path}: its asset has no source map, so a debugger sees only the bundle's JavaScript (${maps.unmapped[0] ?? fn.handler}); `
    + 'breakpoints set on .ts lines will not bind. To debug the TypeScript, set `bundling: { sourceMap: true }` on the TypeScriptFunction '
    + '(and `minify: false` to see variables by their own names), synthesize again, and run with --inspect again.');
}

/**
 * Invocations per environment of a function on a capacity provider: its
 * `PerExecutionEnvironmentMaxConcurrency`, else Lambda's default for Node.js,
 * 64 per vCPU (https://docs.aws.amazon.com/lambda/latest/dg/lambda-managed-instances-nodejs-runtime.html),
 * with the vCPUs its memory buys at `ExecutionEnvironmentMemoryGiBPerVCpu` (2 GiB by default).
 */
export function templateConcurrency(fn: FunctionInfo): number | undefined {
  const cp = fn.capacityProvider;
  if (!cp) return undefined;
  if (cp.perExecutionEnvironmentMaxConcurrency !== undefined) return cp.perExecutionEnvironmentMaxConcurrency;
  const vcpus = Math.max(1, Math.floor(fn.memorySize / 1024 / (cp.memoryGiBPerVCpu ?? 2)));
  return 64 * vcpus;
}

/** Why a call with (or without) `tenantId` cannot be made to `fn`, as Lambda refuses it; undefined when it can. */
export function tenantProblem(fn: FunctionInfo, tenantId: string | undefined): string | undefined {
  if (fn.tenancy && tenantId === undefined) {
    return `${fn.path} has tenant isolation (TenancyConfig ${fn.tenancy}): every invocation needs a tenant id `
      + '(ts-lambda invoke --tenant-id ID; serve: the X-Amz-Tenant-Id header)';
  }
  if (!fn.tenancy && tenantId !== undefined) {
    return `${fn.path} has no tenant isolation (no TenancyConfig in its template), so it takes no tenant id`;
  }
  if (tenantId !== undefined && !/^[A-Za-z0-9._:/=+@ -]{1,256}$/.test(tenantId)) {
    return `tenant id '${tenantId}': 1 to 256 letters, digits, spaces and . _ : / = + - @`;
  }
  return undefined;
}

/**
 * Refuses to run natively an asset (or layer) holding native code this
 * machine cannot load, e.g. an arm64 function's `.node` addons on x86_64:
 * Node.js would fail with a loader error, or worse load the project's own
 * build. Says to run it under qemu-user (`--arch arm64`) instead.
 */
function checkNativeCode(fn: FunctionInfo, dirs: readonly string[]): void {
  if (fn.architecture === HOST_ARCH) return;
  const foreign = dirs.flatMap((dir) => findNativeFiles(dir).map((f) => ({ ...f, dir })))
    .filter((f) => f.architecture === fn.architecture);
  if (foreign.length === 0) return;
  const list = foreign.slice(0, 3).map((f) => join(f.dir, f.file)).join(', ') + (foreign.length > 3 ? `, and ${foreign.length - 3} more` : '');
  throw new CliError(`${fn.path} is an ${fn.architecture} function whose code holds ${fn.architecture} native code (${list}) `
    + `that this ${HOST_ARCH} machine cannot load. `
    + (fn.architecture === 'arm64'
      ? 'Run it under qemu-user with --arch arm64 (e.g. `ts-lambda invoke --arch arm64 ...`).'
      : 'Run it on an x86_64 machine.'));
}

/** True when a JavaScript file of the asset (outside node_modules) imports or requires `@aws-sdk/...`. */
function importsAwsSdk(dir: string): boolean {
  const pattern = /(?:\bfrom\s*|\bimport\s*\(?\s*|\brequire\s*\(\s*)["']@aws-sdk\//;
  const visit = (current: string): boolean => readdirSync(current, { withFileTypes: true }).some((entry) => {
    const full = join(current, entry.name);
    if (entry.isDirectory()) return entry.name !== 'node_modules' && visit(full);
    return entry.isFile() && /\.(m?js|cjs)$/.test(entry.name) && statSync(full).size < 20_000_000
      && pattern.test(readFileSync(full, 'utf8'));
  });
  return visit(dir);
}

/** A FunctionRunner on the emulator; each function is registered on its first invocation and kept warm. */
export class EmulatorRunner implements FunctionRunner {
  public static async start(options: RunnerOptions): Promise<EmulatorRunner> {
    const emulator = await LambdaEmulator.start({ functions: [], onLog: options.onLog });
    return new EmulatorRunner(emulator, options);
  }

  private readonly names = new Map<FunctionInfo, string>();

  private constructor(private readonly emulator: LambdaEmulator, private readonly options: RunnerOptions) {}

  /** Registers `fn` now (checks that it can run and reports unresolved variables). */
  public prepare(fn: FunctionInfo): string {
    let name = this.names.get(fn);
    if (!name) {
      const inspect = this.options.inspect;
      const config = functionConfig(fn, this.options, inspect && inspect.port !== 0 ? inspect.port + this.names.size : undefined);
      if (inspect) {
        this.options.notice(`ts-lambda: ${fn.path} waits for a debugger on 127.0.0.1:${config.inspect!.port || '<any free port>'}`
          + `${inspect.brk ? ', stopped before the runtime client\'s first line' : ''} (chrome://inspect, or VS Code "Attach"); `
          + 'its timeout is suspended while it is paused');
      }
      this.emulator.addFunction(config);
      name = config.name;
      this.names.set(fn, name);
    }
    return name;
  }

  public async invoke(fn: FunctionInfo, event: Buffer | string, options: RunOptions = {}): Promise<RunResult> {
    const problem = tenantProblem(fn, options.tenantId);
    if (problem) throw new CliError(problem, 2);
    const name = this.prepare(fn);
    const r = await this.emulator.invoke(name, event, { tenantId: options.tenantId, onStream: options.onStream });
    const xraySegments = options.countXraySegments && fn.tracing === 'Active' ? await this.emulator.xraySegments(r.traceId) : undefined;
    return {
      requestId: r.requestId,
      ok: !r.functionError,
      payload: r.payload,
      errorType: r.errorType,
      streamed: r.streamed,
      durationMs: r.durationMs,
      initDurationMs: r.initDurationMs,
      memorySizeMB: r.memorySizeMB,
      maxMemoryUsedMB: r.maxMemoryUsedMB,
      traceId: r.traceId,
      xraySegments,
    };
  }

  public close(): Promise<void> {
    return this.emulator.close();
  }
}
