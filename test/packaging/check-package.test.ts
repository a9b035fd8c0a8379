import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { missingPackageParts } from '../../scripts/check-package';
import { RUNTIME_ASSETS } from '../../scripts/runtime-assets';
import { tempDir } from '../helpers/fixtures';

const ROOT = join(__dirname, '..', '..');
const tasks = JSON.parse(readFileSync(join(ROOT, '.projen', 'tasks.json'), 'utf8')).tasks as Record<string, { steps?: { spawn?: string; exec?: string }[] }>;

/** Runs the check as `package:js` does, on a package root. */
function check(root: string): { status: number | null; output: string } {
  const run = spawnSync(join(ROOT, 'node_modules', '.bin', 'tsx'), [join(ROOT, 'scripts', 'check-package.ts'), root], { encoding: 'utf8' });
  return { status: run.status, output: run.stdout + run.stderr };
}

/** A package root with this repo's package.json and, optionally, every prebuilt file. */
function packageRoot(withAssets: boolean): string {
  const root = tempDir('pkg-');
  writeFileSync(join(root, 'package.json'), readFileSync(join(ROOT, 'package.json')));
  if (withAssets) {
    for (const asset of RUNTIME_ASSETS) {
      mkdirSync(dirname(join(root, asset.out)), { recursive: true });
      writeFileSync(join(root, asset.out), '// built\n');
      for (const to of Object.values(asset.copy ?? {})) {
        mkdirSync(dirname(join(root, to)), { recursive: true });
        writeFileSync(join(root, to), 'copied\n');
      }
    }
  }
  return root;
}

describe('packing refuses a package without its prebuilt parts', () => {
  test('compile builds them first, so `npx projen compile` alone makes a complete package', () => {
    expect(tasks.compile.steps?.[0]).toEqual({ spawn: 'build:runtime' });
  });

  test('every package:* task (each packs the npm tarball) checks before jsii-pacmak', () => {
    const packageTasks = Object.keys(tasks).filter((name) => name.startsWith('package:'));
    expect(packageTasks).toEqual(expect.arrayContaining(['package:js', 'package:python', 'package:java', 'package:dotnet', 'package:go']));
    for (const name of packageTasks) {
      expect(tasks[name].steps?.[0]).toEqual({ exec: 'tsx scripts/check-package.ts' });
    }
  });

  test('a package root without assets/ is refused, naming each missing part and the fix', () => {
    const { status, output } = check(packageRoot(false));
    expect(status).toBe(1);
    expect(output).toContain('refusing to pack');
    expect(output).toContain('assets/cli/ts-lambda.cjs (built from src/runtime/cli/main.ts; the `ts-lambda` bin)');
    expect(output).toContain('assets/authorizer/index.mjs');
    expect(output).toContain('assets/ric/bootstrap.mjs');
    expect(output).toContain('assets/cli/events/LICENSE-aws-lambda-rust-runtime (copied from src/runtime/cli/events/LICENSE-aws-lambda-rust-runtime: the licence');
    expect(output).toContain('npx projen build:runtime');
  });

  test('an empty bundle counts as missing', () => {
    const root = packageRoot(true);
    writeFileSync(join(root, 'assets', 'ric', 'bootstrap.mjs'), '');
    expect(missingPackageParts(root)).toEqual(['assets/ric/bootstrap.mjs (built from src/runtime/ric/bootstrap.ts)']);
  });

  test('the bin of package.json is checked too', () => {
    const root = packageRoot(true);
    writeFileSync(join(root, 'package.json'), JSON.stringify({ name: 'x', bin: { 'ts-lambda': 'assets/cli/other.cjs' } }));
    expect(missingPackageParts(root)).toEqual(['assets/cli/other.cjs (the `ts-lambda` bin)']);
  });

  test('a complete package root passes', () => {
    const { status, output } = check(packageRoot(true));
    expect(output).toContain('has its prebuilt parts');
    expect(status).toBe(0);
  });
});
