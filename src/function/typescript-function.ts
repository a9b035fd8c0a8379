import { existsSync, statSync } from 'node:fs';
import { extname, isAbsolute, resolve } from 'node:path';
import { Annotations, RemovalPolicy } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { BundlingOptions } from './bundling-options';
import { buildBundle, BundlePlan, BundleResult, cachedBundle, canShareBuild, planBundle } from './private/bundler';
import { buildPendingBundles, deferBundle, PendingBundleCode } from './private/deferred-bundles';
import { checkKnownKeys, OWN_KEYS } from './private/known-props';
import { cacheDirFor, findProjectRoot } from './private/project';
import { reportLine } from './private/report';
import { FunctionRuntime } from './runtime';
import { propError } from '../private/errors';

/** The entry file extensions esbuild can bundle as a handler. */
const ENTRY_EXTENSIONS = ['.ts', '.mts', '.cts', '.tsx', '.js', '.mjs', '.cjs', '.jsx'];

/**
 * Properties of a TypeScriptFunction: the entry and how to bundle it, plus
 * every `lambda.FunctionOptions` prop, passed through.
 */
export interface TypeScriptFunctionProps extends lambda.FunctionOptions {
  /**
   * The handler's source file (TypeScript or JavaScript), absolute or
   * relative to the current working directory.
   */
  readonly entry: string;

  /**
   * The name of the exported handler function in `entry`.
   * @default 'handler'
   */
  readonly handler?: string;

  /**
   * The runtime: the managed Node.js runtime, or a custom runtime.
   * @default FunctionRuntime.nodejs() - the newest Node.js runtime aws-cdk-lib knows
   */
  readonly runtime?: FunctionRuntime;

  /**
   * How the entry is bundled.
   * @default - minified ESM bundle, AWS SDK v3 external on Node.js
   */
  readonly bundling?: BundlingOptions;

  /**
   * How long the log group that the construct creates keeps logs. Ignored
   * when `logGroup` is given.
   * @default logs.RetentionDays.ONE_MONTH
   */
  readonly logGroupRetention?: logs.RetentionDays;
}

/** True when A and B are the same set of keys. */
type SameKeys<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
/**
 * The unknown-prop check (private/known-props.ts) lists the props above by
 * name; this fails to compile when a prop is added or removed here and not
 * there.
 */
const OWN_KEYS_MATCH_PROPS: SameKeys<keyof typeof OWN_KEYS, Exclude<keyof TypeScriptFunctionProps, keyof lambda.FunctionOptions>> = true;
void OWN_KEYS_MATCH_PROPS;

/**
 * A Lambda function written in TypeScript (or JavaScript), bundled with
 * esbuild in-process at synth time (no Docker), on arm64 by default, with
 * JSON logs in a log group that has a retention.
 *
 * @example
 * new TypeScriptFunction(this, 'Hello', { entry: 'src/handlers/hello.ts' });
 */
export class TypeScriptFunction extends lambda.Function {
  /** The runtime the function was built for. */
  public readonly functionRuntime: FunctionRuntime;

  /**
   * The execution role that the construct created, when neither `role` nor
   * `vpc` was given: it may write to the function's log group, nothing else.
   */
  public readonly createdRole?: iam.Role;

  /** The log group that the construct created, when `logGroup` was not given. */
  public readonly createdLogGroup?: logs.LogGroup;

  private bundleResult?: BundleResult;

