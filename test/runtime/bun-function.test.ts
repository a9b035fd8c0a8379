/**
 * TypeScriptFunction with FunctionRuntime.bun: the synthesized asset
 * (bundle + engine + our client + bootstrap) is run end to end through the
 * emulator as Lambda would start it. The engine is a stand-in that runs
 * Node.js (no network here); the real Bun was run the same way by hand.
 */
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { body, FIXTURES } from './helpers';
import { FunctionRuntime, TypeScriptFunction } from '../../src';
import { LambdaEmulator, providedCommand } from '../../src/runtime/emulator';
import { isolateBundleCache, loadEvent } from '../helpers/fixtures';

isolateBundleCache();
const work = mkdtempSync(join(tmpdir(), 'bun-function-test-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

test('a Bun function synthesizes to provided.al2023 and its asset answers a real event through the emulator', async () => {
  const engine = join(work, 'bun');
  writeFileSync(engine, '#!/bin/sh\n[ "$1" = "--no-install" ] && shift\nexec node "$@"\n', { mode: 0o755 });
  const stack = new Stack(new App(), 'BunTest');
  const fn = new TypeScriptFunction(stack, 'Fn', {
    entry: join(FIXTURES, 'ts', 'hello.ts'),
    architecture: lambda.Architecture.X86_64,
    runtime: FunctionRuntime.bun({ binaryPath: engine }),
  });

  const template = Template.fromStack(stack);
  template.hasResourceProperties('AWS::Lambda::Function', { Runtime: 'provided.al2023', Handler: 'index.handler', Architectures: ['x86_64'] });
  expect(readdirSync(fn.assetPath).sort()).toEqual(['bin', 'bootstrap', 'index.mjs', 'ric.mjs']);

  const emulator = await LambdaEmulator.start({
    functions: [{ name: 'bun-fn', codeDir: fn.assetPath, handler: 'index.handler', command: providedCommand(fn.assetPath), runtime: 'provided.al2023' }],
  });
  try {
    const result = await emulator.invoke('bun-fn', JSON.stringify(loadEvent('example-apigw-v2-request-multi-value-parameters.json')));
    expect(result.functionError).toBeUndefined();
    expect(body(result)).toMatchObject({ statusCode: 200 });
    expect(JSON.parse(body(result).body)).toEqual({ method: 'GET', path: '/my/path', engine: 'node' });
  } finally {
    await emulator.close();
  }
});

test('FunctionRuntime.bun validates its options at synth time', () => {
  expect(() => FunctionRuntime.bun({ version: 'latest' })).toThrow(/must be an exact version/);
  expect(() => FunctionRuntime.bun({})).toThrow(/version is required/);
});
