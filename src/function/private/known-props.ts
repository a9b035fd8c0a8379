import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { editDistance } from '../../private/edit-distance';
import { propError } from '../../private/errors';
import type { BundlingOptions } from '../bundling-options';

/**
 * Every key of T, as an object literal: TypeScript refuses a literal that
 * misses a key or has one too many, so these lists follow the interfaces
 * they name (and aws-cdk-lib's, at the version this package compiles
 * against) or the build fails.
 */
type EveryKey<T> = { readonly [K in keyof Required<T>]: true };

const BUNDLING_KEYS: EveryKey<BundlingOptions> = {
  minify: true,
  sourceMap: true,
  format: true,
  externalModules: true,
  bundleAwsSdk: true,
  nodeModules: true,
  define: true,
  loader: true,
  banner: true,
  footer: true,
  tsconfig: true,
  metafile: true,
  keepNames: true,
  mainFields: true,
  logLevel: true,
  commandHooks: true,
  maxSize: true,
  target: true,
  projectRoot: true,
  report: true,
};

/**
 * TypeScriptFunction's own props (those not in `lambda.FunctionOptions`).
 * typescript-function.ts, where the props are declared, checks at compile
 * time that this list and its props interface name the same keys.
 */
export const OWN_KEYS = {
  entry: true, handler: true, runtime: true, bundling: true, logGroupRetention: true,
} as const;

const FUNCTION_OPTIONS_KEYS: EveryKey<lambda.FunctionOptions> = {
  description: true,
  timeout: true,
  environment: true,
  functionName: true,
  memorySize: true,
  ephemeralStorageSize: true,
  initialPolicy: true,
  role: true,
  vpc: true,
  ipv6AllowedForDualStack: true,
  vpcSubnets: true,
  securityGroups: true,
  allowAllOutbound: true,
  allowAllIpv6Outbound: true,
  deadLetterQueueEnabled: true,
  deadLetterQueue: true,
  deadLetterTopic: true,
  tracing: true,
  snapStart: true,
  profiling: true,
  profilingGroup: true,
  insightsVersion: true,
  adotInstrumentation: true,
  paramsAndSecrets: true,
  layers: true,
  reservedConcurrentExecutions: true,
  events: true,
  logRetention: true,
  logRemovalPolicy: true,
  logRetentionRole: true,
  logRetentionRetryOptions: true,
  currentVersionOptions: true,
  filesystem: true,
  allowPublicSubnet: true,
  environmentEncryption: true,
  codeSigningConfig: true,
  architecture: true,
  runtimeManagementMode: true,
  tenancyConfig: true,
  durableConfig: true,
  logGroup: true,
  logFormat: true,
  loggingFormat: true,
  recursiveLoop: true,
  applicationLogLevel: true,
  applicationLogLevelV2: true,
  systemLogLevel: true,
  systemLogLevelV2: true,
  onFailure: true,
  onSuccess: true,
  maxEventAge: true,
  retryAttempts: true,
};

const NO_DOCKER = 'has no equivalent: bundling runs in-process, without Docker.';

/**
 * NodejsFunction's props (aws-cdk-lib 2.245.0 `NodejsFunctionProps`) that
 * TypeScriptFunction does not have, and what to do instead. The README's
 * migration table says the same.
 */
export const NODEJS_FUNCTION_PROPS: { readonly [name: string]: string } = {
  runtime: 'takes a FunctionRuntime: FunctionRuntime.nodejs(Runtime.NODEJS_22_X).',
  awsSdkConnectionReuse: 'has no equivalent and needs none: the AWS SDK v3 reuses connections by default (the variable it set is for SDK v2; set AWS_NODEJS_CONNECTION_REUSE_ENABLED in `environment` if you bundle v2).',
  depsLockFilePath: 'is `bundling.projectRoot`: the folder that holds the lockfile.',
  projectRoot: 'is `bundling.projectRoot`.',
  code: 'has no equivalent: the code is the bundle of `entry`; for code built elsewhere use lambda.Function.',
};

/**
 * NodejsFunction's bundling options (aws-cdk-lib 2.245.0 `BundlingOptions`,
 * with its Docker options) that TypeScriptFunction does not have, and what
 * to do instead.
 */
export const NODEJS_BUNDLING_OPTIONS: { readonly [name: string]: string } = {
  bundleAwsSDK: 'is spelled `bundleAwsSdk` here.',
  sourceMapMode: 'has no equivalent: `sourceMap: true` writes a linked map (index.mjs.map) and sets NODE_OPTIONS=--enable-source-maps.',
  sourcesContent: 'has no equivalent: maps never carry the sources\' content (smaller assets).',
  charset: 'has no equivalent: bundles are always UTF-8.',
  esbuildVersion: 'has no equivalent: the project\'s own `esbuild` is used (npm install -D esbuild@<version>), else the esbuild-wasm this package ships.',
  esbuildArgs: 'has no equivalent: use the typed options (define, loader, mainFields, target, banner, footer, ...); open an issue for a missing esbuild option.',
  inject: 'has no equivalent: import the module at the top of the entry (esbuild keeps its side effects), or use `define` or `banner`.',
  preCompilation: 'has no equivalent: esbuild does not type-check; run `tsc --noEmit` in your build or tests.',
  assetHash: 'has no equivalent and needs none: the asset hash is a content hash of the asset, the same on every machine.',
  forceDockerBundling: NO_DOCKER,
  dockerImage: NO_DOCKER,
  buildArgs: NO_DOCKER,
  bundlingFileAccess: NO_DOCKER,
  entrypoint: NO_DOCKER,
  command: NO_DOCKER,
  volumes: NO_DOCKER,
  volumesFrom: NO_DOCKER,
  workingDirectory: NO_DOCKER,
  user: NO_DOCKER,
  securityOpt: NO_DOCKER,
  network: NO_DOCKER,
  platform: NO_DOCKER,
  environment: 'has no equivalent: bundling runs in your process and its command hooks inherit its environment; the function\'s own variables go in the top-level `environment`.',
};

