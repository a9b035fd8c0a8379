import * as lambda from 'aws-cdk-lib/aws-lambda';

/**
 * What a FunctionRuntime tells the bundler. Internal: runtimes are added in
 * this package, through FunctionRuntime's static factories.
 */
export interface RuntimeBundlingDefaults {
  /** esbuild target matching the runtime, e.g. `node24` or `es2023`. */
  readonly target: string;
  /**
   * esbuild platform. `browser` resolves packages as a browser bundler does
   * (the package.json `browser` field and condition: the AWS SDK's fetch
   * handler instead of node:http) while Node.js built-in modules stay
   * external, for runtimes that have node:* modules but no node:http (LLRT).
   */
  readonly platform: 'node' | 'neutral' | 'browser';
  /**
   * Modules the runtime provides (external unless `bundleAwsSdk` says to bundle
   * them). Wildcards as in esbuild's `external`.
   */
  readonly providedModules: string[];
  /** The only output format the runtime accepts, when it has one. */
  readonly requiredFormat?: 'esm' | 'cjs';
  /** Extra esbuild conditions, e.g. `['llrt']`. */
  readonly conditions?: string[];
  /**
   * Whether ESM bundles get the `createRequire` banner (the runtime must
   * have `node:module`).
   * @default true
   */
  readonly requireShim?: boolean;
  /** Anything that changes the asset besides the bundle options (versions, variants). */
  readonly cacheKey: string;
}

/** What a FunctionRuntime does; one implementation per kind of runtime. */
export interface RuntimeStrategy {
  /** The Lambda runtime the function is created with. */
  readonly lambdaRuntime: lambda.Runtime;
  /** How the bundle must be built. */
  bundlingDefaults(architecture: lambda.Architecture): RuntimeBundlingDefaults;
  /** Adds the runtime's own files to the asset. */
  prepareAsset?(context: RuntimeAssetContext): void;
}

/** Where a runtime adds its files. */
export interface RuntimeAssetContext {
  /** The folder that becomes the asset (the bundle is already in it). */
  readonly assetDir: string;
  /** The function's architecture. */
  readonly architecture: lambda.Architecture;
  /** A folder for downloads shared by all functions of the project. */
  readonly cacheDir: string;
  /** The file name of the bundle inside assetDir, e.g. `index.mjs`. */
  readonly bundleFile: string;
  /** The exported handler name. */
  readonly handler: string;
}
