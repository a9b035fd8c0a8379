import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { Architecture } from 'aws-cdk-lib/aws-lambda';
import { BundlingOptions, FunctionRuntime, ICommandHooks, OutputFormat, TypeScriptFunction, TypeScriptFunctionProps } from '../../src';
import { buildBundle, buildBundles, planBundle } from '../../src/function/private/bundler';
import { copyToTemp, isolateBundleCache, loadEvent, tempDir } from '../helpers/fixtures';
import { runBundle } from '../helpers/run-bundle';

const cacheDir = isolateBundleCache();
const FIXTURE = join(__dirname, 'fixtures', 'basic');

/** A function in an app of its own, synthesized (a cache miss is bundled at synth). */
function build(props: Partial<TypeScriptFunctionProps> & { entry: string }): TypeScriptFunction {
  const app = new App();
  const fn = new TypeScriptFunction(new Stack(app, 'Test'), 'Fn', props);
  app.synth();
  return fn;
}

function s3Key(fn: TypeScriptFunction): string {
  const template = Template.fromStack(Stack.of(fn));
  const functions = template.findResources('AWS::Lambda::Function');
  return Object.values(functions)[0].Properties.Code.S3Key;
}

describe('bundles run', () => {
  test('the ESM bundle handles a real SQS event (powertools-ts-sqs.json)', () => {
    const event = loadEvent('powertools-ts-sqs.json');
    const fn = build({ entry: join(FIXTURE, 'src', 'hello.ts') });
    const result = runBundle(fn.assetPath, 'index.mjs', 'handler', event) as any;
    expect(result.seen).toEqual(event.Records.map((r: any) => `${r.messageId}:${r.body.length}`));
    expect(result.batchItemFailures).toEqual([]);
  });

  test('a record whose body says "fail" is reported, and only that one', () => {
    const event = loadEvent('example-sqs-event.json');
    event.Records.push({ ...event.Records[0], messageId: 'second', body: 'please fail' });
    const fn = build({ entry: join(FIXTURE, 'src', 'hello.ts') });
    const result = runBundle(fn.assetPath, 'index.mjs', 'handler', event) as any;
    expect(result.batchItemFailures).toEqual([{ itemIdentifier: 'second' }]);
  });

  test('the CommonJS bundle runs too', () => {
    const fn = build({ entry: join(FIXTURE, 'src', 'hello.ts'), bundling: { format: OutputFormat.CJS } });
    const result = runBundle(fn.assetPath, 'index.js', 'handler', loadEvent('example-sqs-event.json')) as any;
    expect(result.seen).toHaveLength(1);
  });

  test('CommonJS dependencies that call require() work in the ESM bundle (createRequire banner)', () => {
    const fn = build({ entry: join(FIXTURE, 'src', 'with-deps.ts'), bundling: { bundleAwsSdk: true } });
    const result = runBundle(fn.assetPath, 'index.mjs', 'handler', { wait: '2s' }) as any;
    expect(result).toEqual({ waitMs: 2000, platform: process.platform, sdk: 'function' });
  });

  test('without the banner the same bundle fails with "Dynamic require" (the banner is what fixes it)', () => {
    const fn = build({ entry: join(FIXTURE, 'src', 'with-deps.ts'), bundling: { bundleAwsSdk: true, minify: false } });
    const source = readFileSync(join(fn.assetPath, 'index.mjs'), 'utf8');
    const withoutBanner = source.split('\n').slice(1).join('\n');
    const dir = tempDir();
    writeFileSync(join(dir, 'index.mjs'), withoutBanner);
    expect(() => runBundle(dir, 'index.mjs', 'handler', { wait: '1s' })).toThrow(/Dynamic require of "os" is not supported/);
  });

  test('define, banner and footer reach the bundle', () => {
    const fn = build({
      entry: join(FIXTURE, 'src', 'hello.ts'),
      bundling: { minify: false, banner: '/* my banner */', footer: '/* my footer */', define: { 'process.env.STAGE': '"prod"' } },
    });
    const source = readFileSync(join(fn.assetPath, 'index.mjs'), 'utf8');
    expect(source).toContain('/* my banner */');
    expect(source.trimEnd().endsWith('/* my footer */')).toBe(true);
  });
});

