import { Size } from 'aws-cdk-lib';

/**
 * The module format of the bundle.
 */
export enum OutputFormat {
  /** ECMAScript modules: the bundle is `index.mjs`. */
  ESM = 'esm',
  /** CommonJS: the bundle is `index.js`. */
  CJS = 'cjs',
}

/**
 * How much esbuild prints while bundling.
 */
export enum EsbuildLogLevel {
  /** Everything, including debug output. */
  VERBOSE = 'verbose',
  /** Debug output and up. */
  DEBUG = 'debug',
  /** Informational messages and up. */
  INFO = 'info',
  /** Warnings and errors. */
  WARNING = 'warning',
  /** Errors only. */
  ERROR = 'error',
  /** Nothing. */
  SILENT = 'silent',
}

/**
 * Commands run around bundling, on the machine that synthesizes.
 *
 * Each method returns shell commands; they run in order, in `inputDir`, and a
 * failing command fails synth. Their output is cached with the bundle, so they
 * must depend only on the inputs of the bundle. `outputDir` is given as the
 * token `<asset>`, which is replaced by the real folder when a command runs,
 * so that the commands make a stable cache key.
 */
export interface ICommandHooks {
  /**
   * Commands to run before bundling.
   * @param inputDir the project root of the function
   * @param outputDir the folder that becomes the asset
   */
  beforeBundling(inputDir: string, outputDir: string): string[];

  /**
   * Commands to run before `nodeModules` are installed (only when there are any).
   * @param inputDir the project root of the function
   * @param outputDir the folder that becomes the asset
   */
  beforeInstall(inputDir: string, outputDir: string): string[];

  /**
   * Commands to run after bundling, before the native-architecture check.
   * @param inputDir the project root of the function
   * @param outputDir the folder that becomes the asset
   */
  afterBundling(inputDir: string, outputDir: string): string[];
}

/**
 * How a TypeScriptFunction is bundled by esbuild (in-process, no Docker).
 */
export interface BundlingOptions {
  /**
   * Minify the bundle (whitespace, identifiers and syntax).
   * @default true
   */
  readonly minify?: boolean;

  /**
   * Write a source map next to the bundle and set
   * `NODE_OPTIONS=--enable-source-maps` on the function. Sources from
   * `node_modules` are left out of the map to keep it small.
   * @default false
   */
  readonly sourceMap?: boolean;

  /**
   * Module format of the bundle.
   * @default - OutputFormat.CJS for a CommonJS entry (a `.cts` or `.cjs` file, or one that sets `module.exports` or `exports.x`; the bundle report says so), else OutputFormat.ESM
   */
  readonly format?: OutputFormat;

  /**
   * Modules left out of the bundle: they must be present at run time (in a
   * layer, or in the runtime itself). `@aws-sdk/*` is added on the Node.js
   * runtime unless `bundleAwsSdk` is set.
   * @default []
   */
  readonly externalModules?: string[];

  /**
   * Bundle the AWS SDK for JavaScript v3 instead of using the copy that the
   * Lambda Node.js runtime provides.
   * @default false
   */
  readonly bundleAwsSdk?: boolean;

  /**
   * Packages installed into the asset's `node_modules` instead of being
   * bundled, by the project's own package manager from its lockfile (npm,
   * pnpm, Yarn 1, Yarn 2+), exactly as locked for the handler's package
   * with their dependencies, for the function's architecture, so native
   * packages get the right build. Implies that they are external.
   * @default []
   */
  readonly nodeModules?: string[];

  /**
   * Identifiers replaced at build time, e.g. `{ 'process.env.STAGE': '"prod"' }`.
   * Values are JavaScript expressions (strings must be quoted).
   * @default {}
   */
  readonly define?: { [key: string]: string };

  /**
   * esbuild loaders by file extension, e.g. `{ '.png': 'dataurl' }`.
   * @see https://esbuild.github.io/content-types/
   * @default {}
   */
  readonly loader?: { [ext: string]: string };

  /**
   * Text prepended to the bundle. It heads the file, before the
   * `createRequire` line that ESM bundles get, except when it calls
   * `require` without declaring it (then that line comes first); a banner
   * that declares `require` itself replaces that line.
   * @default - none
   */
  readonly banner?: string;

  /**
   * Text appended to the bundle.
   * @default - none
   */
  readonly footer?: string;

  /**
   * The tsconfig file esbuild uses, relative to the project root or absolute.
   * @default - esbuild's own lookup next to the entry
   */
  readonly tsconfig?: string;

  /**
   * Write esbuild's metafile into the asset as `index.meta.json`
   * (analyse it with https://esbuild.github.io/analyze/).
   * @default false
   */
  readonly metafile?: boolean;

  /**
   * Keep function and class names when minifying.
   * @default false
   */
  readonly keepNames?: boolean;

  /**
   * The package.json fields esbuild tries when resolving a package.
   * @default - ['module', 'main'] for ESM, ['main', 'module'] for CJS
   */
  readonly mainFields?: string[];

  /**
   * esbuild's log level.
   * @default EsbuildLogLevel.WARNING
   */
  readonly logLevel?: EsbuildLogLevel;

  /**
   * Commands run before and after bundling.
   * @default - none
   */
  readonly commandHooks?: ICommandHooks;

  /**
   * Fail synth when the bundle (the entry output file) grows past this size.
   * @default - no limit
   */
  readonly maxSize?: Size;

  /**
   * The JavaScript target, e.g. `es2022` or `node22`.
   * @default - the target matching the runtime (`node24` for nodejs24.x)
   */
  readonly target?: string;

  /**
   * The project root: where `package.json` and the lockfile are, the base of
   * relative paths in the bundle, and where the bundle cache lives. Two
   * checkouts of the same project give the same asset hash.
   * @default - the nearest folder above the entry with a lockfile, else with a package.json
   */
  readonly projectRoot?: string;

  /**
   * Print the one-line bundle report of this function to stderr at synth.
   * Set the environment variable `CDK_TS_LAMBDA_QUIET=1` to silence all reports.
   * @default true
   */
  readonly report?: boolean;
}