  constructor(scope: Construct, id: string, props: TypeScriptFunctionProps) {
    const label = scope.node.path ? `${scope.node.path}/${id}` : id;
    const prepared = prepare(label, props);
    const bundling = props.bundling ?? {};

    // A cached bundle is used at once. A cache miss that can share its
    // esbuild call with the app's other functions waits for them (see
    // deferred-bundles.ts); any other miss is built now.
    let result = cachedBundle(prepared.plan);
    let buildMs = 0;
    if (!result && !canShareBuild(prepared.plan)) {
      const started = Date.now();
      result = buildBundle(prepared.plan);
      buildMs = Date.now() - started;
    }
    const note = prepared.plan.formatNote;
    if (result) checkBundle(label, bundling, result, buildMs, note);
    const code = result
      ? lambda.Code.fromAsset(result.assetDir, { assetHash: result.assetHash })
      : new PendingBundleCode(label);

    let createdLogGroup: logs.LogGroup | undefined;
    let logGroup = props.logGroup;
    if (!logGroup && !props.logRetention) {
      // create it in the scope, before the function, so it can be passed in
      createdLogGroup = new logs.LogGroup(scope, `${id}LogGroup`, {
        retention: props.logGroupRetention ?? logs.RetentionDays.ONE_MONTH,
        removalPolicy: RemovalPolicy.RETAIN,
      });
      logGroup = createdLogGroup;
    }

    // Least privilege: without a VPC (whose network interfaces need AWS's
    // managed VPC policy), the execution role may write to its own log group
    // and nothing else, instead of AWSLambdaBasicExecutionRole's logs:* on
    // every log group of the account.
    let role = props.role;
    let createdRole: iam.Role | undefined;
    if (!role && !props.vpc && logGroup) {
      // The statement is an inline policy of the role itself rather than a
      // separate AWS::IAM::Policy: one resource less per function, and the
      // function cannot start before its role may write its logs. Grants
      // added later (addToRolePolicy) still go into the role's default policy.
      createdRole = new iam.Role(scope, `${id}ServiceRole`, {
        assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
        description: `Execution role of ${label}`,
        inlinePolicies: {
          WriteLogs: new iam.PolicyDocument({
            statements: [new iam.PolicyStatement({
              actions: ['logs:CreateLogStream', 'logs:PutLogEvents'],
              resources: [logGroup.logGroupRef.logGroupArn],
            })],
          }),
        },
      });
      role = createdRole;
    }

    super(scope, id, {
      ...props,
      role,
      runtime: prepared.runtime.lambdaRuntime,
      architecture: prepared.architecture,
      handler: `${prepared.plan.bundleFile.replace(/\.m?js$/, '')}.${prepared.handler}`,
      code,
      environment: prepared.environment,
      loggingFormat: props.loggingFormat ?? lambda.LoggingFormat.JSON,
      logGroup,
    });

    this.functionRuntime = prepared.runtime;
    this.createdLogGroup = createdLogGroup;
    this.createdRole = createdRole;
    this.bundleResult = result;
    if (code instanceof PendingBundleCode) {
      deferBundle(this, {
        plan: prepared.plan,
        complete: (built, ms) => {
          checkBundle(label, bundling, built, ms, note);
          this.bundleResult = built;
          code.complete(built);
        },
      });
    }
    if (props.logGroupRetention && props.logGroup) {
      Annotations.of(this).addWarningV2('cdk-ts-lambda:logGroupRetentionIgnored', 'logGroupRetention is ignored because logGroup is given.');
    }
  }

  /**
   * Size of the bundle file in bytes. Reading it before synthesis bundles
   * the app's pending functions (a cache miss is otherwise bundled at synth).
   */
  public get bundleSize(): number {
    return this.bundled().bundleBytes;
  }

  /**
   * The local folder of the asset (cached bundle plus runtime files).
   * Reading it before synthesis bundles the app's pending functions.
   */
  public get assetPath(): string {
    return this.bundled().assetDir;
  }

  /** The bundle, built now (with the app's other pending bundles) if it is still pending. */
  private bundled(): BundleResult {
    if (!this.bundleResult) buildPendingBundles(this);
    if (!this.bundleResult) throw new Error(`${this.node.path}: the bundle was not built.`);
    return this.bundleResult;
  }
}

interface Prepared {
  readonly runtime: FunctionRuntime;
  readonly architecture: lambda.Architecture;
  readonly handler: string;
  readonly plan: BundlePlan;
  readonly environment: { [key: string]: string };
}

/** Validates the props and plans the bundle (its esbuild options and cache slot). */
function prepare(label: string, props: TypeScriptFunctionProps): Prepared {
  if (!props || typeof props !== 'object') throw propError(label, 'props', 'are required: at least { entry }.');
  checkKnownKeys(label, props);
  if (!props.entry) throw propError(label, 'entry', 'is required: the path of the handler source file.');
  const entry = isAbsolute(props.entry) ? props.entry : resolve(props.entry);
  if (!existsSync(entry) || !statSync(entry).isFile()) {
    throw propError(label, 'entry', `'${props.entry}' does not exist (resolved to ${entry}).`);
  }
  if (!ENTRY_EXTENSIONS.includes(extname(entry))) {
    throw propError(label, 'entry', `'${props.entry}' has an unsupported extension '${extname(entry)}'; allowed: ${ENTRY_EXTENSIONS.join(', ')}.`);
  }
  const handler = props.handler ?? 'handler';
  if (!/^[A-Za-z_$][\w$]*$/.test(handler)) {
    throw propError(label, 'handler', `'${handler}' must be the name of an exported function (a JavaScript identifier), not a file path.`);
  }
  const runtime = props.runtime ?? FunctionRuntime.nodejs();
  checkRuntime(label, runtime);
  const architecture = props.architecture ?? lambda.Architecture.ARM_64;
  const archName = architecture.name;
  if (archName !== 'arm64' && archName !== 'x86_64') {
    throw propError(label, 'architecture', `'${archName}' is not supported; use Architecture.ARM_64 or Architecture.X86_64.`);
  }
  const bundling = props.bundling ?? {};
  validateBundling(label, bundling);

  const projectRoot = bundling.projectRoot ? resolve(bundling.projectRoot) : findProjectRoot(entry);
  if (!entry.startsWith(projectRoot)) {
    throw propError(label, 'bundling.projectRoot', `'${projectRoot}' must contain the entry ${entry}.`);
  }
  const defaults = runtime._bundlingDefaults(architecture);
  const plan = planBundle({
    entry,
    projectRoot,
    cacheDir: cacheDirFor(projectRoot),
    handler,
    architecture: archName,
    runtime: defaults,
    prepareAsset: (ctx) => runtime._prepareAsset({ ...ctx, architecture }),
    bundling,
    label,
  });

  const environment: { [key: string]: string } = { ...(props.environment ?? {}) };
  if (bundling.sourceMap) {
    const current = environment.NODE_OPTIONS;
    if (!current?.includes('--enable-source-maps')) {
      environment.NODE_OPTIONS = current ? `${current} --enable-source-maps` : '--enable-source-maps';
    }
  }
  return { runtime, architecture, handler, plan, environment };
}

