/**
 * A local run sees what Lambda offers and nothing of the project: the asset
 * in a task root outside any node_modules tree, the function's asset layers
 * as /opt, the project's AWS SDK v3 as the managed runtime's, and native code
 * of the other architecture refused with the --arch hint. Through the real
 * CLI (`ts-lambda invoke`) on a cloud assembly that lies inside a project
 * whose node_modules would otherwise answer every import.
 */
import { existsSync, mkdirSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CLI_ENV, runCli } from './helpers';
import { ELF_AARCH64, ELF_X86_64, elfHeader } from '../helpers/elf';
import { tempDir } from '../helpers/fixtures';

interface Fn {
  readonly id: string;
  /** file name → content of the asset */
  readonly files: Record<string, string | Buffer>;
  readonly handler: string;
  readonly architecture?: 'arm64' | 'x86_64';
  /** logical ids of layers of the template, or literal ARNs */
  readonly layers?: string[];
}

function write(dir: string, files: Record<string, string | Buffer>): void {
  for (const [name, content] of Object.entries(files)) {
    mkdirSync(join(dir, name, '..'), { recursive: true });
    writeFileSync(join(dir, name), content);
  }
}

const pkg = (name: string, main: string, version = '1.0.0') => ({
  [`node_modules/${name}/package.json`]: JSON.stringify({ name, version, main }),
});

/**
 * A project with `node_modules` (`left-out`, and `@aws-sdk/client-local` when
 * `sdk`) and its cdk.out holding one stack with `functions` and `layers`.
 */
function project(functions: Fn[], options: { sdk?: boolean; layers?: Record<string, Record<string, string>> } = {}): string {
  const root = tempDir('ts-lambda-isolation-');
  write(root, {
    ...pkg('left-out', 'index.js'),
    'node_modules/left-out/index.js': "module.exports = 'from the project';\n",
    ...(options.sdk ? {
      ...pkg('@aws-sdk/client-local', 'index.js', '3.999.1'),
      'node_modules/@aws-sdk/client-local/index.js': "exports.origin = 'the stand-in SDK';\n",
    } : {}),
  });
  const out = join(root, 'cdk.out');
  const resources: Record<string, unknown> = {};
  for (const [id, files] of Object.entries(options.layers ?? {})) {
    write(join(out, `asset.layer${id}`), files);
    resources[id] = { Type: 'AWS::Lambda::LayerVersion', Properties: { Content: { S3Bucket: 'b', S3Key: `${id}.zip` } }, Metadata: { 'aws:asset:path': `asset.layer${id}` } };
  }
  for (const fn of functions) {
    write(join(out, `asset.${fn.id}`), fn.files);
    resources[fn.id] = {
      Type: 'AWS::Lambda::Function',
      Properties: {
        Runtime: 'nodejs22.x',
        Handler: fn.handler,
        Architectures: [fn.architecture ?? (process.arch === 'arm64' ? 'arm64' : 'x86_64')],
        Code: { S3Bucket: 'b', S3Key: `${fn.id}.zip` },
        Layers: (fn.layers ?? []).map((l) => (l.startsWith('arn:') ? l : { Ref: l })),
      },
      Metadata: { 'aws:cdk:path': `Stack/${fn.id}/Resource`, 'aws:asset:path': `asset.${fn.id}` },
    };
  }
  write(out, {
    'manifest.json': JSON.stringify({ version: '36.0.0', artifacts: { Stack: { type: 'aws:cloudformation:stack', properties: { templateFile: 'Stack.template.json' } } } }),
    'Stack.template.json': JSON.stringify({ Resources: resources }),
  });
  return root;
}

function invoke(root: string, fn: string, args: string[] = []) {
  // run from the project: the CLI looks for the SDK there too
  return runCli(['invoke', fn, '--assembly', join(root, 'cdk.out'), ...args], { cwd: root, env: CLI_ENV });
}

function errorDoc(stdout: string): { errorType: string; errorMessage: string; trace: string[] } {
  return JSON.parse(stdout.trim().split('\n').pop()!);
}

