/**
 * Reads a cloud assembly (`cdk.out`) the way the CDK CLI deploys it:
 * manifest.json → stacks → their templates and asset manifests, nested
 * stages (`assembly-*`) included. Finds every Lambda function with its
 * unpacked zip asset, and every HTTP API with its routes, integrations and
 * authorizers.
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { CliError } from './errors';
import { CorsConfig, readCors } from './http/cors';
import { referencedId, referencedIds, resolveValue } from './tokens';
import { readTriggerSources, TriggerSource } from './triggers';

/** A Lambda function of the assembly. */
export interface FunctionInfo {
  /** The construct path, e.g. `MyStack/Api/Handler` (the `/Resource` of the L1 left out). */
  readonly path: string;
  readonly logicalId: string;
  /** The stack's artifact id. */
  readonly stack: string;
  /** e.g. `nodejs22.x`, `provided.al2023`; '' when not set. */
  readonly runtime: string;
  readonly architecture: 'x86_64' | 'arm64';
  readonly handler: string;
  /** The unpacked code (the asset folder), when the code is a zip asset. */
  readonly codeDir?: string;
  /** Bytes of the asset folder. */
  readonly assetSize?: number;
  readonly memorySize: number;
  readonly timeout: number;
  /** `Environment.Variables` as in the template (values may be CloudFormation expressions). */
  readonly environment: Readonly<Record<string, unknown>>;
  /** The literal `FunctionName`, if the template sets one. */
  readonly functionName?: string;
  /** Why it cannot run locally; undefined when it can. */
  readonly unsupported?: string;
  /** The template's `Layers` of the function, in order. */
  readonly layers?: readonly LayerInfo[];
  /** `LoggingConfig`: log format and levels. */
  readonly logging?: LoggingInfo;
  /** `TenancyConfig.TenantIsolationMode` (`PER_TENANT`): every invocation needs a tenant id. */
  readonly tenancy?: string;
  /** `TracingConfig.Mode` (`Active`, `PassThrough`). */
  readonly tracing?: string;
  /** `EphemeralStorage.Size` in MB. */
  readonly ephemeralStorageMB?: number;
  /** The function runs on a capacity provider (Lambda Managed Instances). */
  readonly capacityProvider?: CapacityProviderInfo;
  /**
   * Settings of the template the local runner does not honour (or honours in
   * part), one sentence each; `ts-lambda list` shows them in its NOTE column.
   */
  readonly notes?: readonly string[];
  /**
   * What calls it in the template: `sqs`, `kafka`, `kinesis`, `dynamodb`
   * (event source mappings), `http` (an HTTP API route), `http-authorizer`,
   * `url` (a function URL). Filled in after all resources are read.
   */
  readonly triggers: string[];
  /** The queues, topics, buckets, rules and streams that invoke it (see triggers.ts). */
  readonly sources: TriggerSource[];
  /** `RESPONSE_STREAM` when its function URL streams (`AWS::Lambda::Url` `InvokeMode`); else buffered. */
  readonly urlInvokeMode?: 'RESPONSE_STREAM';
}

/** `LoggingConfig` of a function. */
export interface LoggingInfo {
  /** `Text` or `JSON`. */
  readonly format: 'Text' | 'JSON';
  /** `ApplicationLogLevel` (JSON only). */
  readonly applicationLogLevel?: string;
  /** `SystemLogLevel` (JSON only). */
  readonly systemLogLevel?: string;
  /** The name of its `LogGroup`, when the template gives it. */
  readonly logGroup?: string;
}

/** `CapacityProviderConfig.LambdaManagedInstancesCapacityProviderConfig` of a function. */
export interface CapacityProviderInfo {
  /** `PerExecutionEnvironmentMaxConcurrency`, when set. */
  readonly perExecutionEnvironmentMaxConcurrency?: number;
  /** `ExecutionEnvironmentMemoryGiBPerVCpu`, when set. */
  readonly memoryGiBPerVCpu?: number;
}

/** A layer of a function. */
export interface LayerInfo {
  /** The `AWS::Lambda::LayerVersion` logical id, or the layer as written in the template (an ARN...). */
  readonly name: string;
  /** The unpacked layer (its asset folder), when it is an asset of this assembly. */
  readonly dir?: string;
  /** Why it cannot be provided locally; undefined when it can. */
  readonly unsupported?: string;
}