/**
 * A `lambda.Runtime` given as `runtime` (NodejsFunction's habit) type-checks
 * only in JavaScript or without type checks: say what to write instead. It
 * is not accepted as is, because a union type would make the prop an
 * untyped object in Java, C# and Go.
 */
function checkRuntime(label: string, runtime: unknown): asserts runtime is FunctionRuntime {
  if (runtime instanceof FunctionRuntime || typeof (runtime as FunctionRuntime)?._bundlingDefaults === 'function') return;
  const name = (runtime as { name?: unknown } | undefined)?.name;
  const family = (runtime as { family?: unknown } | undefined)?.family;
  if (typeof name === 'string' && family !== undefined) {
    const nodejs = /^nodejs(\d+)\.x$/.exec(name);
    if (nodejs) {
      throw propError(label, 'runtime', `is the lambda.Runtime '${name}'; TypeScriptFunction takes a FunctionRuntime: write \`runtime: FunctionRuntime.nodejs(Runtime.NODEJS_${nodejs[1]}_X)\`.`);
    }
    if (name.startsWith('provided')) {
      throw propError(label, 'runtime', `is the lambda.Runtime '${name}'; TypeScriptFunction takes a FunctionRuntime: for a custom runtime write \`FunctionRuntime.llrt({ version })\` or \`FunctionRuntime.bun({ version })\`.`);
    }
    throw propError(label, 'runtime', `is the lambda.Runtime '${name}', which does not run JavaScript; use FunctionRuntime.nodejs(), FunctionRuntime.llrt({ version }) or FunctionRuntime.bun({ version }).`);
  }
  throw propError(label, 'runtime', `must be a FunctionRuntime (FunctionRuntime.nodejs(), .llrt({ version }) or .bun({ version })), got ${describeValue(runtime)}.`);
}

/** A short description of a value for an error message. */
function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (typeof value !== 'object') return `${typeof value} ${JSON.stringify(value)}`;
  return `an object (${value.constructor?.name ?? 'Object'})`;
}

/** Checks a built or cached bundle against `maxSize` and prints its report line. */
function checkBundle(label: string, bundling: BundlingOptions, result: BundleResult, ms: number, note?: string): void {
  if (bundling.maxSize && result.bundleBytes > bundling.maxSize.toBytes()) {
    throw propError(label, 'bundling.maxSize', `is ${bundling.maxSize.toBytes()} bytes but the bundle ${result.bundleFile} is ${result.bundleBytes} bytes. Largest inputs: ${result.topInputs.map((i) => `${i.path} (${i.bytes} B)`).join(', ')}.`);
  }
  if ((bundling.report ?? true) && !process.env.CDK_TS_LAMBDA_QUIET) {
    process.stderr.write(reportLine(label, result, ms, note) + '\n');
  }
}

function validateBundling(label: string, b: BundlingOptions): void {
  const overlap = (b.nodeModules ?? []).filter((m) => (b.externalModules ?? []).includes(m));
  if (overlap.length > 0) {
    throw propError(label, 'bundling.nodeModules', `and bundling.externalModules both list ${overlap.join(', ')}; a module is either installed into the asset (nodeModules) or provided at run time (externalModules), not both.`);
  }
  if (b.maxSize && b.maxSize.toBytes() <= 0) {
    throw propError(label, 'bundling.maxSize', 'must be a positive size.');
  }
  if (b.tsconfig && !existsSync(resolve(b.projectRoot ?? '.', b.tsconfig)) && !existsSync(resolve(b.tsconfig))) {
    throw propError(label, 'bundling.tsconfig', `'${b.tsconfig}' does not exist.`);
  }
  for (const [ext, loader] of Object.entries(b.loader ?? {})) {
    if (!ext.startsWith('.')) throw propError(label, 'bundling.loader', `keys are file extensions starting with '.', got '${ext}'.`);
    const allowed = ['base64', 'binary', 'copy', 'css', 'dataurl', 'default', 'empty', 'file', 'js', 'json', 'jsx', 'local-css', 'text', 'ts', 'tsx'];
    if (!allowed.includes(loader)) throw propError(label, `bundling.loader['${ext}']`, `'${loader}' is not an esbuild loader; allowed: ${allowed.join(', ')}.`);
  }
  if (b.target !== undefined && !/^(es\d{4}|esnext|node\d+(\.\d+)*)$/.test(b.target)) {
    throw propError(label, 'bundling.target', `'${b.target}' is not an esbuild target such as 'es2022' or 'node22'.`);
  }
}
