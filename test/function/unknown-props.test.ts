import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { App, Duration, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import { HttpApiFunction, SqsConsumer, TypeScriptFunction } from '../../src';
import { checkKnownKeys, installedFunctionOptionKeys, KNOWN_KEYS, NODEJS_BUNDLING_OPTIONS, NODEJS_FUNCTION_PROPS } from '../../src/function/private/known-props';
import { isolateBundleCache } from '../helpers/fixtures';

isolateBundleCache();
const HELLO = join(__dirname, 'fixtures', 'basic', 'src', 'hello.ts');

/** Props as a JavaScript app (or tsx, which does not type-check) passes them. */
function buildUntyped(props: Record<string, unknown>): Stack {
  const app = new App();
  const stack = new Stack(app, 'Test');
  new TypeScriptFunction(stack, 'Fn', props as any);
  return stack;
}

describe('unknown keys are refused, with the closest valid name', () => {
  test.each([
    [{ bundling: { bundleAwsSDK: true } }, /Test\/Fn: unknown props \(nothing is silently ignored\):\n {2}- bundling\.bundleAwsSDK is not a bundling option: did you mean bundleAwsSdk\?/],
    [{ bundling: { inject: ['./shim.js'] } }, /bundling\.inject is NodejsFunction's and has no equivalent: import the module at the top of the entry/],
    [{ bundling: { esbuildArgs: { '--log-limit': '0' } } }, /bundling\.esbuildArgs is NodejsFunction's and has no equivalent: use the typed options/],
    [{ projectRoot: '.' }, /- projectRoot is NodejsFunction's and is `bundling\.projectRoot`\./],
    [{ depsLockFilePath: 'package-lock.json' }, /- depsLockFilePath is NodejsFunction's and is `bundling\.projectRoot`: the folder that holds the lockfile\./],
    [{ bundling: { minfy: false } }, /bundling\.minfy is not a bundling option: did you mean minify\?/],
    [{ memorySise: 256 }, /- memorySise is not a prop of TypeScriptFunction: did you mean memorySize\?/],
    [{ minify: false }, /- minify is not a prop of TypeScriptFunction: did you mean bundling\.minify\?/],
    [{ bundling: { timeout: 3 } }, /bundling\.timeout is not a bundling option: did you mean the top-level prop timeout\?/],
    [{ bundling: { forceDockerBundling: true } }, /bundling\.forceDockerBundling is NodejsFunction's and has no equivalent: bundling runs in-process, without Docker\./],
    [{ bundling: { zzzzzzzzzz: 1 } }, /bundling\.zzzzzzzzzz is not a bundling option; allowed: banner, bundleAwsSdk, /],
  ])('%j', (extra, message) => {
    expect(() => buildUntyped({ entry: HELLO, ...extra })).toThrow(message);
  });

  test('every unknown key is listed at once', () => {
    expect(() => buildUntyped({ entry: HELLO, projectRoot: '.', bundling: { bundleAwsSDK: true, inject: [] } }))
      .toThrow(/projectRoot[\s\S]*bundling\.bundleAwsSDK[\s\S]*bundling\.inject/);
  });

  test('bundling that is not an object', () => {
    expect(() => buildUntyped({ entry: HELLO, bundling: 'esm' })).toThrow(/Test\/Fn: bundling must be an object of bundling options, got string/);
  });

  test('a key whose value is undefined carries nothing and passes', () => {
    expect(() => buildUntyped({ entry: HELLO, depsLockFilePath: undefined, bundling: { inject: undefined } })).not.toThrow();
  });

  test('the wrapping constructs pass only function props on, so their own props are not refused', () => {
    const stack = new Stack(new App(), 'Wrapped');
    new HttpApiFunction(stack, 'Api', { entry: HELLO, routes: ['GET /pets'], urlOutput: true, memorySize: 256 });
    new SqsConsumer(stack, 'Jobs', { entry: HELLO, batchSize: 5, maxReceiveCount: 3, timeout: Duration.seconds(10) });
    expect(() => new SqsConsumer(stack, 'Typo', { entry: HELLO, bundling: { bundleAwsSDK: true } } as any))
      .toThrow(/Wrapped\/Typo\/Function: unknown props[\s\S]*did you mean bundleAwsSdk\?/);
  });
});

describe('every legitimate prop still passes', () => {
  test('the lists are the interfaces (TypeScript checks that), and the installed aws-cdk-lib agrees', () => {
    // read from aws-cdk-lib's own declarations: the fallback that lets a newer aws-cdk-lib's props through
    expect([...installedFunctionOptionKeys()].sort()).toEqual([...KNOWN_KEYS.functionOptions].sort());
  });

  test('an object with every known key, each set, passes the check', () => {
    const every = Object.fromEntries([...KNOWN_KEYS.own, ...KNOWN_KEYS.functionOptions].map((k) => [k, 1]));
    const bundling = Object.fromEntries(KNOWN_KEYS.bundling.map((k) => [k, 1]));
    expect(() => checkKnownKeys('X', { ...every, bundling })).not.toThrow();
  });

  test('a function with many real props synthesizes', () => {
    const stack = buildUntyped({
      entry: HELLO,
      handler: 'handler',
      description: 'd',
      timeout: Duration.seconds(5),
      memorySize: 512,
      environment: { A: 'b' },
      architecture: lambda.Architecture.X86_64,
      tracing: lambda.Tracing.ACTIVE,
      reservedConcurrentExecutions: 2,
      retryAttempts: 1,
      maxEventAge: Duration.minutes(5),
      logGroupRetention: logs.RetentionDays.ONE_WEEK,
      applicationLogLevelV2: lambda.ApplicationLogLevel.WARN,
      systemLogLevelV2: lambda.SystemLogLevel.WARN,
      bundling: { minify: false, sourceMap: true, bundleAwsSdk: true, define: { 'process.env.X': '"1"' }, report: false },
    });
    Template.fromStack(stack).hasResourceProperties('AWS::Lambda::Function', { MemorySize: 512, Timeout: 5 });
  });
});

describe('the README lists every NodejsFunction prop without an equivalent', () => {
  const readme = readFileSync(join(__dirname, '..', '..', 'README.md'), 'utf8');
  test.each([...Object.keys(NODEJS_FUNCTION_PROPS), ...Object.keys(NODEJS_BUNDLING_OPTIONS).map((k) => `bundling.${k}`)])('%s', (name) => {
    expect(readme).toContain(`\`${name}\``);
  });
});