describe('tsconfig, keepNames, mainFields', () => {
  test('bundling.tsconfig: path aliases resolve; keepNames keeps class names through minification', () => {
    const plain = build({ entry: join(FIXTURE, 'src', 'aliased.ts'), bundling: { tsconfig: join(FIXTURE, 'tsconfig.paths.json') } });
    const kept = build({ entry: join(FIXTURE, 'src', 'aliased.ts'), bundling: { tsconfig: join(FIXTURE, 'tsconfig.paths.json'), keepNames: true } });
    const event = { id: 'm1', body: 'hello' };
    expect(runBundle(kept.assetPath, 'index.mjs', 'handler', event)).toEqual({ described: 'm1:5', errorClass: 'GreetingError' });
    expect((runBundle(plain.assetPath, 'index.mjs', 'handler', event) as any).errorClass).not.toBe('GreetingError');
  });

  test('without the tsconfig the alias does not resolve, and the error says so', () => {
    expect(() => build({ entry: join(FIXTURE, 'src', 'aliased.ts') })).toThrow(/Could not resolve "@lib\/describe"/);
  });

  test('mainFields decides which file of a package is bundled', () => {
    // a node_modules of its own (not the link to this repo's), with esbuild linked in
    const project = copyToTemp(FIXTURE, undefined, { linkNodeModules: false });
    const pkg = join(project, 'node_modules', 'dual');
    mkdirSync(pkg, { recursive: true });
    for (const name of ['esbuild', '@esbuild']) {
      symlinkSync(join(__dirname, '..', '..', 'node_modules', name), join(project, 'node_modules', name), 'dir');
    }
    writeFileSync(join(pkg, 'package.json'), JSON.stringify({ name: 'dual', main: 'main.js', module: 'module.js' }));
    writeFileSync(join(pkg, 'main.js'), 'exports.flavour = "main";');
    writeFileSync(join(pkg, 'module.js'), 'export const flavour = "module";');
    writeFileSync(join(project, 'src', 'dual.ts'), "import { flavour } from 'dual';\nexport const handler = async () => flavour;\n");
    const byDefault = build({ entry: join(project, 'src', 'dual.ts') });
    const mainFirst = build({ entry: join(project, 'src', 'dual.ts'), bundling: { mainFields: ['main'] } });
    expect(runBundle(byDefault.assetPath, 'index.mjs', 'handler', {})).toBe('module');
    expect(runBundle(mainFirst.assetPath, 'index.mjs', 'handler', {})).toBe('main');
  });
});

describe('source maps', () => {
  test('a linked map without node_modules sources; stack traces point at the TypeScript source', () => {
    const fn = build({ entry: join(FIXTURE, 'src', 'with-deps.ts'), bundling: { sourceMap: true, bundleAwsSdk: true } });
    const map = JSON.parse(readFileSync(join(fn.assetPath, 'index.mjs.map'), 'utf8'));
    expect(map.sources.some((s: string) => s.endsWith('src/with-deps.ts'))).toBe(true);
    expect(map.sources.filter((s: string) => s.includes('node_modules/'))).toEqual([]);
    expect(readFileSync(join(fn.assetPath, 'index.mjs'), 'utf8')).toMatch(/sourceMappingURL=index\.mjs\.map/);

    const thrower = build({ entry: join(FIXTURE, 'src', 'throws.ts'), bundling: { sourceMap: true } });
    expect(() => runBundle(thrower.assetPath, 'index.mjs', 'handler', {}, { NODE_OPTIONS: '--enable-source-maps' }))
      .toThrow(/boom from throws\.ts/);
    const stack = execFileSync(process.execPath, ['--enable-source-maps', '--input-type=module', '-e',
      `import('${join(thrower.assetPath, 'index.mjs')}').then(m => m.handler()).catch(e => { console.log(e.stack); })`], { encoding: 'utf8' });
    expect(stack).toMatch(/src\/throws\.ts:3/);
  });
});

describe('metafile and hooks', () => {
  test('metafile: index.meta.json in the asset', () => {
    const fn = build({ entry: join(FIXTURE, 'src', 'hello.ts'), bundling: { metafile: true } });
    const meta = JSON.parse(readFileSync(join(fn.assetPath, 'index.meta.json'), 'utf8'));
    expect(Object.keys(meta.inputs)).toContain('src/hello.ts');
  });

  test('command hooks run around bundling, in order, with the asset folder', () => {
    const log = join(tempDir(), 'hooks.log');
    const hooks: ICommandHooks = {
      beforeBundling: () => [`echo before >> ${log}`],
      beforeInstall: () => [`echo install >> ${log}`],
      afterBundling: (_input, output) => [`echo after >> ${log}`, `echo extra > ${output}/extra.txt`],
    };
    const fn = build({ entry: join(FIXTURE, 'src', 'hello.ts'), bundling: { commandHooks: hooks } });
    expect(readFileSync(log, 'utf8').split('\n').filter(Boolean)).toEqual(['before', 'after']);
    expect(readFileSync(join(fn.assetPath, 'extra.txt'), 'utf8').trim()).toBe('extra');
  });

  test('a failing hook fails synth and names the hook', () => {
    const hooks: ICommandHooks = { beforeBundling: () => ['exit 3'], beforeInstall: () => [], afterBundling: () => [] };
    expect(() => build({ entry: join(FIXTURE, 'src', 'hello.ts'), bundling: { commandHooks: hooks, define: { X: '"hooks-fail"' } } }))
      .toThrow(/bundling\.commandHooks\.beforeBundling: `exit 3` failed/);
  });
});

