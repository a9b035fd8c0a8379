import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { FunctionRuntime, LlrtBinaryType, LlrtOptions, TypeScriptFunction } from '../../src';
import { readZip } from '../../src/function/private/zip';
import { ELF_AARCH64, ELF_X86_64, elfHeader } from '../helpers/elf';
import { FileServer, startFileServer } from '../helpers/file-server';
import { isolateBundleCache, tempDir } from '../helpers/fixtures';
import { writeZip } from '../helpers/zip';

isolateBundleCache();
const FIXTURE = join(__dirname, 'fixtures', 'basic');
const VERSION = 'v0.7.0-beta';

// A stand-in LLRT release: zips whose `bootstrap` is an ELF header of the
// right machine (the real binaries can't be downloaded on this machine).
const bootstraps = { arm64: elfHeader(ELF_AARCH64, 4096), x64: elfHeader(ELF_X86_64, 4096) };
const releases: Record<string, Buffer> = {};
for (const arch of ['arm64', 'x64'] as const) {
  for (const suffix of ['', '-no-sdk', '-full-sdk']) {
    releases[`/${VERSION}/llrt-lambda-${arch}${suffix}.zip`] = writeZip([
      { name: 'bootstrap', data: bootstraps[arch], mode: 0o755 },
      { name: 'LICENSE', data: Buffer.from('MIT-0') },
    ]);
  }
}
const sha = (data: Buffer) => createHash('sha256').update(data).digest('hex');

let server: FileServer;
let baseUrl: string;
const requests = { get length() { return server.requests().length; }, slice: (n: number) => server.requests().slice(n) };

beforeAll(async () => {
  server = await startFileServer(releases);
  baseUrl = server.baseUrl;
});
afterAll(() => server.close());

/** A port on 127.0.0.1 where nothing listens. */
async function closedPort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((ok) => probe.listen(0, '127.0.0.1', ok));
  const port = (probe.address() as AddressInfo).port;
  await new Promise((ok) => probe.close(ok));
  return port;
}

function llrtFunction(options: Partial<LlrtOptions>, props: { architecture?: lambda.Architecture; entry?: string; cacheDir?: string } = {}) {
  if (props.cacheDir) process.env.CDK_TS_LAMBDA_CACHE_DIR = props.cacheDir;
  const stack = new Stack(new App(), 'Test');
  const arch = props.architecture ?? lambda.Architecture.ARM_64;
  const fn = new TypeScriptFunction(stack, 'Fn', {
    entry: props.entry ?? join(FIXTURE, 'src', 'hello.ts'),
    architecture: arch,
    runtime: FunctionRuntime.llrt({
      version: VERSION,
      releaseBaseUrl: baseUrl,
      sha256: sha(releases[`/${VERSION}/llrt-lambda-${arch.name === 'arm64' ? 'arm64' : 'x64'}.zip`]),
      ...options,
    }),
  });
  return { fn, template: Template.fromStack(stack) };
}