describe('a module the asset lacks is not taken from the project', () => {
  const root = project([
    { id: 'Cjs', handler: 'index.handler', files: { 'index.js': "const x = require('left-out');\nexports.handler = async () => x;\n" } },
    { id: 'Esm', handler: 'index.handler', files: { 'index.mjs': "import x from 'left-out';\nexport const handler = async () => x;\n" } },
  ]);

  test('CommonJS: Runtime.ImportModuleError with the require stack, as Lambda reports it', () => {
    const r = invoke(root, 'Cjs');
    expect(r.code).toBe(1);
    const doc = errorDoc(r.stdout);
    expect(doc.errorType).toBe('Runtime.ImportModuleError');
    // the task root is outside the project, like /var/task
    expect(doc.errorMessage).toMatch(/^Error: Cannot find module 'left-out'\nRequire stack:\n- (\/.+)\/task\/index\.js/);
    const taskRoot = /- (\/.+\/task)\/index\.js/.exec(doc.errorMessage)![1];
    expect(taskRoot.startsWith(root)).toBe(false);
    expect(taskRoot).not.toMatch(/node_modules/);
    expect(r.stderr).not.toContain('from the project');
  });

  test('ES module: the error of ERR_MODULE_NOT_FOUND, as Lambda reports it', () => {
    const r = invoke(root, 'Esm');
    expect(r.code).toBe(1);
    const doc = errorDoc(r.stdout);
    expect(doc.errorType).toBe('Error');
    expect(doc.errorMessage).toMatch(/^Cannot find package 'left-out' imported from \/.+\/task\/index\.mjs$/);
  });

  test('the task root is a hard-link tree under the OS temp dir, reused by a warm run', () => {
    const taskRootOf = () => /- (\/.+\/task)\/index\.js/.exec(errorDoc(invoke(root, 'Cjs').stdout).errorMessage)![1];
    const first = taskRootOf();
    expect(first.startsWith(join(tmpdir(), 'ts-lambda-'))).toBe(true);
    const linked = statSync(join(first, 'index.js'));
    const born = statSync(first).birthtimeMs;
    expect(linked.ino).toBe(statSync(join(root, 'cdk.out', 'asset.Cjs', 'index.js')).ino);
    const second = taskRootOf();
    expect(second).toBe(first);
    expect(statSync(join(second, 'index.js')).ino).toBe(linked.ino);
    // not rebuilt
    expect(statSync(second).birthtimeMs).toBe(born);
  });
});

describe('layers', () => {
  const root = project([
    {
      id: 'WithLayers',
      handler: 'index.handler',
      layers: ['Shared', 'Versioned', 'arn:aws:lambda:us-east-1:999999999999:layer:theirs:3'],
      files: {
        'index.mjs': "import shared from 'shared-lib';\nimport versioned from 'versioned-lib';\n"
          + "import { createRequire } from 'node:module';\nconst require = createRequire(import.meta.url);\n"
          + "export const handler = async () => ({ shared, versioned, cjs: require('shared-lib'), left: (() => { try { return require('left-out'); } catch (e) { return e.code; } })() });\n",
      },
    },
  ], {
    layers: {
      Shared: { 'nodejs/node_modules/shared-lib/package.json': '{"name":"shared-lib","main":"index.js"}', 'nodejs/node_modules/shared-lib/index.js': "module.exports = 'from layer Shared';\n" },
      Versioned: { 'nodejs/node22/node_modules/versioned-lib/package.json': '{"name":"versioned-lib","main":"index.js"}', 'nodejs/node22/node_modules/versioned-lib/index.js': "module.exports = 'from nodejs/node22';\n" },
    },
  });

  test('asset layers resolve as /opt/nodejs/node_modules and /opt/nodejs/node22/node_modules; a foreign layer is reported', () => {
    const r = invoke(root, 'WithLayers');
    expect(r.stderr).toMatch(/layer arn:aws:lambda:us-east-1:999999999999:layer:theirs:3 is left out locally: .*ARN of another account/);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual({ shared: 'from layer Shared', versioned: 'from nodejs/node22', cjs: 'from layer Shared', left: 'MODULE_NOT_FOUND' });
  });
});

describe('the AWS SDK v3 of the managed runtime', () => {
  const handler = { 'index.mjs': "import { origin } from '@aws-sdk/client-local';\nexport const handler = async () => origin;\n" };

  test('the project\'s @aws-sdk packages stand in for /var/runtime/node_modules, and the run says which', () => {
    const root = project([{ id: 'Sdk', handler: 'index.handler', files: handler }], { sdk: true });
    const r = invoke(root, 'Sdk');
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toBe('the stand-in SDK');
    expect(r.stderr).toContain("locally the project's @aws-sdk/client-local 3.999.1");
  });

  test('without an SDK in the project, the run says so and the import fails as on a runtime without it', () => {
    const root = project([{ id: 'NoSdk', handler: 'index.handler', files: handler }]);
    const r = invoke(root, 'NoSdk');
    expect(r.stderr).toMatch(/imports @aws-sdk\/\*, which the nodejs22.x runtime provides on Lambda, but no AWS SDK v3 was found/);
    expect(r.code).toBe(1);
    expect(errorDoc(r.stdout).errorMessage).toMatch(/^Cannot find package '@aws-sdk\/client-local' imported from/);
  });
});

describe('native code of the other architecture', () => {
  const other = process.arch === 'arm64' ? 'x86_64' : 'arm64';
  const root = project([{
    id: 'Native',
    handler: 'index.handler',
    architecture: other,
    files: {
      'index.js': "const addon = require('./node_modules/fast/build/addon.node');\nexports.handler = async () => typeof addon;\n",
      'node_modules/fast/build/addon.node': elfHeader(other === 'arm64' ? ELF_AARCH64 : ELF_X86_64, 256),
    },
  }]);

  test('is refused with what to do instead of a loader error', () => {
    const r = invoke(root, 'Native');
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain(`Stack/Native is an ${other} function whose code holds ${other} native code`);
    expect(r.stderr).toContain('node_modules/fast/build/addon.node');
    if (other === 'arm64') expect(r.stderr).toContain('--arch arm64');
    expect(r.stderr).not.toMatch(/invalid ELF header|wrong ELF class/);
    expect(existsSync(join(root, 'cdk.out', 'asset.Native'))).toBe(true);
  });
});
