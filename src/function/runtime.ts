import * as lambda from 'aws-cdk-lib/aws-lambda';
import { RuntimeAssetContext, RuntimeBundlingDefaults } from './private/runtime-contract';

/**
 * The runtime a TypeScriptFunction runs on: the managed Node.js runtime, or a
 * custom runtime (`provided.al2023`) that the asset brings itself.
 */
export abstract class FunctionRuntime {
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
    return new NodejsRuntime(chosen);
  }

  /** The Lambda runtime the function is created with. */
  public abstract readonly lambdaRuntime: lambda.Runtime;

  /**
   * How the bundle must be built for this runtime.
   * @internal
   */
  public abstract _bundlingDefaults(architecture: lambda.Architecture): RuntimeBundlingDefaults;

  /**
   * Adds what the runtime needs to the asset besides the bundle (e.g. a
   * `bootstrap` for a custom runtime). Runs once per cache miss.
   * @internal
   */
  public _prepareAsset(_context: RuntimeAssetContext): void {
    // the managed runtimes need nothing besides the bundle
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

class NodejsRuntime extends FunctionRuntime {
  constructor(public readonly lambdaRuntime: lambda.Runtime) {
    super();
  }

  public _bundlingDefaults(): RuntimeBundlingDefaults {
    const version = /^nodejs(\d+)\.x$/.exec(this.lambdaRuntime.name)![1];
    return {
      target: `node${version}`,
      platform: 'node',
      providedModules: ['@aws-sdk/*'],
      cacheKey: this.lambdaRuntime.name,
    };
  }
}
