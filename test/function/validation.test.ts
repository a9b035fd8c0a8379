import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { App, Size, Stack } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { FunctionRuntime, OutputFormat, TypeScriptFunction, TypeScriptFunctionProps } from '../../src';
import { resolveEsbuild } from '../../src/function/private/esbuild';
import { copyToTemp, isolateBundleCache, tempDir } from '../helpers/fixtures';

isolateBundleCache();
const FIXTURE = join(__dirname, 'fixtures', 'basic');
const entry = (name: string) => join(FIXTURE, 'src', name);

/** A function in an app of its own, synthesized: props are checked at construction, the bundle at synth. */
function build(props: Partial<TypeScriptFunctionProps>): TypeScriptFunction {
  const app = new App();
  const fn = new TypeScriptFunction(new Stack(app, 'Test'), 'Fn', { entry: entry('hello.ts'), ...props });
  app.synth();
  return fn;
}

describe('synth-time errors name the prop and what is allowed', () => {
  test('missing entry file', () => {
    expect(() => build({ entry: entry('nope.ts') })).toThrow(/Test\/Fn: entry '.*nope\.ts' does not exist/);
  });

  test('empty entry', () => {
    expect(() => build({ entry: '' })).toThrow(/Test\/Fn: entry is required/);
  });

  test('unsupported extension', () => {
    expect(() => build({ entry: entry('handler.py') })).toThrow(/entry '.*handler\.py' has an unsupported extension '\.py'; allowed: \.ts, \.mts/);
  });

  test('no export named like the handler, listing the exports it has', () => {
    expect(() => build({ entry: entry('no-handler.ts') }))
      .toThrow(/has no export named 'handler' \(handler\)\. Its exports: 'helper', 'main'/);
    expect(() => build({ entry: entry('hello.ts'), handler: 'missing' }))
      .toThrow(/no export named 'missing'.*'handler', 'other'/);
  });

  test('the export check also holds for CommonJS bundles of ESM sources', () => {
    expect(() => build({ entry: entry('no-handler.ts'), bundling: { format: OutputFormat.CJS } }))
      .toThrow(/no export named 'handler'.*'helper', 'main'/);
  });

  test('a CommonJS entry in an ESM bundle: only a default export, with a hint', () => {
    expect(() => build({ entry: entry('commonjs.cjs'), bundling: { format: OutputFormat.ESM } }))
      .toThrow(/Its exports: 'default'\. The entry is CommonJS.*OutputFormat\.CJS/);
    // as CommonJS (the default for a CommonJS entry) it is fine
    expect(() => build({ entry: entry('commonjs.cjs') })).not.toThrow();
    expect(() => build({ entry: entry('commonjs.cjs'), bundling: { format: OutputFormat.CJS } })).not.toThrow();
  });

  test('handler that is a path, not an export name', () => {
    expect(() => build({ handler: 'index.handler' })).toThrow(/handler 'index\.handler' must be the name of an exported function/);
  });

  test('nodeModules and externalModules conflict', () => {
    expect(() => build({ bundling: { nodeModules: ['ms'], externalModules: ['ms'] } }))
      .toThrow(/bundling\.nodeModules and bundling\.externalModules both list ms/);
  });

  test('a nodeModule that the project does not have', () => {
    expect(() => build({ bundling: { nodeModules: ['left-pad-not-installed'] } }))
      .toThrow(/bundling\.nodeModules lists 'left-pad-not-installed', which is not a dependency of .*package\.json\. Add it \(with npm install\) so package-lock\.json locks it/);
  });

  test('maxSize: a bundle over budget fails synth with its size and largest inputs', () => {
    expect(() => build({ bundling: { maxSize: Size.bytes(100) } }))
      .toThrow(/bundling\.maxSize is 100 bytes but the bundle index\.mjs is \d+ bytes\. Largest inputs: src\/hello\.ts/);
    expect(() => build({ bundling: { maxSize: Size.kibibytes(10) } })).not.toThrow();
  });

  test('bad loader, bad target, missing tsconfig', () => {
    expect(() => build({ bundling: { loader: { '.png': 'picture' } } })).toThrow(/bundling\.loader\['\.png'\] 'picture' is not an esbuild loader; allowed: base64/);
    expect(() => build({ bundling: { loader: { png: 'file' } } })).toThrow(/bundling\.loader keys are file extensions starting with '\.'/);
    expect(() => build({ bundling: { target: 'chrome' } })).toThrow(/bundling\.target 'chrome' is not an esbuild target/);
    expect(() => build({ bundling: { tsconfig: 'nope/tsconfig.json' } })).toThrow(/bundling\.tsconfig 'nope\/tsconfig\.json' does not exist/);
  });

  test('a projectRoot that does not contain the entry', () => {
    expect(() => build({ bundling: { projectRoot: tempDir() } })).toThrow(/bundling\.projectRoot '.*' must contain the entry/);
  });

  test('a syntax error names the entry and esbuild\'s message', () => {
    const project = copyToTemp(FIXTURE);
    writeFileSync(join(project, 'src', 'broken.ts'), 'export const handler = async ( => 1;\n');
    expect(() => build({ entry: join(project, 'src', 'broken.ts') })).toThrow(/esbuild failed to bundle src\/broken\.ts:[\s\S]*src\/broken\.ts:1:31: ERROR: Unexpected/);
  });

  test('FunctionRuntime.nodejs refuses a runtime that is not Node.js', () => {
    expect(() => FunctionRuntime.nodejs(lambda.Runtime.PYTHON_3_12)).toThrow(/'python3\.12' is not a Node\.js runtime/);
  });
});

describe('esbuild resolution', () => {
  test('the project\'s own esbuild first', () => {
    expect(resolveEsbuild(join(__dirname, '..', '..')).flavour).toBe('esbuild');
  });

  test('esbuild-wasm (shipped with the library) when the project has none', () => {
    const empty = tempDir();
    expect(resolveEsbuild(empty, { force: 'wasm' }).flavour).toBe('esbuild-wasm');
  });

  test('a clear error when neither can be loaded', () => {
    const empty = tempDir();
    mkdirSync(join(empty, 'sub'));
    expect(() => resolveEsbuild(join(empty, 'sub'), { force: 'native', selfDir: empty }))
      .toThrow(/could not load esbuild[\s\S]*esbuild: not found from[\s\S]*npm install --save-dev esbuild/);
    expect(() => resolveEsbuild(empty, { force: 'fast' })).toThrow(/CDK_TS_LAMBDA_ESBUILD must be 'native' or 'wasm'/);
  });
});
