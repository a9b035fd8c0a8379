import * as lambda from 'aws-cdk-lib/aws-lambda';
import { BunOptions } from './bun-options';
import { LlrtOptions } from './llrt-options';
import { BunStrategy } from './private/bun';
import { LlrtStrategy } from './private/llrt';
import { RuntimeAssetContext, RuntimeBundlingDefaults, RuntimeStrategy } from './private/runtime-contract';

/**
 * The runtime a TypeScriptFunction runs on: the managed Node.js runtime, or a
 * custom runtime (`provided.al2023`) whose engine the asset brings itself.
 */
export class FunctionRuntime {
  /**
   * The managed Node.js runtime.
   *
   * @param runtime a Node.js `lambda.Runtime`
   * @default - the newest Node.js runtime aws-cdk-lib knows (nodejs24.x with aws-cdk-lib 2.245)
   */
  public static nodejs(runtime?: lambda.Runtime): FunctionRuntime {
    const chosen = runtime ?? newestNodejsRuntime();
    if (chosen.family !== lambda.RuntimeFamily.NODEJS || !/^nodejs\d+\.x$/.test(chosen.name)) {
      throw new Error(`FunctionRuntime.nodejs(runtime): '${chosen.name}' is not a Node.js runtime; use a lambda.Runtime.NODEJS_*_X value.`);
    }
    return new FunctionRuntime(new NodejsStrategy(chosen));
  }

  /**
   * LLRT (Low Latency Runtime) on `provided.al2023`: the asset holds the
   * bundle and LLRT's `bootstrap` for the function's architecture, taken
   * from the release (downloaded once, verified against `sha256`, cached) or
   * from `binaryPath`. The bundle is ESM for ES2020, with the AWS SDK
   * clients that the chosen binary has built in left external.
   *
   * @see https://github.com/awslabs/llrt
   */
  public static llrt(options: LlrtOptions): FunctionRuntime {
    if (!options || typeof options !== 'object') {
      throw new Error('FunctionRuntime.llrt(options): options are required: { version } (a release tag such as \'v0.7.0-beta\', with sha256 of its zip) or { binaryPath } (a local LLRT bootstrap or llrt-lambda-*.zip).');
    }
    return new FunctionRuntime(new LlrtStrategy(options));
  }

  /**
   * Bun on `provided.al2023`, run by this package's runtime interface
   * client: the asset holds the bundle (ESM, everything bundled), the `bun`
   * executable for the function's architecture (the npm package
   * `@oven/bun-linux-aarch64` or `-x64` of `version`, fetched once with
   * `npm pack` and cached, or `binaryPath`), the client and a `bootstrap`.
   *
   * @see https://bun.sh
   */
  public static bun(options: BunOptions): FunctionRuntime {
    if (!options || typeof options !== 'object') {
      throw new Error('FunctionRuntime.bun(options): options are required: { version } (an exact Bun version such as \'1.2.21\') or { binaryPath } (a local Linux bun executable).');
    }
    return new FunctionRuntime(new BunStrategy(options));
  }

  /** The Lambda runtime the function is created with. */
  public readonly lambdaRuntime: lambda.Runtime;

  private constructor(private readonly strategy: RuntimeStrategy) {
    this.lambdaRuntime = strategy.lambdaRuntime;
  }

  /**
   * How the bundle must be built for this runtime.
   * @internal
   */
  public _bundlingDefaults(architecture: lambda.Architecture): RuntimeBundlingDefaults {
    return this.strategy.bundlingDefaults(architecture);
  }

  /**
   * Adds what the runtime needs to the asset besides the bundle (e.g. a
   * `bootstrap` for a custom runtime). Runs once per cache miss.
   * @internal
   */
  public _prepareAsset(context: RuntimeAssetContext): void {
    this.strategy.prepareAsset?.(context);
  }
}

/**
 * The newest Node.js runtime of the installed aws-cdk-lib, found by name so a
 * newer aws-cdk-lib brings a newer default without a release of ours.
 */
function newestNodejsRuntime(): lambda.Runtime {
  let best: { version: number; runtime: lambda.Runtime } | undefined;
  for (const key of Object.getOwnPropertyNames(lambda.Runtime)) {
    const match = /^NODEJS_(\d+)_X$/.exec(key);
    if (!match) continue;
    const runtime = (lambda.Runtime as unknown as Record<string, lambda.Runtime>)[key];
    const version = Number(match[1]);
    if (!best || version > best.version) best = { version, runtime };
  }
  if (!best) throw new Error('aws-cdk-lib defines no Node.js runtime (lambda.Runtime.NODEJS_*_X).');
  return best.runtime;
}

/** The managed Node.js runtime: it provides the AWS SDK v3. */
class NodejsStrategy implements RuntimeStrategy {
  constructor(public readonly lambdaRuntime: lambda.Runtime) {}

  public bundlingDefaults(): RuntimeBundlingDefaults {
    const version = /^nodejs(\d+)\.x$/.exec(this.lambdaRuntime.name)![1];
    return {
      target: `node${version}`,
      platform: 'node',
      providedModules: ['@aws-sdk/*'],
      cacheKey: this.lambdaRuntime.name,
    };
  }
}
