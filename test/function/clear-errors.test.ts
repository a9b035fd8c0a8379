import { join } from 'node:path';
import { App, Stack } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { FunctionRuntime, TypeScriptFunction } from '../../src';
import { nativeHint } from '../../src/function/private/bundler';
import { installFixtureProject, isolateBundleCache } from '../helpers/fixtures';

isolateBundleCache();
const HELLO = join(__dirname, 'fixtures', 'basic', 'src', 'hello.ts');

/** Props as a JavaScript app (or tsx, which does not type-check) passes them. */
function buildUntyped(props: Record<string, unknown>): TypeScriptFunction {
  const app = new App();
  const fn = new TypeScriptFunction(new Stack(app, 'Test'), 'Fn', props as any);
  app.synth();
  return fn;
}

describe('runtime given as a lambda.Runtime (the NodejsFunction habit)', () => {
  test.each([
    [lambda.Runtime.NODEJS_22_X, /Test\/Fn: runtime is the lambda\.Runtime 'nodejs22\.x'; TypeScriptFunction takes a FunctionRuntime: write `runtime: FunctionRuntime\.nodejs\(Runtime\.NODEJS_22_X\)`/],
    [lambda.Runtime.NODEJS_20_X, /FunctionRuntime\.nodejs\(Runtime\.NODEJS_20_X\)/],
    [lambda.Runtime.PROVIDED_AL2023, /runtime is the lambda\.Runtime 'provided\.al2023'.*FunctionRuntime\.llrt\(\{ version \}\)/],
    [lambda.Runtime.PYTHON_3_12, /runtime is the lambda\.Runtime 'python3\.12', which does not run JavaScript/],
  ])('%s says what to write', (runtime, message) => {
    expect(() => buildUntyped({ entry: HELLO, runtime })).toThrow(message);
  });

  test('anything else that is not a FunctionRuntime', () => {
    expect(() => buildUntyped({ entry: HELLO, runtime: 'nodejs22.x' }))
      .toThrow(/runtime must be a FunctionRuntime \(FunctionRuntime\.nodejs\(\).*got string "nodejs22\.x"/);
  });

  test('FunctionRuntime.nodejs(Runtime.NODEJS_22_X) is what works', () => {
    const fn = buildUntyped({ entry: HELLO, runtime: FunctionRuntime.nodejs(lambda.Runtime.NODEJS_22_X) });
    expect(fn.runtime.name).toBe('nodejs22.x');
  });
});

describe('FunctionRuntime.bun() and .llrt() without options (from JavaScript)', () => {
  test.each([
    ['bun', () => (FunctionRuntime.bun as any)(), /FunctionRuntime\.bun\(options\): options are required: \{ version \}.*or \{ binaryPath \}/],
    ['llrt', () => (FunctionRuntime.llrt as any)(), /FunctionRuntime\.llrt\(options\): options are required: \{ version \}.*or \{ binaryPath \}/],
    ['bun(null)', () => (FunctionRuntime.bun as any)(null), /FunctionRuntime\.bun\(options\): options are required/],
  ])('%s', (_name, call, message) => {
    expect(call).toThrow(message);
    expect(call).not.toThrow(TypeError);
  });

  test('empty options still name the missing one', () => {
    expect(() => FunctionRuntime.bun({})).toThrow(/FunctionRuntime\.bun: version is required/);
  });
});

describe('a native package left to be bundled', () => {
  const project = installFixtureProject(join(__dirname, 'fixtures', 'cjs-interop'), 'native-');

  test("names the package and says it belongs in bundling.nodeModules, after esbuild's own message", () => {
    expect(() => buildUntyped({ entry: join(project, 'src', 'uses-native.ts') })).toThrow(
      /Test\/Fn: esbuild failed to bundle src\/uses-native\.ts:\n[\s\S]*No loader is configured for "\.node" files: node_modules\/@fixture\/fake-native\/build\/Release\/addon\.node[\s\S]*\n'@fixture\/fake-native' is a native package .* add it to bundling\.nodeModules \(e\.g\. nodeModules: \['@fixture\/fake-native'\]\)/,
    );
  });

  test('the hint reads nested and unscoped packages, and the project\'s own addons', () => {
    const err = {
      errors: [
        { text: 'No loader is configured for ".node" files: node_modules/a/node_modules/bcrypt/lib/binding/bcrypt_lib.node' },
        { text: 'No loader is configured for ".node" files: native/addon.node' },
      ],
    };
    const hint = nativeHint(err);
    expect(hint).toContain("'bcrypt' is a native package");
    expect(hint).not.toContain("'a' is");
    expect(hint).toMatch(/native\/addon\.node is a native addon of the project itself/);
    expect(nativeHint({ errors: [{ text: 'Could not resolve "x"' }] })).toBe('');
  });
});