/** The sample event (see events.ts) that fits a trigger. */
export const TRIGGER_EVENTS: Readonly<Record<string, string>> = {
  'sqs': 'sqs-json',
  'kafka': 'kafka-json',
  'http': 'http',
  'http-authorizer': 'http-authorizer-bearer',
  'url': 'http',
};

/** A Lambda REQUEST or JWT authorizer of an HTTP API. */
export interface AuthorizerInfo {
  readonly logicalId: string;
  readonly name: string;
  readonly type: 'REQUEST' | 'JWT' | string;
  /** Path of the authorizer function (REQUEST). */
  readonly functionPath?: string;
  /** e.g. `['$request.header.Authorization']` */
  readonly identitySource: readonly string[];
  readonly ttlSeconds: number;
  readonly simpleResponses: boolean;
  readonly payloadFormatVersion: string;
}

export interface RouteInfo {
  readonly logicalId: string;
  /** `GET /pets/{id}`, `ANY /{proxy+}`, `$default` */
  readonly routeKey: string;
  /** Path of the integrated function; undefined for non-Lambda integrations. */
  readonly functionPath?: string;
  /** Why the integration cannot be served locally. */
  readonly unsupported?: string;
  readonly payloadFormatVersion: string;
  /** `NONE`, `CUSTOM`, `JWT`, `AWS_IAM` */
  readonly authorizationType: string;
  readonly authorizer?: AuthorizerInfo;
}

/** An HTTP API (API Gateway v2, protocol HTTP). */
export interface HttpApiInfo {
  readonly path: string;
  readonly logicalId: string;
  readonly stack: string;
  readonly name: string;
  readonly routes: readonly RouteInfo[];
  readonly stageName: string;
  /** The stage's `StageVariables` (resolvable values only). */
  readonly stageVariables?: Readonly<Record<string, string>>;
  /** `CorsConfiguration`, when the API has one. */
  readonly cors?: CorsConfig;
}

export interface Assembly {
  readonly dir: string;
  readonly functions: readonly FunctionInfo[];
  readonly httpApis: readonly HttpApiInfo[];
}

interface Resource {
  readonly Type: string;
  readonly Properties?: Record<string, any>;
  readonly Metadata?: Record<string, any>;
}

/** Reads the assembly in `dir`; a CliError says what is missing. */
export function readAssembly(dir: string): Assembly {
  const abs = resolve(dir);
  const manifestFile = join(abs, 'manifest.json');
  if (!existsSync(manifestFile)) {
    throw new CliError(
      `no cloud assembly in ${abs} (no manifest.json). Synthesize your app first (\`npx cdk synth\`), `
      + 'point to it with --assembly DIR, or let ts-lambda synthesize it with --app "<command>".',
    );
  }
  const functions: FunctionInfo[] = [];
  const httpApis: HttpApiInfo[] = [];
  readInto(abs, functions, httpApis);
  return { dir: abs, functions, httpApis };
}

function readJson(file: string): any {
  try {
    return JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new CliError(`cannot read ${file}: ${(err as Error).message}`);
  }
}

function readInto(dir: string, functions: FunctionInfo[], httpApis: HttpApiInfo[]): void {
  const manifest = readJson(join(dir, 'manifest.json'));
  const artifacts: Record<string, any> = manifest.artifacts ?? {};
  for (const [id, artifact] of Object.entries(artifacts)) {
    if (artifact.type === 'cdk:cloud-assembly' && artifact.properties?.directoryName) {
      const nested = join(dir, artifact.properties.directoryName);
      if (existsSync(join(nested, 'manifest.json'))) readInto(nested, functions, httpApis);
      continue;
    }
    if (artifact.type !== 'aws:cloudformation:stack') continue;
    const templateFile = join(dir, artifact.properties?.templateFile ?? `${id}.template.json`);
    if (!existsSync(templateFile)) continue;
    const template = readJson(templateFile);
    const assetPaths = assetSources(dir, artifacts, artifact);
    const pathOf = logicalIdPaths(dir, artifact, artifact.displayName ?? id);
    readStack(dir, id, template, assetPaths, pathOf, functions, httpApis);
  }
}