describe('FunctionRuntime.llrt', () => {
  test('provided.al2023 with LLRT\'s bootstrap next to an ESM bundle; snapshot', () => {
    const { fn, template } = llrtFunction({}, { cacheDir: tempDir() });
    expect(template.toJSON()).toMatchSnapshot();
    template.hasResourceProperties('AWS::Lambda::Function', { Runtime: 'provided.al2023', Handler: 'index.handler', Architectures: ['arm64'] });
    expect(readdirSync(fn.assetPath).sort()).toEqual(['bootstrap', 'index.mjs']);
    expect(readFileSync(join(fn.assetPath, 'bootstrap'))).toEqual(bootstraps.arm64);
    expect(statSync(join(fn.assetPath, 'bootstrap')).mode & 0o111).toBe(0o111); // eslint-disable-line no-bitwise
    // LLRT has no node:module createRequire: no banner
    expect(readFileSync(join(fn.assetPath, 'index.mjs'), 'utf8')).not.toContain('createRequire');
  });

  test('x86_64 takes the x64 release', () => {
    const before = requests.length;
    const { fn } = llrtFunction({}, { architecture: lambda.Architecture.X86_64, cacheDir: tempDir() });
    expect(requests.slice(before)).toEqual([`/${VERSION}/llrt-lambda-x64.zip`]);
    expect(readFileSync(join(fn.assetPath, 'bootstrap'))).toEqual(bootstraps.x64);
  });

  test('downloaded once per version, architecture and variant, then served from the cache', () => {
    const cacheDir = tempDir();
    const before = requests.length;
    llrtFunction({}, { cacheDir });
    llrtFunction({}, { cacheDir, entry: join(FIXTURE, 'src', 'throws.ts') }); // another bundle, same binary
    expect(requests.slice(before)).toEqual([`/${VERSION}/llrt-lambda-arm64.zip`]);
    llrtFunction({ binaryType: LlrtBinaryType.NO_SDK, sha256: sha(releases[`/${VERSION}/llrt-lambda-arm64-no-sdk.zip`]) }, { cacheDir });
    expect(requests.slice(before)).toEqual([`/${VERSION}/llrt-lambda-arm64.zip`, `/${VERSION}/llrt-lambda-arm64-no-sdk.zip`]);
  });

  test('a checksum mismatch fails synth and caches nothing', () => {
    const cacheDir = tempDir();
    expect(() => llrtFunction({ sha256: 'a'.repeat(64) }, { cacheDir }))
      .toThrow(/llrt-lambda-arm64\.zip has SHA-256 [0-9a-f]{64}, but sha256 says a{64}\. Nothing was cached/);
    expect(existsSync(join(cacheDir, 'llrt'))).toBe(false);
  });

  test('a release that is missing (404) or unreachable fails synth with the URL', async () => {
    const closed = await closedPort();
    expect(() => llrtFunction({ version: 'v9.9.9', sha256: 'b'.repeat(64) }, { cacheDir: tempDir() }))
      .toThrow(/download of http:\/\/127\.0\.0\.1:\d+\/v9\.9\.9\/llrt-lambda-arm64\.zip failed: HTTP 404/);
    expect(() => llrtFunction({ releaseBaseUrl: `http://127.0.0.1:${closed}`, sha256: 'b'.repeat(64) }, { cacheDir: tempDir() }))
      .toThrow(new RegExp(`download of http://127\\.0\\.0\\.1:${closed}/v0\\.7\\.0-beta/llrt-lambda-arm64\\.zip failed: .*ECONNREFUSED`));
  });

  test('the cache entry appears whole or not at all (written aside, then renamed)', () => {
    const cacheDir = tempDir();
    llrtFunction({}, { cacheDir });
    const versionDir = join(cacheDir, 'llrt', VERSION, 'llrt-lambda-arm64');
    const entries = readdirSync(versionDir);
    expect(entries).toHaveLength(1); // the checksum-named folder, no leftovers
    expect(entries[0]).toMatch(/^[0-9a-f]{64}$/);
    expect(readdirSync(join(versionDir, entries[0]))).toEqual(['bootstrap']);
  });

  test('bundling follows the binary: the standard build has client-sqs built in, no-sdk bundles it', () => {
    const entry = join(FIXTURE, 'src', 'with-deps.ts');
    const standard = llrtFunction({}, { entry, cacheDir: tempDir() }).fn;
    const noSdk = llrtFunction({ binaryType: LlrtBinaryType.NO_SDK, sha256: sha(releases[`/${VERSION}/llrt-lambda-arm64-no-sdk.zip`]) }, { entry }).fn;
    const fullSdk = llrtFunction({ binaryType: LlrtBinaryType.FULL_SDK, sha256: sha(releases[`/${VERSION}/llrt-lambda-arm64-full-sdk.zip`]) }, { entry }).fn;
    const code = (fn: TypeScriptFunction) => readFileSync(join(fn.assetPath, 'index.mjs'), 'utf8');
    expect(code(standard)).toMatch(/from"@aws-sdk\/client-sqs"/);
    expect(code(fullSdk)).toMatch(/from"@aws-sdk\/client-sqs"/);
    expect(code(noSdk)).not.toMatch(/from"@aws-sdk\/client-sqs"/);
    expect(noSdk.bundleSize).toBeGreaterThan(standard.bundleSize * 10);
  });

  test('packages resolve as for a browser (LLRT has no node:http), Node.js built-ins stay external, NODE_ENV is read at run time', () => {
    const entry = join(FIXTURE, 'src', 'sdk-client.ts');
    const noSdk = llrtFunction({ binaryType: LlrtBinaryType.NO_SDK, sha256: sha(releases[`/${VERSION}/llrt-lambda-arm64-no-sdk.zip`]) }, { entry }).fn;
    const code = readFileSync(join(noSdk.assetPath, 'index.mjs'), 'utf8');
    const imports = [...new Set([...code.matchAll(/(?:\bfrom|\bimport)\s*\(?\s*"([@\w./:-]+)"/g)].map((m) => m[1]))].sort();
    expect(code).toContain('"SendMessage"'); // the client is bundled, with its fetch handler:
    expect(imports).toEqual(['node:crypto']); // no node:http/https/http2 (@smithy/node-http-handler), no node:fs/os...
    expect(code).toContain('process.env.NODE_ENV'); // not folded to "production" as for a browser
  });
});

describe('binaryPath (offline builds)', () => {
  test('a local bootstrap binary: nothing downloaded', () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'bootstrap'), bootstraps.arm64);
    const before = requests.length;
    const { fn, template } = llrtFunction({ version: undefined, sha256: undefined, releaseBaseUrl: undefined, binaryPath: join(dir, 'bootstrap') }, { cacheDir: tempDir() });
    expect(requests.length).toBe(before);
    template.hasResourceProperties('AWS::Lambda::Function', { Runtime: 'provided.al2023' });
    expect(readFileSync(join(fn.assetPath, 'bootstrap'))).toEqual(bootstraps.arm64);
  });

  test('a local llrt-lambda zip', () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'llrt-lambda-arm64.zip'), releases[`/${VERSION}/llrt-lambda-arm64.zip`]);
    const { fn } = llrtFunction({ version: undefined, sha256: undefined, binaryPath: join(dir, 'llrt-lambda-arm64.zip') }, { cacheDir: tempDir() });
    expect(readFileSync(join(fn.assetPath, 'bootstrap'))).toEqual(bootstraps.arm64);
  });

  test('an x64 binary for an arm64 function fails the native-architecture check, naming bootstrap', () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'bootstrap'), bootstraps.x64);
    expect(() => llrtFunction({ version: undefined, sha256: undefined, binaryPath: join(dir, 'bootstrap') }, { cacheDir: tempDir() }))
      .toThrow(/native code for another architecture than the function's \(arm64\):\n {2}- bootstrap: x86_64/);
  });

  test('a zip without bootstrap, and a missing path', () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'other.zip'), writeZip([{ name: 'README', data: Buffer.from('x') }]));
    expect(() => llrtFunction({ version: undefined, sha256: undefined, binaryPath: join(dir, 'other.zip') }, { cacheDir: tempDir() }))
      .toThrow(/other\.zip has no bootstrap file \(it has: README\)/);
    expect(() => FunctionRuntime.llrt({ binaryPath: join(dir, 'nope') })).toThrow(/binaryPath '.*nope' does not exist/);
  });
});

