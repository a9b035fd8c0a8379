import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { App, Stack } from 'aws-cdk-lib';
import { ICommandHooks, TypeScriptFunction, TypeScriptFunctionProps } from '../../src';
import { composeBanner } from '../../src/function/private/bundler';
import { installFixtureProject, isolateBundleCache, tempDir } from '../helpers/fixtures';
import { runBundle } from '../helpers/run-bundle';

isolateBundleCache();
const PROJECT = installFixtureProject(join(__dirname, 'fixtures', 'cjs-interop'), 'cjs-interop-');

/** What a user adds so the package finds its data file next to the bundle (NodejsFunction users do the same). */
const copyGreeting: ICommandHooks = {
  beforeBundling: () => [],
  beforeInstall: () => [],
  afterBundling: (inputDir: string, outputDir: string) => [`cp ${inputDir}/node_modules/reads-own-file/greeting.txt ${outputDir}/`],
};

function build(props: Partial<TypeScriptFunctionProps> & { entry: string }): TypeScriptFunction {
  const app = new App();
  const fn = new TypeScriptFunction(new Stack(app, 'Test'), 'Fn', props);
  app.synth();
  return fn;
}

describe('CommonJS code in the default ESM bundle has __dirname and __filename', () => {
  test.each([true, false])('a CommonJS package that reads a file next to itself runs (minify: %s)', (minify) => {
    const fn = build({ entry: join(PROJECT, 'src', 'uses-dirname.ts'), bundling: { minify, commandHooks: copyGreeting } });
    expect(fn.assetPath).toBeDefined();
    // a fresh Node.js process imports index.mjs as the managed runtime does
    expect(runBundle(fn.assetPath, 'index.mjs', 'handler', {})).toEqual({
      greeting: 'hello from a file next to the package',
      file: 'index.mjs',
    });
  });

  test('a module that declares __dirname itself keeps its own, next to a package that uses the free one', () => {
    const fn = build({ entry: join(PROJECT, 'src', 'declares-dirname.mts'), bundling: { minify: false, commandHooks: copyGreeting } });
    const result = runBundle(fn.assetPath, 'index.mjs', 'handler', {}) as { greeting: string; mine: string };
    expect(result.greeting).toBe('hello from a file next to the package');
    expect(result.mine).toBe(fn.assetPath);
    const source = readFileSync(join(fn.assetPath, 'index.mjs'), 'utf8');
    expect(source).toMatch(/\bvar __dirname\d* = dirname\(fileURLToPath\(import\.meta\.url\)\)/);
  });

  test('functions bundled together in one esbuild call get the shim each', () => {
    const app = new App();
    const stack = new Stack(app, 'Shared');
    const where = new TypeScriptFunction(stack, 'Where', { entry: join(PROJECT, 'src', 'where.ts') });
    const elsewhere = new TypeScriptFunction(stack, 'Elsewhere', { entry: join(PROJECT, 'src', 'where-else.ts') });
    app.synth();
    expect(runBundle(where.assetPath, 'index.mjs', 'handler', {})).toEqual({ file: 'index.mjs', entry: 'where' });
    expect(runBundle(elsewhere.assetPath, 'index.mjs', 'handler', {})).toEqual({ file: 'index.mjs', entry: 'where-else' });
  });

  test('a bundle that does not use them is unchanged: no shim', () => {
    const fn = build({ entry: join(__dirname, 'fixtures', 'basic', 'src', 'hello.ts') });
    const source = readFileSync(join(fn.assetPath, 'index.mjs'), 'utf8');
    expect(source).not.toContain('fileURLToPath');
    expect(source).not.toContain('__cdkTsLambdaDirname');
  });

  test('with a source map, stack traces still point at the right source line (the shim adds a line)', () => {
    const fn = build({ entry: join(PROJECT, 'src', 'throws-after-dirname.ts'), bundling: { sourceMap: true, commandHooks: copyGreeting } });
    const runner = join(tempDir('run-'), 'runner.mjs');
    writeFileSync(runner, `import(${JSON.stringify(pathToFileURL(join(fn.assetPath, 'index.mjs')).href)})
      .then((m) => m.handler()).catch((err) => process.stdout.write(err.stack));`);
    const stack = execFileSync(process.execPath, ['--enable-source-maps', runner], { encoding: 'utf8', cwd: fn.assetPath });
    expect(stack).toContain('thrown by index.mjs');
    // `throw new Error(...)` is on line 5, column 9 of the entry
    expect(stack).toMatch(/src\/throws-after-dirname\.ts:5:9/);
  });
});

describe("the user's banner", () => {
  const entry = join(__dirname, 'fixtures', 'basic', 'src', 'with-deps.ts');

  test('comes first in the bundle, and CommonJS require() still works after it', () => {
    const fn = build({ entry, bundling: { banner: '/* (c) Example Corp, licensed MIT */', bundleAwsSdk: true } });
    const source = readFileSync(join(fn.assetPath, 'index.mjs'), 'utf8');
    expect(source.split('\n')[0]).toBe('/* (c) Example Corp, licensed MIT */');
    expect(source.split('\n')[1]).toContain('createRequire');
    expect(runBundle(fn.assetPath, 'index.mjs', 'handler', { wait: '1s' })).toMatchObject({ waitMs: 1000 });
  });

  test("NodejsFunction's ESM recipe (a banner that declares require) replaces ours instead of clashing", () => {
    const recipe = "import { createRequire } from 'module'; const require = createRequire(import.meta.url);";
    const fn = build({ entry, bundling: { banner: recipe, bundleAwsSdk: true } });
    const source = readFileSync(join(fn.assetPath, 'index.mjs'), 'utf8');
    expect(source.startsWith(`${recipe}\n`)).toBe(true);
    expect(source).not.toContain('__cdkTsLambdaCreateRequire');
    expect(runBundle(fn.assetPath, 'index.mjs', 'handler', { wait: '1s' })).toMatchObject({ waitMs: 1000 });
  });

  test("NodejsFunction's full ESM recipe (require, __filename, __dirname in the banner) works with a package that uses them", () => {
    const recipe = "import { createRequire } from 'module'; import { fileURLToPath } from 'url'; import { dirname } from 'path';"
      + ' const require = createRequire(import.meta.url); const __filename = fileURLToPath(import.meta.url); const __dirname = dirname(__filename);';
    const fn = build({ entry: join(PROJECT, 'src', 'where.ts'), bundling: { banner: recipe } });
    expect(readFileSync(join(fn.assetPath, 'index.mjs'), 'utf8').startsWith(`${recipe}\n`)).toBe(true);
    expect(runBundle(fn.assetPath, 'index.mjs', 'handler', {})).toEqual({ file: 'index.mjs', entry: 'where' });
  });

  test('a banner that calls require() without declaring it gets ours before it', () => {
    const banner = "const __os = require('node:os');";
    expect(composeBanner(true, banner).split('\n')).toEqual([expect.stringContaining('createRequire'), banner]);
    const fn = build({ entry, bundling: { banner, bundleAwsSdk: true } });
    expect(runBundle(fn.assetPath, 'index.mjs', 'handler', { wait: '1s' })).toMatchObject({ waitMs: 1000 });
  });

  test('runtimes without the shims keep the banner as given', () => {
    expect(composeBanner(false, '/* x */')).toBe('/* x */');
    expect(composeBanner(false, undefined)).toBe('');
  });
});
