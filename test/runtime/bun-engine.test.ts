/**
 * The Bun engine of TypeScriptFunction (BunStrategy): the engine package
 * fetched with `npm pack` from a registry on 127.0.0.1 (a stand-in package
 * whose `bin/bun` runs Node.js, since no network is used), checked, cached
 * atomically; and the asset it makes (bootstrap + engine + our client +
 * bundle) run end to end through the emulator as `provided.al2023`.
 *
 * The real Bun 1.4.5 (x64) was run the same way by hand; see the report.
 */
import { ChildProcess, execFileSync, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { buildSync } from 'esbuild';
import { body, FIXTURES } from './helpers';
import { BUN_BOOTSTRAP, BunStrategy, bunPackageName } from '../../src/function/private/bun';
import { bunAssetCommand, LambdaEmulator, providedCommand } from '../../src/runtime/emulator';

const VERSION = '9.8.7';
const work = mkdtempSync(join(tmpdir(), 'bun-engine-test-'));
let registry: ChildProcess;
let registryUrl: string;
let tarball: Buffer;
let integrity: string;
const savedCache = process.env.npm_config_cache;

/** A stand-in engine package: `bin/bun` drops Bun's flags and runs Node.js (on PATH in the emulator). */
function makeEnginePackage(): Buffer {
  const dir = join(work, 'pkg', 'package');
  mkdirSync(join(dir, 'bin'), { recursive: true });
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: bunPackageName('x86_64'), version: VERSION }));
  writeFileSync(join(dir, 'bin', 'bun'), '#!/bin/sh\n[ "$1" = "--no-install" ] && shift\nexec node "$@"\n', { mode: 0o755 });
  execFileSync('tar', ['-czf', join(work, 'engine.tgz'), '-C', join(work, 'pkg'), 'package']);
  return readFileSync(join(work, 'engine.tgz'));
}

/**
 * A tiny npm registry in a child process (npm pack runs synchronously, so a
 * server in this process could not answer it): the packument of the engine
 * package and its tarball; each request path is appended to requests.log.
 */
const REGISTRY = `
const { createServer } = require('node:http');
const { appendFileSync, readFileSync } = require('node:fs');
const [dir, name, version, integrity] = process.argv.slice(1);
const server = createServer((req, res) => {
  appendFileSync(dir + '/requests.log', req.url + '\\n');
  const base = 'http://127.0.0.1:' + server.address().port;
  if (req.url === '/engine.tgz') {
    const tgz = readFileSync(dir + '/engine.tgz');
    res.writeHead(200, { 'Content-Type': 'application/octet-stream', 'Content-Length': tgz.length });
    return res.end(tgz);
  }
  if (decodeURIComponent(req.url) === '/' + name) {
    res.writeHead(200, { 'Content-Type': 'application/json' });
    return res.end(JSON.stringify({ name, 'dist-tags': { latest: version },
      versions: { [version]: { name, version, dist: { tarball: base + '/engine.tgz', integrity } } } }));
  }
  res.writeHead(404, { 'Content-Type': 'application/json' });
  res.end('{"error":"not found"}');
});
server.listen(0, '127.0.0.1', () => process.stdout.write(server.address().port + '\\n'));
`;

beforeAll(async () => {
  // the client bundle the strategy copies (what `build:runtime` writes)
  const ric = join(__dirname, '..', '..', 'assets', 'ric', 'bootstrap.mjs');
  if (!existsSync(ric)) {
    buildSync({ entryPoints: [join(__dirname, '..', '..', 'src', 'runtime', 'ric', 'bootstrap.ts')], outfile: ric, bundle: true, format: 'esm', platform: 'node', target: 'es2022' });
  }
  tarball = makeEnginePackage();
  integrity = `sha512-${createHash('sha512').update(tarball).digest('base64')}`;
  writeFileSync(join(work, 'requests.log'), '');
  registry = spawn(process.execPath, ['-e', REGISTRY, work, bunPackageName('x86_64'), VERSION, integrity], { stdio: ['ignore', 'pipe', 'inherit'] });
  const port = await new Promise<string>((resolve, reject) => {
    registry.stdout!.once('data', (chunk: Buffer) => resolve(chunk.toString().trim()));
    registry.once('exit', (code) => reject(new Error(`registry exited (${code})`)));
  });
  registryUrl = `http://127.0.0.1:${port}`;
  process.env.npm_config_cache = join(work, 'npm-cache');
});

afterAll(() => {
  if (savedCache === undefined) delete process.env.npm_config_cache;
  else process.env.npm_config_cache = savedCache;
  registry?.kill('SIGKILL');
  rmSync(work, { recursive: true, force: true });
});

/** Paths the registry was asked for, in order. */
const requests = () => readFileSync(join(work, 'requests.log'), 'utf8').split('\n').filter(Boolean);

/** An asset folder holding a bundle, as the bundler leaves it before prepareAsset. */
function assetWithBundle(name: string): string {
  const dir = join(work, 'assets', name);
  mkdirSync(dir, { recursive: true });
  copyFileSync(join(FIXTURES, 'esm', 'index.mjs'), join(dir, 'index.mjs'));
  return dir;
}

const context = (assetDir: string, cacheDir: string) => ({
  assetDir, cacheDir, architecture: lambda.Architecture.X86_64, bundleFile: 'index.mjs', handler: 'handler',
});

