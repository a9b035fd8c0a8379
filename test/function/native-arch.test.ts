import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { App, Stack } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { TypeScriptFunction } from '../../src';
import { elfArchitecture, findNativeFiles } from '../../src/function/private/native-arch';
import { ELF_AARCH64, ELF_X86_64, elfHeader } from '../helpers/elf';
import { copyToTemp, isolateBundleCache, tempDir } from '../helpers/fixtures';

isolateBundleCache();
const FIXTURE = join(__dirname, 'fixtures', 'basic');

const X86_64 = ELF_X86_64;
const AARCH64 = ELF_AARCH64;

describe('reading ELF headers', () => {
  test('x86_64, arm64, and files that are not ELF', () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'a.node'), elfHeader(X86_64));
    writeFileSync(join(dir, 'b.so'), elfHeader(AARCH64));
    writeFileSync(join(dir, 'c.node'), Buffer.from('MZ not an ELF file, e.g. a Windows build of an addon'));
    writeFileSync(join(dir, 'index.mjs'), 'export const handler = 1;');
    expect(elfArchitecture(join(dir, 'a.node'))).toBe('x86_64');
    expect(elfArchitecture(join(dir, 'b.so'))).toBe('arm64');
    expect(elfArchitecture(join(dir, 'c.node'))).toBeUndefined();
    expect(findNativeFiles(dir).sort((x, y) => x.file.localeCompare(y.file))).toEqual([
      { file: 'a.node', architecture: 'x86_64' },
      { file: 'b.so', architecture: 'arm64' },
      { file: 'c.node', architecture: 'not ELF' },
    ]);
  });

  test('the real esbuild binary of this machine is recognised', () => {
    const bin = require.resolve(`@esbuild/linux-${process.arch}/bin/esbuild`);
    expect(elfArchitecture(bin)).toBe(process.arch === 'x64' ? 'x86_64' : 'arm64');
  });
});

describe('native architecture check at synth', () => {
  function projectWithAddon(machine: number): string {
    const project = copyToTemp(FIXTURE);
    mkdirSync(join(project, 'src', 'native'), { recursive: true });
    writeFileSync(join(project, 'src', 'native', 'addon.node'), elfHeader(machine));
    return project;
  }
  const build = (project: string, architecture: lambda.Architecture) => new TypeScriptFunction(new Stack(new App(), 'Test'), 'Fn', {
    entry: join(project, 'src', 'addon.ts'),
    architecture,
    bundling: { loader: { '.node': 'file' } },
  });

  test('an x86_64 addon in an arm64 function fails synth, naming the file and both architectures', () => {
    const project = projectWithAddon(X86_64);
    expect(() => build(project, lambda.Architecture.ARM_64))
      .toThrow(/Test\/Fn: the asset holds native code for another architecture than the function's \(arm64\):\n {2}- addon-[A-Z0-9]+\.node: x86_64/);
  });

  test('the same addon in an x86_64 function is fine', () => {
    const project = projectWithAddon(X86_64);
    expect(() => build(project, lambda.Architecture.X86_64)).not.toThrow();
  });

  test('an arm64 addon in an arm64 function is fine, and in an x86_64 one fails', () => {
    const project = projectWithAddon(AARCH64);
    expect(() => build(project, lambda.Architecture.ARM_64)).not.toThrow();
    expect(() => build(project, lambda.Architecture.X86_64)).toThrow(/another architecture than the function's \(x86_64\)[\s\S]*: arm64/);
  });
});