describe('cache', () => {
  test('a second synth with nothing changed does no bundling work; a changed input rebuilds', () => {
    const project = copyToTemp(FIXTURE);
    // the bundle report says, for each function, whether it was built or taken from the cache
    delete process.env.CDK_TS_LAMBDA_QUIET;
    const reports: string[] = [];
    const spy = jest.spyOn(process.stderr, 'write').mockImplementation((chunk: any) => {
      if (String(chunk).startsWith('cdk-ts-lambda:')) reports.push(String(chunk));
      return true;
    });
    const builds = () => reports.filter((r) => / built in \d+ ms/.test(r)).length;
    try {
      const first = build({ entry: join(project, 'src', 'hello.ts') });
      expect(builds()).toBe(1);
      const second = build({ entry: join(project, 'src', 'hello.ts') });
      expect(builds()).toBe(1); // no bundling
      expect(reports[1]).toMatch(/ cached\n$/);
      expect(s3Key(second)).toBe(s3Key(first));

      // an imported file changes: rebuilt, new asset
      writeFileSync(join(project, 'src', 'lib', 'describe.ts'), 'export function describe(id: string, body: string): string { return id + "!" + body; }\n');
      const third = build({ entry: join(project, 'src', 'hello.ts') });
      expect(builds()).toBe(2);
      expect(s3Key(third)).not.toBe(s3Key(first));

      // package.json steers resolution: a change there rebuilds too
      writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'fixture-basic', private: true, version: '1.0.1' }));
      build({ entry: join(project, 'src', 'hello.ts') });
      expect(builds()).toBe(3);

      // a changed option is another cache entry
      build({ entry: join(project, 'src', 'hello.ts'), bundling: { minify: false } });
      expect(builds()).toBe(4);
    } finally {
      spy.mockRestore();
      process.env.CDK_TS_LAMBDA_QUIET = '1';
    }
  });

  test('the same sources in two folders give the same asset hash (also with source maps)', () => {
    const a = copyToTemp(FIXTURE, 'checkout-a-');
    const b = copyToTemp(FIXTURE, 'checkout-b-');
    for (const bundling of [{}, { sourceMap: true }, { format: OutputFormat.CJS, minify: false }]) {
      process.env.CDK_TS_LAMBDA_CACHE_DIR = tempDir();
      const fa = build({ entry: join(a, 'src', 'hello.ts'), bundling });
      process.env.CDK_TS_LAMBDA_CACHE_DIR = tempDir();
      const fb = build({ entry: join(b, 'src', 'hello.ts'), bundling });
      expect(fa.assetPath).not.toBe(fb.assetPath);
      expect(s3Key(fa)).toBe(s3Key(fb));
    }
    process.env.CDK_TS_LAMBDA_CACHE_DIR = cacheDir;
  });

  test('the portable esbuild-wasm gives the same bundle as native esbuild', () => {
    const project = copyToTemp(FIXTURE);
    process.env.CDK_TS_LAMBDA_CACHE_DIR = tempDir();
    const native = build({ entry: join(project, 'src', 'hello.ts') });
    process.env.CDK_TS_LAMBDA_CACHE_DIR = tempDir();
    process.env.CDK_TS_LAMBDA_ESBUILD = 'wasm';
    try {
      const wasm = build({ entry: join(project, 'src', 'hello.ts') });
      expect(s3Key(wasm)).toBe(s3Key(native));
      expect(existsSync(join(wasm.assetPath, 'index.mjs'))).toBe(true);
    } finally {
      delete process.env.CDK_TS_LAMBDA_ESBUILD;
      process.env.CDK_TS_LAMBDA_CACHE_DIR = cacheDir;
    }
  });
});

