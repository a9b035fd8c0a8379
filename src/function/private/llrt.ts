import { randomBytes } from 'node:crypto';
import { chmodSync, copyFileSync, existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { downloadSync } from './download';
import { fileSha256, sha256 } from './hash';
import { publishDir } from './publish-dir';
import { RuntimeAssetContext, RuntimeBundlingDefaults, RuntimeStrategy } from './runtime-contract';
import { readZip } from './zip';
import { LlrtBinaryType, LlrtOptions } from '../llrt-options';

/** The AWS SDK v3 packages that LLRT's standard binary has built in. */
export const LLRT_STANDARD_SDK = [
  '@aws-sdk/client-cloudwatch-events', '@aws-sdk/client-cloudwatch-logs', '@aws-sdk/client-cognito-identity',
  '@aws-sdk/client-dynamodb', '@aws-sdk/client-eventbridge', '@aws-sdk/client-kms', '@aws-sdk/client-lambda',
  '@aws-sdk/client-s3', '@aws-sdk/client-secrets-manager', '@aws-sdk/client-ses', '@aws-sdk/client-sfn',
  '@aws-sdk/client-sns', '@aws-sdk/client-sqs', '@aws-sdk/client-ssm', '@aws-sdk/client-sts',
  '@aws-sdk/client-xray', '@aws-sdk/credential-providers', '@aws-sdk/lib-dynamodb', '@aws-sdk/util-dynamodb',
  '@smithy/signature-v4',
];

const DEFAULT_BASE_URL = 'https://github.com/awslabs/llrt/releases/download';

/** The release file of a build: `llrt-lambda-arm64-no-sdk.zip`. */
export function llrtAssetName(architecture: string, type: LlrtBinaryType): string {
  const arch = architecture === 'arm64' ? 'arm64' : 'x64';
  const suffix = type === LlrtBinaryType.STANDARD ? '' : `-${type}`;
  return `llrt-lambda-${arch}${suffix}.zip`;
}

/** LLRT on `provided.al2023`: the asset holds the bundle and LLRT's `bootstrap`. */
export class LlrtStrategy implements RuntimeStrategy {
  public readonly lambdaRuntime = lambda.Runtime.PROVIDED_AL2023;
  private readonly type: LlrtBinaryType;
  private readonly binaryPath?: string;

  constructor(private readonly options: LlrtOptions) {
    this.type = options.binaryType ?? LlrtBinaryType.STANDARD;
    if (!Object.values(LlrtBinaryType).includes(this.type)) {
      throw new Error(`FunctionRuntime.llrt: binaryType '${this.type}' is not one of ${Object.values(LlrtBinaryType).join(', ')}.`);
    }
    if (options.binaryPath) {
      this.binaryPath = resolve(options.binaryPath);
      if (!existsSync(this.binaryPath) || !statSync(this.binaryPath).isFile()) {
        throw new Error(`FunctionRuntime.llrt: binaryPath '${options.binaryPath}' does not exist (an LLRT bootstrap binary or llrt-lambda-*.zip).`);
      }
      return;
    }
    if (!options.version) {
      throw new Error('FunctionRuntime.llrt: version is required (a release tag such as \'v0.7.0-beta\'), or give binaryPath for a local binary.');
    }
    if (!/^v\d+\.\d+\.\d+(-[0-9A-Za-z.]+)?$/.test(options.version)) {
      throw new Error(`FunctionRuntime.llrt: version '${options.version}' must be a release tag such as 'v0.7.0-beta' ('latest' is not allowed: a build must say which binary it ships).`);
    }
    if (!options.sha256) {
      throw new Error(`FunctionRuntime.llrt: sha256 is required to download LLRT ${options.version}: give the SHA-256 of the release zip (${llrtAssetName('arm64', this.type)} or the x64 one) from the release page, or use binaryPath.`);
    }
    if (!/^[0-9a-f]{64}$/i.test(options.sha256)) {
      throw new Error(`FunctionRuntime.llrt: sha256 '${options.sha256}' is not a SHA-256 in hex (64 characters).`);
    }
  }

  public bundlingDefaults(): RuntimeBundlingDefaults {
    const provided = this.type === LlrtBinaryType.FULL_SDK ? ['@aws-sdk/*', '@smithy/*']
      : this.type === LlrtBinaryType.STANDARD ? LLRT_STANDARD_SDK : [];
    const binary = this.binaryPath ? `file:${fileSha256(this.binaryPath)}` : `${this.options.version}:${this.options.sha256}`;
    return {
      target: 'es2020',
      // LLRT: "All dependencies should be bundled for a browser platform"
      // (README of awslabs/llrt): it has no node:http, which the Node.js
      // flavour of the AWS SDK (@smithy/node-http-handler) imports.
      platform: 'browser',
      providedModules: provided,
      requiredFormat: 'esm',
      requireShim: false,
      cacheKey: `llrt:${this.type}:${binary}`,
    };
  }

  public prepareAsset(context: RuntimeAssetContext): void {
    const bootstrap = this.binaryPath ? this.fromLocalPath(context) : this.fromRelease(context);
    const target = join(context.assetDir, 'bootstrap');
    copyFileSync(bootstrap, target);
    chmodSync(target, 0o755);
  }

  /** The bootstrap of a local binary or zip. */
  private fromLocalPath(context: RuntimeAssetContext): string {
    const path = this.binaryPath!;
    const data = readFileSync(path);
    if (data.readUInt32LE(0) !== 0x04034b50) return path; // not a zip: the bootstrap itself
    return extractBootstrap(data, join(context.cacheDir, 'llrt', 'local', sha256(data)), path);
  }

  /** Downloads (once), verifies and caches the release's bootstrap. */
  private fromRelease(context: RuntimeAssetContext): string {
    const version = this.options.version!;
    const expected = this.options.sha256!.toLowerCase();
    const name = llrtAssetName(context.architecture.name, this.type);
    const dir = join(context.cacheDir, 'llrt', version, name.replace(/\.zip$/, ''), expected);
    const cached = join(dir, 'bootstrap');
    if (existsSync(cached)) return cached;

    const base = (this.options.releaseBaseUrl ?? process.env.CDK_TS_LAMBDA_LLRT_BASE_URL ?? DEFAULT_BASE_URL).replace(/\/+$/, '');
    const url = `${base}/${version}/${name}`;
    const data = downloadSync(url);
    const actual = sha256(data);
    if (actual !== expected) {
      throw new Error(`FunctionRuntime.llrt: ${url} has SHA-256 ${actual}, but sha256 says ${expected}. Nothing was cached; check the checksum on the release page.`);
    }
    return extractBootstrap(data, dir, url);
  }
}

/** Extracts `bootstrap` of an LLRT zip into `dir`, atomically; returns its path. */
function extractBootstrap(zip: Buffer, dir: string, source: string): string {
  const target = join(dir, 'bootstrap');
  if (existsSync(target)) return target;
  let entries;
  try {
    entries = readZip(zip);
  } catch (err) {
    throw new Error(`FunctionRuntime.llrt: ${source} is not a readable zip: ${(err as Error).message}`);
  }
  const entry = entries.find((e) => e.name === 'bootstrap' || e.name.endsWith('/bootstrap'));
  if (!entry) throw new Error(`FunctionRuntime.llrt: ${source} has no bootstrap file (it has: ${entries.map((e) => e.name).join(', ')}).`);
  const tmp = `${dir}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`;
  mkdirSync(tmp, { recursive: true });
  try {
    writeFileSync(join(tmp, 'bootstrap'), entry.read(), { mode: 0o755 });
    publishDir(tmp, dir, target); // another synth may have got there first: theirs is as good as ours
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
  return target;
}