/** asset hash → absolute source path, from the stack's asset manifests. */
function assetSources(dir: string, artifacts: Record<string, any>, stack: any): Map<string, { path: string; packaging: string }> {
  const map = new Map<string, { path: string; packaging: string }>();
  for (const dep of stack.dependencies ?? []) {
    const a = artifacts[dep];
    if (a?.type !== 'cdk:asset-manifest' || !a.properties?.file) continue;
    const file = join(dir, a.properties.file);
    if (!existsSync(file)) continue;
    const files = readJson(file).files ?? {};
    for (const [hash, entry] of Object.entries<any>(files)) {
      if (entry.source?.path) map.set(hash, { path: join(dir, entry.source.path), packaging: entry.source.packaging ?? 'file' });
    }
  }
  return map;
}

/** logical id → construct path, from the stack's metadata (used when templates lack `aws:cdk:path`). */
function logicalIdPaths(dir: string, stack: any, stackName: string): (logicalId: string, resource: Resource) => string {
  const byId = new Map<string, string>();
  let metadata: Record<string, any[]> = stack.metadata ?? {};
  if (stack.additionalMetadataFile && existsSync(join(dir, stack.additionalMetadataFile))) {
    metadata = { ...metadata, ...readJson(join(dir, stack.additionalMetadataFile)) };
  }
  for (const [path, entries] of Object.entries(metadata)) {
    for (const entry of entries ?? []) {
      if (entry?.type === 'aws:cdk:logicalId' && typeof entry.data === 'string') byId.set(entry.data, path.replace(/^\//, ''));
    }
  }
  return (logicalId, resource) => {
    const raw = resource.Metadata?.['aws:cdk:path'] ?? byId.get(logicalId) ?? `${stackName}/${logicalId}`;
    return String(raw).replace(/\/Resource$/, '');
  };
}

function readStack(
  dir: string,
  stack: string,
  template: any,
  assets: Map<string, { path: string; packaging: string }>,
  pathOf: (logicalId: string, resource: Resource) => string,
  functions: FunctionInfo[],
  httpApis: HttpApiInfo[],
): void {
  const resources: Record<string, Resource> = template.Resources ?? {};
  const fnPaths = new Map<string, string>();
  for (const [logicalId, resource] of Object.entries(resources)) {
    if (resource.Type !== 'AWS::Lambda::Function') continue;
    const fn = readFunction(dir, stack, logicalId, resource, assets, pathOf(logicalId, resource), resources);
    functions.push(fn);
    fnPaths.set(logicalId, fn.path);
  }
  const trigger = (fnPath: string | undefined, kind: string) => {
    const fn = functions.find((f) => f.path === fnPath);
    if (fn && !fn.triggers.includes(kind)) fn.triggers.push(kind);
  };

  /** The function an ARN expression points at (through aliases and versions too). */
  const functionOf = (value: unknown): string | undefined => {
    for (const id of referencedIds(value)) {
      if (fnPaths.has(id)) return fnPaths.get(id);
      const r = resources[id];
      if (r && (r.Type === 'AWS::Lambda::Alias' || r.Type === 'AWS::Lambda::Version')) {
        const target = referencedId(r.Properties?.FunctionName);
        if (target && fnPaths.has(target)) return fnPaths.get(target);
      }
    }
    return undefined;
  };

  for (const r of Object.values(resources)) {
    const p = r.Properties ?? {};
    if (r.Type === 'AWS::Lambda::Url') {
      const path = functionOf(p.TargetFunctionArn);
      trigger(path, 'url');
      const fn = functions.find((f) => f.path === path);
      if (fn && p.InvokeMode === 'RESPONSE_STREAM') (fn as { urlInvokeMode?: string }).urlInvokeMode = 'RESPONSE_STREAM';
    }
    if (r.Type !== 'AWS::Lambda::EventSourceMapping') continue;
    const source = referencedId(p.EventSourceArn);
    const sourceType = source ? resources[source]?.Type : undefined;
    const arn = typeof p.EventSourceArn === 'string' ? p.EventSourceArn : '';
    const kind = sourceType === 'AWS::SQS::Queue' || arn.startsWith('arn:aws:sqs:') ? 'sqs'
      : p.Topics || p.SelfManagedEventSource || arn.startsWith('arn:aws:kafka:') ? 'kafka'
        : sourceType === 'AWS::Kinesis::Stream' || arn.startsWith('arn:aws:kinesis:') ? 'kinesis'
          : sourceType === 'AWS::DynamoDB::Table' || arn.includes(':dynamodb:') ? 'dynamodb' : 'events';
    trigger(functionOf(p.FunctionName), kind);
  }

  for (const { fnPath, source } of readTriggerSources(stack, resources, functionOf)) {
    functions.find((f) => f.path === fnPath)?.sources.push(source);
    trigger(fnPath, source.type);
  }

  const authorizers = new Map<string, AuthorizerInfo>();
  for (const [logicalId, r] of Object.entries(resources)) {
    if (r.Type !== 'AWS::ApiGatewayV2::Authorizer') continue;
    const p = r.Properties ?? {};
    authorizers.set(logicalId, {
      logicalId,
      name: typeof p.Name === 'string' ? p.Name : logicalId,
      type: p.AuthorizerType,
      functionPath: p.AuthorizerType === 'REQUEST' ? functionOf(p.AuthorizerUri) : undefined,
      identitySource: Array.isArray(p.IdentitySource) ? p.IdentitySource.filter((s: unknown) => typeof s === 'string')
        : typeof p.IdentitySource === 'string' ? p.IdentitySource.split(',').map((s: string) => s.trim()) : [],
      ttlSeconds: typeof p.AuthorizerResultTtlInSeconds === 'number' ? p.AuthorizerResultTtlInSeconds : 0,
      simpleResponses: p.EnableSimpleResponses === true,
      payloadFormatVersion: p.AuthorizerPayloadFormatVersion ?? '2.0',
    });
  }

  for (const [apiId, api] of Object.entries(resources)) {
    if (api.Type !== 'AWS::ApiGatewayV2::Api' || api.Properties?.ProtocolType !== 'HTTP') continue;
    const routes: RouteInfo[] = [];
    let stageName = '$default';
    let stageVariables: Record<string, string> | undefined;
    for (const [logicalId, r] of Object.entries(resources)) {
      const p = r.Properties ?? {};
      if (referencedId(p.ApiId) !== apiId) continue;
      if (r.Type === 'AWS::ApiGatewayV2::Stage' && typeof p.StageName === 'string') {
        stageName = p.StageName;
        const vars = Object.entries((p.StageVariables ?? {}) as Record<string, unknown>)
          .map(([k, v]) => [k, resolveValue(v)] as const)
          .filter((e): e is readonly [string, { value: string }] => 'value' in e[1]);
        stageVariables = vars.length > 0 ? Object.fromEntries(vars.map(([k, v]) => [k, v.value])) : undefined;
      }
      if (r.Type !== 'AWS::ApiGatewayV2::Route') continue;
      const integrationId = referencedIds(p.Target)[0];
      const integration = integrationId ? resources[integrationId]?.Properties : undefined;
      const functionPath = integration ? functionOf(integration.IntegrationUri) : undefined;
      let unsupported: string | undefined;
      if (!integration) {unsupported = 'the route has no integration';} else if (integration.IntegrationType !== 'AWS_PROXY' || !functionPath) {
        unsupported = `its ${integration.IntegrationType} integration is not a Lambda function of this assembly`;
      }
      const authorizerId = referencedId(p.AuthorizerId);
      trigger(functionPath, 'http');
      trigger(authorizerId ? authorizers.get(authorizerId)?.functionPath : undefined, 'http-authorizer');
      routes.push({
        logicalId,
        routeKey: String(p.RouteKey),
        functionPath,
        unsupported,
        payloadFormatVersion: integration?.PayloadFormatVersion ?? '2.0',
        authorizationType: p.AuthorizationType ?? 'NONE',
        authorizer: authorizerId ? authorizers.get(authorizerId) : undefined,
      });
    }
    httpApis.push({
      path: pathOf(apiId, api),
      logicalId: apiId,
      stack,
      name: typeof api.Properties?.Name === 'string' ? api.Properties.Name : apiId,
      routes,
      stageName,
      stageVariables,
      cors: readCors(api.Properties?.CorsConfiguration),
    });
  }
}

function readFunction(
  dir: string,
  stack: string,
  logicalId: string,
  resource: Resource,
  assets: Map<string, { path: string; packaging: string }>,
  path: string,
  resources: Record<string, Resource> = {},
): FunctionInfo {
  const p = resource.Properties ?? {};
  const runtime = typeof p.Runtime === 'string' ? p.Runtime : '';
  const architecture: 'x86_64' | 'arm64' = Array.isArray(p.Architectures) && p.Architectures[0] === 'arm64' ? 'arm64' : 'x86_64';
  const handler = typeof p.Handler === 'string' ? p.Handler : '';
  const base = {
    path,
    logicalId,
    stack,
    runtime,
    architecture,
    handler,
    memorySize: typeof p.MemorySize === 'number' ? p.MemorySize : 128,
    timeout: typeof p.Timeout === 'number' ? p.Timeout : 3,
    environment: (p.Environment?.Variables ?? {}) as Record<string, unknown>,
    functionName: typeof p.FunctionName === 'string' ? p.FunctionName : undefined,
    layers: Array.isArray(p.Layers) ? p.Layers.map((l: unknown) => readLayer(dir, l, resources, assets)) : [],
    ...readSettings(p, resources),
    triggers: [] as string[],
    sources: [] as TriggerSource[],
  };

  if (p.PackageType === 'Image' || p.Code?.ImageUri) return { ...base, unsupported: 'its code is a container image' };

  let codeDir: string | undefined;
  if (typeof p.Code?.ZipFile === 'string') {
    // Code.fromInline: Lambda writes it to index.js
    codeDir = mkdtempSync(join(tmpdir(), 'ts-lambda-inline-'));
    writeFileSync(join(codeDir, 'index.js'), p.Code.ZipFile);
  } else {
    codeDir = zipAssetDir(dir, resource, p.Code?.S3Key, assets);
    if (!codeDir) return { ...base, unsupported: 'its code is not a zip asset of this assembly' };
  }
  if (!existsSync(codeDir) || !statSync(codeDir).isDirectory()) {
    return { ...base, codeDir, unsupported: `its asset folder ${codeDir} is missing (re-synthesize the app)` };
  }
  const assetSize = folderSize(codeDir);
  let unsupported: string | undefined;
  if (/^nodejs\d+\.x$/.test(runtime)) {
    unsupported = undefined;
  } else if (runtime === 'provided.al2' || runtime === 'provided.al2023' || runtime === 'provided') {
    if (!existsSync(join(codeDir, 'bootstrap'))) unsupported = `its ${runtime} asset has no bootstrap file`;
  } else {
    unsupported = `runtime ${runtime || '(none)'} is not supported locally (supported: nodejs*.x, provided.al2 and provided.al2023 with a bootstrap)`;
  }
  return { ...base, codeDir, assetSize, unsupported };
}

/**
 * The settings of a function's template the runner reads beyond code,
 * handler, memory and timeout, and notes on those it cannot honour locally.
 */
function readSettings(p: Record<string, any>, resources: Record<string, Resource>): Partial<FunctionInfo> {
  const notes: string[] = [];
  const num = (v: unknown) => (typeof v === 'number' ? v : undefined);
  const str = (v: unknown) => (typeof v === 'string' ? v : undefined);

  let logging: LoggingInfo | undefined;
  const lc = p.LoggingConfig;
  if (lc && typeof lc === 'object') {
    const format = str(lc.LogFormat) === 'JSON' ? 'JSON' : 'Text';
    const logGroup = logGroupName(lc.LogGroup, resources);
    logging = { format, applicationLogLevel: str(lc.ApplicationLogLevel), systemLogLevel: str(lc.SystemLogLevel), logGroup };
    const unhonoured: string[] = [];
    // JSON: START and REPORT are platform.start and platform.report records,
    // dropped at SystemLogLevel WARN (the emulator's platform-log.ts); Lambda's
    // records of other levels are not written
    if (format === 'JSON' && logging.systemLogLevel?.toUpperCase() === 'DEBUG') {
      unhonoured.push('SystemLogLevel DEBUG: only the INFO records (platform.start, platform.report) are written');
    }
    if (lc.LogGroup !== undefined && logGroup === undefined) unhonoured.push('its LogGroup has a generated name, so AWS_LAMBDA_LOG_GROUP_NAME is /aws/lambda/<name>');
    if (unhonoured.length > 0) notes.push(`LoggingConfig: ${unhonoured.join('; ')}`);
  }
  const tenancy = str(p.TenancyConfig?.TenantIsolationMode);
  const tracing = str(p.TracingConfig?.Mode);
  if (tracing === 'Active') notes.push('TracingConfig Active: sampled as Lambda samples; segments are received locally, not sent to X-Ray');
  const ephemeralStorageMB = num(p.EphemeralStorage?.Size);
  if (ephemeralStorageMB !== undefined) notes.push(`EphemeralStorage: /tmp is this machine's, its ${ephemeralStorageMB} MB size is not enforced`);

  let capacityProvider: CapacityProviderInfo | undefined;
  const mi = p.CapacityProviderConfig?.LambdaManagedInstancesCapacityProviderConfig;
  if (mi && typeof mi === 'object') {
    capacityProvider = {
      perExecutionEnvironmentMaxConcurrency: num(mi.PerExecutionEnvironmentMaxConcurrency),
      memoryGiBPerVCpu: num(mi.ExecutionEnvironmentMemoryGiBPerVCpu),
    };
    notes.push('capacity provider: invocations run concurrently in one environment, but its vCPUs and instance type are not emulated');
  }
  if (p.VpcConfig) notes.push('VpcConfig: the function reaches the network of this machine, not the VPC');
  if (Array.isArray(p.FileSystemConfigs) && p.FileSystemConfigs.length > 0) notes.push('FileSystemConfigs: the EFS file systems are not mounted');
  if (p.SnapStart && p.SnapStart.ApplyOn !== 'None') notes.push('SnapStart: every cold start runs the init');
  if (p.ReservedConcurrentExecutions !== undefined) notes.push('ReservedConcurrentExecutions: not applied (at most 10 environments per function)');
  return {
    logging,
    tenancy,
    tracing,
    ephemeralStorageMB,
    capacityProvider,
    notes: notes.length > 0 ? notes : undefined,
  };
}

/** A `LoggingConfig.LogGroup` as a name: a literal, or the literal `LogGroupName` of the log group it refers to. */
function logGroupName(value: unknown, resources: Record<string, Resource>): string | undefined {
  if (value === undefined) return undefined;
  const literal = resolveValue(value);
  if ('value' in literal) return literal.value;
  const id = referencedId(value);
  const group = id ? resources[id] : undefined;
  if (group?.Type !== 'AWS::Logs::LogGroup' || group.Properties?.LogGroupName === undefined) return undefined;
  const name = resolveValue(group.Properties.LogGroupName);
  return 'value' in name ? name.value : undefined;
}

/** The asset folder of a zip asset: by the hash in its S3 key, or by its `aws:asset:path` metadata. */
function zipAssetDir(dir: string, resource: Resource, s3Key: unknown, assets: Map<string, { path: string; packaging: string }>): string | undefined {
  const key = resolveValue(s3Key);
  const hash = 'value' in key ? key.value.replace(/\.[a-z]+$/, '') : undefined;
  const asset = hash ? assets.get(hash) : undefined;
  if (asset && asset.packaging === 'zip') return asset.path;
  const metaPath = resource.Metadata?.['aws:asset:path'];
  return typeof metaPath === 'string' ? join(dir, metaPath) : undefined;
}

/** One entry of a function's `Layers`: an asset layer of the same template, or something that cannot be provided locally. */
function readLayer(
  dir: string,
  value: unknown,
  resources: Record<string, Resource>,
  assets: Map<string, { path: string; packaging: string }>,
): LayerInfo {
  const id = referencedId(value);
  const layer = id ? resources[id] : undefined;
  if (id && layer?.Type === 'AWS::Lambda::LayerVersion') {
    const layerDir = zipAssetDir(dir, layer, layer.Properties?.Content?.S3Key, assets);
    if (!layerDir) return { name: id, unsupported: 'its content is not a zip asset of this assembly' };
    if (!existsSync(layerDir) || !statSync(layerDir).isDirectory()) {
      return { name: id, unsupported: `its asset folder ${layerDir} is missing (re-synthesize the app)` };
    }
    return { name: id, dir: layerDir };
  }
  const literal = resolveValue(value);
  const name = 'value' in literal ? literal.value : literal.unresolved;
  return { name, unsupported: 'it is not a layer version of this stack with an asset (e.g. an ARN of another account or stack), so its content is not available locally' };
}

function folderSize(dir: string): number {
  let total = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = join(dir, entry.name);
    if (entry.isDirectory()) total += folderSize(full);
    else if (entry.isFile()) total += statSync(full).size;
  }
  return total;
}