describe('an app of several functions: cache misses share one esbuild call', () => {
  /** Counts the esbuild calls of plans by wrapping the API they resolved. */
  function countingPlans(entries: { entry: string; bundling?: BundlingOptions }[], project: string) {
    let calls = 0;
    const plans = entries.map(({ entry, bundling }) => {
      const plan = planBundle({
        entry,
        projectRoot: project,
        cacheDir: tempDir(),
        handler: 'handler',
        architecture: 'arm64',
        runtime: FunctionRuntime.nodejs()._bundlingDefaults(Architecture.ARM_64),
        prepareAsset: () => undefined,
        bundling: bundling ?? {},
        label: `Test/${entry}`,
      });
      const api = plan.esbuild.api;
      const counting = { version: api.version, buildSync: (o: Record<string, unknown>) => { calls++; return api.buildSync(o); } };
      return { ...plan, esbuild: { ...plan.esbuild, api: counting } };
    });
    return { plans, calls: () => calls };
  }

  test('one call for the entries with the same options, the same assets as alone; source maps are built alone', () => {
    const project = copyToTemp(FIXTURE);
    const src = (name: string) => join(project, 'src', name);
    const entries = [
      { entry: src('hello.ts') },
      { entry: src('throws.ts') },
      { entry: src('hello.ts'), bundling: { format: OutputFormat.CJS } },
      { entry: src('throws.ts'), bundling: { format: OutputFormat.CJS } },
      { entry: src('hello.ts'), bundling: { sourceMap: true } },
    ];
    const { plans, calls } = countingPlans(entries, project);
    const results = buildBundles(plans);
    // the ESM pair, the CJS pair, the source-mapped one alone, and the export
    // check's probe of each CJS bundle of an ESM source
    expect(calls()).toBe(3 + 2);
    expect(results.map((r) => r.cached)).toEqual([false, false, false, false, false]);
    const alone = countingPlans(entries, project);
    const one = alone.plans.map((plan) => buildBundle(plan));
    expect(alone.calls()).toBe(5 + 2);
    expect(results.map((r) => r.assetHash)).toEqual(one.map((r) => r.assetHash));
    expect(results.map((r) => r.topInputs)).toEqual(one.map((r) => r.topInputs));
    // the cache entries record the inputs of each entry only, as a build on its own does
    const inputsOf = (r: { assetDir: string }) => Object.keys(JSON.parse(readFileSync(join(r.assetDir, '..', 'manifest.json'), 'utf8')).inputs);
    expect(results.map(inputsOf)).toEqual(one.map(inputsOf));
    expect(inputsOf(results[1])).not.toContain('src/lib/describe.ts');
  });

  test('a synth bundles every function of the app; a broken one among them names its construct', () => {
    const project = copyToTemp(FIXTURE);
    process.env.CDK_TS_LAMBDA_CACHE_DIR = tempDir();
    try {
      const app = new App();
      const stack = new Stack(app, 'Test');
      const a = new TypeScriptFunction(stack, 'A', { entry: join(project, 'src', 'hello.ts') });
      const b = new TypeScriptFunction(stack, 'B', { entry: join(project, 'src', 'throws.ts') });
      const template = Template.fromStack(stack);
      const keys = Object.values(template.findResources('AWS::Lambda::Function')).map((r) => r.Properties.Code.S3Key);
      expect(keys).toHaveLength(2);
      expect(new Set(keys).size).toBe(2);
      expect(existsSync(join(a.assetPath, 'index.mjs'))).toBe(true);
      expect(b.bundleSize).toBeGreaterThan(0);
      // the same functions alone, from a fresh cache, give the same assets
      process.env.CDK_TS_LAMBDA_CACHE_DIR = tempDir();
      expect(s3Key(build({ entry: join(project, 'src', 'hello.ts') }))).toBe(keys[0]);

      process.env.CDK_TS_LAMBDA_CACHE_DIR = tempDir();
      const broken = new App();
      const brokenStack = new Stack(broken, 'Test');
      new TypeScriptFunction(brokenStack, 'Good', { entry: join(project, 'src', 'hello.ts') });
      new TypeScriptFunction(brokenStack, 'Bad', { entry: join(project, 'src', 'no-handler.ts') });
      expect(() => broken.synth()).toThrow(/^Test\/Bad: the entry src\/no-handler\.ts has no export named 'handler'/);
      expect(() => broken.synth()).toThrow(/^Test\/Bad: /); // and again, not with a missing bundle
    } finally {
      process.env.CDK_TS_LAMBDA_CACHE_DIR = cacheDir;
    }
  });

  test('reading assetPath before synth builds the pending bundles at once', () => {
    const project = copyToTemp(FIXTURE);
    const stack = new Stack(new App(), 'Test');
    const a = new TypeScriptFunction(stack, 'A', { entry: join(project, 'src', 'hello.ts') });
    const b = new TypeScriptFunction(stack, 'B', { entry: join(project, 'src', 'throws.ts') });
    expect(existsSync(join(a.assetPath, 'index.mjs'))).toBe(true);
    expect(existsSync(join(b.assetPath, 'index.mjs'))).toBe(true);
    expect(Template.fromStack(stack).resourceCountIs('AWS::Lambda::Function', 2)).toBeUndefined();
  });
});
