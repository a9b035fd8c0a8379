import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, copyFileSync, existsSync, mkdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { fileSha256 } from './hash';
import { publishDir } from './publish-dir';
import { RuntimeAssetContext, RuntimeBundlingDefaults } from './runtime-contract';
import { BunOptions } from '../bun-options';

/** The npm package that holds the Linux `bun` executable of an architecture. */
export function bunPackageName(architecture: string): string {
  return architecture === 'arm64' ? '@oven/bun-linux-aarch64' : '@oven/bun-linux-x64';
}

/**
 * The `bootstrap` of a Bun function: starts the engine on our runtime
 * interface client, which loads `_HANDLER` from the bundle.
 */
export const BUN_BOOTSTRAP = `#!/bin/sh
# Lambda custom runtime (provided.al2023): Bun running the cdk-ts-lambda runtime interface client.
DIR=$(cd "$(dirname "$0")" && pwd)
exec "$DIR/bin/bun" --no-install "$DIR/ric.mjs"
`;

/**
 * Bun on `provided.al2023`: the asset holds the bundle (ESM, nothing
 * external: Bun has no AWS SDK built in), `bin/bun` for the function's
 * architecture, our client as `ric.mjs` and a `bootstrap` that starts them.
 * It has the shape of a `RuntimeStrategy` (runtime-contract.ts), for
 * `new FunctionRuntime(new BunStrategy(options))`.
 */
export class BunStrategy {
  public readonly lambdaRuntime = lambda.Runtime.PROVIDED_AL2023;
  private readonly binaryPath?: string;

  constructor(private readonly options: BunOptions) {
    if (options.binaryPath) {
      this.binaryPath = resolve(options.binaryPath);
      if (!existsSync(this.binaryPath) || !statSync(this.binaryPath).isFile()) {
        throw new Error(`FunctionRuntime.bun: binaryPath '${options.binaryPath}' does not exist (a Linux bun executable).`);
      }
      return;
    }
    if (!options.version) {
      throw new Error('FunctionRuntime.bun: version is required (an exact version such as \'1.2.21\'), or give binaryPath for a local bun executable.');
    }
    if (!/^\d+\.\d+\.\d+(-[0-9A-Za-z.]+)?$/.test(options.version)) {
      throw new Error(`FunctionRuntime.bun: version '${options.version}' must be an exact version such as '1.2.21' (no ranges, no 'latest': a build must say which engine it ships).`);
    }
    if (options.integrity && !/^sha(256|384|512)-[A-Za-z0-9+/]+=*$/.test(options.integrity)) {
      throw new Error(`FunctionRuntime.bun: integrity '${options.integrity}' is not an SRI hash such as 'sha512-...'.`);
    }
  }

  public bundlingDefaults(architecture: lambda.Architecture): RuntimeBundlingDefaults {
    const engine = this.binaryPath
      ? `file:${fileSha256(this.binaryPath)}`
      : `${bunPackageName(architecture.name)}@${this.options.version}:${this.options.integrity ?? ''}`;
    return {
      target: 'es2022',
      platform: 'node',
      providedModules: [],
      requiredFormat: 'esm',
      cacheKey: `bun:${engine}:ric:${fileSha256(ricBundlePath())}`,
    };
  }

  public prepareAsset(context: RuntimeAssetContext): void {
    const engine = this.binaryPath ?? this.fromNpm(context);
    mkdirSync(join(context.assetDir, 'bin'), { recursive: true });
    copyFileSync(engine, join(context.assetDir, 'bin', 'bun'));
    chmodSync(join(context.assetDir, 'bin', 'bun'), 0o755);
    copyFileSync(ricBundlePath(), join(context.assetDir, 'ric.mjs'));
    writeFileSync(join(context.assetDir, 'bootstrap'), BUN_BOOTSTRAP, { mode: 0o755 });
  }

  /** Fetches (once) the engine package with `npm pack`, checks it, caches `bun`. */
  private fromNpm(context: RuntimeAssetContext): string {
    const spec = `${bunPackageName(context.architecture.name)}@${this.options.version}`;
    const dir = join(context.cacheDir, 'bun', spec.replace('/', '+'));
    const cached = join(dir, 'bun');
    if (existsSync(cached)) return cached;

    const tmp = `${dir}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`;
    mkdirSync(tmp, { recursive: true });
    try {
      const args = ['pack', spec, '--pack-destination', tmp, '--json', '--ignore-scripts'];
      if (this.options.registry) args.push('--registry', this.options.registry);
      let packed: Array<{ filename: string; integrity: string; version: string }>;
      try {
        packed = JSON.parse(execFileSync('npm', args, { cwd: tmp, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }));
      } catch (err) {
        const stderr = (err as { stderr?: string }).stderr ?? String(err);
        throw new Error(`FunctionRuntime.bun: \`npm ${args.join(' ')}\` failed: ${stderr.trim().split('\n').slice(-3).join(' ')}`);
      }
      const { filename, integrity, version } = packed[0];
      if (version !== this.options.version) {
        throw new Error(`FunctionRuntime.bun: npm gave ${spec.split('@').slice(0, -1).join('@')}@${version}, not ${this.options.version}.`);
      }
      if (this.options.integrity && integrity !== this.options.integrity) {
        throw new Error(`FunctionRuntime.bun: ${spec} has integrity ${integrity}, but integrity says ${this.options.integrity}. Nothing was cached.`);
      }
      execFileSync('tar', ['-xzf', join(tmp, filename), '-C', tmp, 'package/bin/bun'], { stdio: 'pipe' });
      const engine = join(tmp, 'package', 'bin', 'bun');
      const staged = join(tmp, 'staged');
      mkdirSync(staged);
      renameSync(engine, join(staged, 'bun'));
      chmodSync(join(staged, 'bun'), 0o755);
      publishDir(staged, dir, cached);
    } finally {
      rmSync(tmp, { recursive: true, force: true });
    }
    return cached;
  }
}

/**
 * Our runtime interface client, as built by `build:runtime` into assets/:
 * from lib/function/private (package) or src/function/private (source).
 */
export function ricBundlePath(): string {
  const path = join(__dirname, '..', '..', '..', 'assets', 'ric', 'bootstrap.mjs');
  if (!existsSync(path)) {
    throw new Error(`FunctionRuntime.bun: the runtime interface client is missing at ${path}; run \`npm run build:runtime\`.`);
  }
  return path;
}