describe('validation', () => {
  test('version, sha256 and binaryType', () => {
    expect(() => FunctionRuntime.llrt({})).toThrow(/version is required \(a release tag such as 'v0\.7\.0-beta'\), or give binaryPath/);
    expect(() => FunctionRuntime.llrt({ version: 'latest', sha256: 'a'.repeat(64) })).toThrow(/version 'latest' must be a release tag.*'latest' is not allowed/);
    expect(() => FunctionRuntime.llrt({ version: VERSION })).toThrow(/sha256 is required to download LLRT v0\.7\.0-beta/);
    expect(() => FunctionRuntime.llrt({ version: VERSION, sha256: 'xyz' })).toThrow(/sha256 'xyz' is not a SHA-256 in hex/);
    expect(() => FunctionRuntime.llrt({ version: VERSION, sha256: 'a'.repeat(64), binaryType: 'tiny' as LlrtBinaryType })).toThrow(/binaryType 'tiny' is not one of standard, no-sdk, full-sdk/);
  });

  test('LLRT needs ESM', () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'bootstrap'), bootstraps.arm64);
    expect(() => new TypeScriptFunction(new Stack(new App(), 'T'), 'Fn', {
      entry: join(FIXTURE, 'src', 'hello.ts'),
      runtime: FunctionRuntime.llrt({ binaryPath: join(dir, 'bootstrap') }),
      bundling: { format: 'cjs' as any },
    })).toThrow(/bundling\.format 'cjs' is not supported by this runtime, which needs 'esm'/);
  });
});

describe('zip reader', () => {
  test('reads names, modes and contents of deflated entries', () => {
    const zip = writeZip([{ name: 'a/b.txt', data: Buffer.from('hello'), mode: 0o755 }, { name: 'c', data: Buffer.alloc(10000, 7) }]);
    const entries = readZip(zip);
    expect(entries.map((e) => e.name)).toEqual(['a/b.txt', 'c']);
    expect(entries[0].mode! & 0o777).toBe(0o755); // eslint-disable-line no-bitwise
    expect(entries[0].read().toString()).toBe('hello');
    expect(entries[1].read()).toEqual(Buffer.alloc(10000, 7));
    expect(() => readZip(Buffer.from('not a zip at all, just text'))).toThrow(/not a zip archive/);
  });
});
