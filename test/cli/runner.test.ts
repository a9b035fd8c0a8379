import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { FunctionInfo } from '../../src/runtime/cli/assembly';
import { functionConfig } from '../../src/runtime/cli/runner';
import { bunAssetCommand, providedCommand } from '../../src/runtime/emulator';
import { ELF_AARCH64, elfHeader } from '../helpers/elf';
import { needs, testNeeding } from '../helpers/external-tool';
import { tempDir } from '../helpers/fixtures';

function info(codeDir: string, architecture: 'arm64' | 'x86_64' = 'x86_64'): FunctionInfo {
  return {
    path: 'Stack/Fn',
    logicalId: 'Fn',
    stack: 'Stack',
    runtime: 'provided.al2023',
    architecture,
    handler: 'index.handler',
    codeDir,
    memorySize: 128,
    timeout: 3,
    environment: {},
  } as FunctionInfo;
}
const options = { all: [], notice: () => undefined };

describe('how the CLI starts a custom runtime', () => {
  test('a plain bootstrap is started as the bootstrap', () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'bootstrap'), '#!/bin/sh\nexit 0\n', { mode: 0o755 });
    const fn = info(dir);
    const config = functionConfig(fn, { ...options, all: [fn] });
    // run from its task root, a copy of the asset outside the project
    expect(config.codeDir).not.toBe(dir);
    expect(config.command).toEqual(providedCommand(config.codeDir));
  });

  function arm64BunAsset(): FunctionInfo {
    const dir = tempDir();
    writeFileSync(join(dir, 'bootstrap'), '#!/bin/sh\nexec "$LAMBDA_TASK_ROOT/bin/bun" "$LAMBDA_TASK_ROOT/ric.mjs"\n', { mode: 0o755 });
    mkdirSync(join(dir, 'bin'));
    writeFileSync(join(dir, 'bin', 'bun'), elfHeader(ELF_AARCH64, 256), { mode: 0o755 });
    writeFileSync(join(dir, 'ric.mjs'), '// client');
    return info(dir, 'arm64');
  }

  testNeeding(needs.x64Host(), needs.qemuUser())('a Bun asset (bin/bun + ric.mjs) is started through its engine, so qemu can run an arm64 one', () => {
    const fn = arm64BunAsset();
    const config = functionConfig(fn, { ...options, all: [fn] });
    expect(config.command).toEqual(bunAssetCommand(config.codeDir));
    expect(config.commandPrefix?.[0]).toMatch(/qemu-aarch64/);
  });

  testNeeding(needs.x64Host())('an arm64 Bun asset without qemu-user on PATH: the CLI says what to install, naming the engine', () => {
    const fn = arm64BunAsset();
    const path = process.env.PATH;
    process.env.PATH = '/nonexistent';
    try {
      expect(() => functionConfig(fn, { ...options, all: [fn] })).toThrow(/arm64 Bun engine[\s\S]*qemu-user-static/);
    } finally {
      process.env.PATH = path;
    }
  });
});