/**
 * Refuses keys that TypeScriptFunction does not know, in its props and in
 * `bundling`: a JavaScript app, or TypeScript run without type checks,
 * would otherwise lose them silently. Each gets NodejsFunction's
 * equivalent when it is one of its props, else the closest valid name.
 * Keys whose value is `undefined` carry nothing and are let through.
 */
export function checkKnownKeys(label: string, props: object): void {
  const problems: string[] = [];
  for (const key of unknownKeys(props, isFunctionPropKey)) {
    const advice = NODEJS_FUNCTION_PROPS[key];
    if (advice) problems.push(`${key} is NodejsFunction's and ${advice}`);
    else if (key in BUNDLING_KEYS) problems.push(`${key} is not a prop of TypeScriptFunction: did you mean bundling.${key}?`);
    else problems.push(`${key} is not a prop of TypeScriptFunction${suggest(key, [...Object.keys(OWN_KEYS), ...Object.keys(FUNCTION_OPTIONS_KEYS)])}`);
  }
  const bundling = (props as { bundling?: unknown }).bundling;
  if (bundling !== undefined && (bundling === null || typeof bundling !== 'object')) {
    throw propError(label, 'bundling', `must be an object of bundling options, got ${bundling === null ? 'null' : typeof bundling}.`);
  }
  for (const key of unknownKeys(bundling ?? {}, (k) => k in BUNDLING_KEYS)) {
    const advice = NODEJS_BUNDLING_OPTIONS[key];
    if (advice && key === 'bundleAwsSDK') problems.push(`bundling.${key} is not a bundling option: did you mean bundleAwsSdk? (NodejsFunction spells it bundleAwsSDK)`);
    else if (advice) problems.push(`bundling.${key} is NodejsFunction's and ${advice}`);
    else if (key in OWN_KEYS || isFunctionPropKey(key)) problems.push(`bundling.${key} is not a bundling option: did you mean the top-level prop ${key}?`);
    else problems.push(`bundling.${key} is not a bundling option${suggest(key, Object.keys(BUNDLING_KEYS))}`);
  }
  if (problems.length > 0) {
    throw new Error(`${label}: unknown props (nothing is silently ignored):\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  }
}

function unknownKeys(obj: object, known: (key: string) => boolean): string[] {
  return Object.keys(obj).filter((key) => (obj as Record<string, unknown>)[key] !== undefined && !known(key));
}

function isFunctionPropKey(key: string): boolean {
  return key in OWN_KEYS || key in FUNCTION_OPTIONS_KEYS || installedFunctionOptionKeys().has(key);
}

let installed: Set<string> | undefined;

/**
 * The `lambda.FunctionOptions` props of the aws-cdk-lib that is installed,
 * read from its type declarations: an app on a newer aws-cdk-lib than this
 * package was built with may pass props that FUNCTION_OPTIONS_KEYS does not
 * list yet. Read only when a key is unknown, once.
 */
export function installedFunctionOptionKeys(): Set<string> {
  if (installed) return installed;
  installed = new Set();
  try {
    const lib = join(dirname(require.resolve('aws-cdk-lib/package.json')), 'aws-lambda', 'lib');
    for (const [file, iface] of [['function.d.ts', 'FunctionOptions'], ['event-invoke-config.d.ts', 'EventInvokeConfigOptions']]) {
      const path = join(lib, file);
      if (!existsSync(path)) continue;
      const body = new RegExp(`export interface ${iface}\\b[^{]*\\{([\\s\\S]*?)\\n\\}`).exec(readFileSync(path, 'utf8'))?.[1] ?? '';
      for (const match of body.matchAll(/^ {4}readonly (\w+)\??:/gm)) installed.add(match[1]);
    }
  } catch {
    // no declarations to read: the compiled-in list stands
  }
  return installed;
}

/** `: did you mean x?` for the closest name, when one is close enough; else the names allowed. */
function suggest(key: string, names: string[]): string {
  let best: { name: string; distance: number } | undefined;
  for (const name of names) {
    const distance = editDistance(key, name);
    if (!best || distance < best.distance) best = { name, distance };
  }
  if (best && best.distance <= Math.max(2, Math.floor(key.length / 3))) return `: did you mean ${best.name}?`;
  return names.length <= 25 ? `; allowed: ${[...names].sort().join(', ')}.` : ' (see TypeScriptFunctionProps).';
}

/** The names the checks allow, for tests. */
export const KNOWN_KEYS = {
  bundling: Object.keys(BUNDLING_KEYS),
  own: Object.keys(OWN_KEYS),
  functionOptions: Object.keys(FUNCTION_OPTIONS_KEYS),
};
