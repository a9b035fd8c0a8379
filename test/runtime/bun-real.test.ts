/**
 * End to end with the real Bun engine: a TypeScriptFunction on
 * FunctionRuntime.bun answers a real event through the emulator, on x64
 * natively and on arm64 under qemu-user, proving the arm64 asset works
 * before anyone deploys it. The engines come from the npm packages
 * @oven/bun-linux-x64 and -aarch64, fetched at install time by
 * scripts/prefetch-engines.sh (which .ci/run runs), so this test needs no
 * network. Where they (or qemu) are missing, the tests say so and skip, and
 * fail under CI=true (test/helpers/external-tool.ts).
 */
import { join } from 'node:path';
import { App, Stack } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { body, FIXTURES } from './helpers';
import { FunctionRuntime, TypeScriptFunction } from '../../src';
import { bunAssetCommand, LambdaEmulator, QEMU_ARM64_PREFIX } from '../../src/runtime/emulator';
import { BUN_VERSION, needs, prefetchedBun as bun, testNeeding } from '../helpers/external-tool';
import { isolateBundleCache, loadEvent } from '../helpers/fixtures';

isolateBundleCache();

async function runThroughEmulator(arch: 'x64' | 'arm64'): Promise<{ body: any; log: string }> {
  const stack = new Stack(new App(), `BunReal${arch}`);
  const fn = new TypeScriptFunction(stack, 'Fn', {
    entry: join(FIXTURES, 'ts', 'hello.ts'),
    architecture: arch === 'arm64' ? lambda.Architecture.ARM_64 : lambda.Architecture.X86_64,
    runtime: FunctionRuntime.bun({ binaryPath: bun(arch) }),
  });
  let log = '';
  const emulator = await LambdaEmulator.start({
    functions: [{
      name: 'bun-real',
      codeDir: fn.assetPath,
      handler: 'index.handler',
      runtime: 'provided.al2023',
      architecture: arch === 'arm64' ? 'arm64' : 'x86_64',
      command: bunAssetCommand(fn.assetPath),
      commandPrefix: arch === 'arm64' ? QEMU_ARM64_PREFIX : undefined,
      timeoutSeconds: 60,
    }],
    onLog: (entry) => { log += entry.text; },
  });
  try {
    const result = await emulator.invoke('bun-real', JSON.stringify(loadEvent('example-apigw-v2-request-multi-value-parameters.json')));
    expect(result.functionError).toBeUndefined();
    return { body: body(result), log };
  } finally {
    await emulator.close();
  }
}

for (const arch of ['x64', 'arm64'] as const) {
  const withEngine = arch === 'arm64'
    ? testNeeding(needs.x64Host(), needs.bun(arch), needs.qemuUser())
    : testNeeding(needs.x64Host(), needs.bun(arch));
  withEngine(`real Bun ${BUN_VERSION} (${arch}${arch === 'arm64' ? ', under qemu-user' : ''}) answers a real HTTP API event`, async () => {
    const { body: answer } = await runThroughEmulator(arch);
    expect(answer).toMatchObject({ statusCode: 200 });
    expect(JSON.parse(answer.body)).toEqual({ method: 'GET', path: '/my/path', engine: 'bun' });
  }, 180_000);
}