test('validation: exact version required, no ranges or latest; binaryPath must exist; SRI integrity', () => {
  expect(() => new BunStrategy({})).toThrow(/version is required/);
  expect(() => new BunStrategy({ version: 'latest' })).toThrow(/must be an exact version/);
  expect(() => new BunStrategy({ version: '^1.2.0' })).toThrow(/must be an exact version/);
  expect(() => new BunStrategy({ version: '1.2.21', integrity: 'md5-abc' })).toThrow(/not an SRI hash/);
  expect(() => new BunStrategy({ binaryPath: join(work, 'nope') })).toThrow(/binaryPath '.*nope' does not exist/);
  expect(new BunStrategy({ version: '1.2.21' }).lambdaRuntime).toBe(lambda.Runtime.PROVIDED_AL2023);
});

test('bundling: ESM, nothing external, the engine and our client in the cache key', () => {
  const defaults = new BunStrategy({ version: '1.2.21' }).bundlingDefaults(lambda.Architecture.ARM_64);
  expect(defaults).toMatchObject({ requiredFormat: 'esm', providedModules: [], platform: 'node' });
  expect(defaults.cacheKey).toMatch(/^bun:@oven\/bun-linux-aarch64@1\.2\.21:.*:ric:[0-9a-f]{64}$/);
  expect(new BunStrategy({ version: '1.2.21' }).bundlingDefaults(lambda.Architecture.X86_64).cacheKey).toContain('@oven/bun-linux-x64@1.2.21');
});

test('npm pack from the registry, integrity checked, cached once, nothing half-written; the asset runs through the emulator', async () => {
  const cacheDir = join(work, 'cache-ok');
  const strategy = new BunStrategy({ version: VERSION, integrity, registry: registryUrl });
  const assetDir = assetWithBundle('ok');
  strategy.prepareAsset(context(assetDir, cacheDir));

  expect(readFileSync(join(assetDir, 'bootstrap'), 'utf8')).toBe(BUN_BOOTSTRAP);
  for (const file of ['bootstrap', 'bin/bun']) expect(statSync(join(assetDir, file)).mode.toString(8)).toMatch(/755$/);
  expect(readFileSync(join(assetDir, 'ric.mjs'))).toEqual(readFileSync(join(__dirname, '..', '..', 'assets', 'ric', 'bootstrap.mjs')));
  expect(requests().filter((u) => u === '/engine.tgz')).toHaveLength(1);
  // cached under the package and version; no temporary folders left behind
  expect(readdirSync(join(cacheDir, 'bun'))).toEqual([`${bunPackageName('x86_64').replace('/', '+')}@${VERSION}`]);

  // a second function reuses the cache: the registry is not asked again
  const second = assetWithBundle('ok-2');
  strategy.prepareAsset(context(second, cacheDir));
  expect(requests().filter((u) => u === '/engine.tgz')).toHaveLength(1);

  const emulator = await LambdaEmulator.start({
    functions: [
      // through the asset's own bootstrap script, as Lambda starts it
      { name: 'bun-fn', codeDir: assetDir, handler: 'index.handler', command: providedCommand(assetDir), runtime: 'provided.al2023' },
      // the engine started directly (how the CLI runs it under qemu for arm64)
      { name: 'bun-direct', codeDir: assetDir, handler: 'index.handler', command: bunAssetCommand(assetDir), runtime: 'provided.al2023' },
    ],
  });
  try {
    for (const name of ['bun-fn', 'bun-direct']) {
      const result = await emulator.invoke(name, JSON.stringify({ kind: 'bun-asset' }));
      expect(result.functionError).toBeUndefined();
      expect(body(result)).toMatchObject({ event: { kind: 'bun-asset' }, context: { functionName: name }, cwd: assetDir });
      expect(body(result).env.AWS_EXECUTION_ENV).toBeUndefined();
    }
  } finally {
    await emulator.close();
  }
});

test('an integrity mismatch fails and caches nothing', () => {
  const cacheDir = join(work, 'cache-bad');
  const wrong = `sha512-${createHash('sha512').update('something else').digest('base64')}`;
  const strategy = new BunStrategy({ version: VERSION, integrity: wrong, registry: registryUrl });
  expect(() => strategy.prepareAsset(context(assetWithBundle('bad'), cacheDir))).toThrow(/has integrity sha512-.*but integrity says/);
  expect(existsSync(join(cacheDir, 'bun')) ? readdirSync(join(cacheDir, 'bun')) : []).toEqual([]);
});

test('a version the registry does not have fails with npm\'s reason', () => {
  const strategy = new BunStrategy({ version: '0.0.1', registry: registryUrl });
  expect(() => strategy.prepareAsset(context(assetWithBundle('missing'), join(work, 'cache-missing')))).toThrow(/npm pack @oven\/bun-linux-x64@0\.0\.1 .*failed/);
});

test('binaryPath: a local engine, nothing fetched', () => {
  const before = requests().length;
  const engine = join(work, 'local-bun');
  writeFileSync(engine, '#!/bin/sh\necho local\n', { mode: 0o755 });
  const assetDir = assetWithBundle('local');
  new BunStrategy({ binaryPath: engine }).prepareAsset(context(assetDir, join(work, 'cache-local')));
  expect(readFileSync(join(assetDir, 'bin', 'bun'), 'utf8')).toBe('#!/bin/sh\necho local\n');
  expect(requests().length).toBe(before);
});
