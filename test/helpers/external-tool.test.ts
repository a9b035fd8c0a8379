/**
 * The helper that skips a test for want of qemu-user or a prefetched engine,
 * with its reason printed, and fails it instead under CI=true.
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { decide, Need, needs, onCi, prefetchedArm64Node, prefetchedAwsRic, prefetchedAwsRicDir, prefetchedBun } from './external-tool';
import { tempDir } from './fixtures';

const ROOT = join(__dirname, '..', '..');
const present: Need = { installable: true, missing: () => undefined };
const absentTool: Need = { installable: true, missing: () => 'no frobnicator' };
const otherHost: Need = { installable: false, missing: () => 'written for another host' };

/** Runs `fn` with these environment variables set (undefined: unset), then restores them. */
function withEnv<T>(vars: Record<string, string | undefined>, fn: () => T): T {
  const saved = Object.fromEntries(Object.keys(vars).map((k) => [k, process.env[k]]));
  const set = (values: Record<string, string | undefined>) => {
    for (const [k, v] of Object.entries(values)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  };
  set(vars);
  try {
    return fn();
  } finally {
    set(saved);
  }
}

describe('decide', () => {
  test('everything there: the test runs, CI or not', () => {
    expect(decide([present], {})).toEqual({ run: true });
    expect(decide([present], { CI: 'true' })).toEqual({ run: true });
  });

  test('a missing tool: skipped with the reason off CI, failed under CI=true', () => {
    expect(decide([present, absentTool], {})).toEqual({ run: false, skip: true, reason: 'no frobnicator' });
    expect(decide([present, absentTool], { CI: 'true' })).toEqual({ run: false, skip: false, reason: 'no frobnicator' });
    expect(decide([absentTool], { CI: '1' })).toMatchObject({ skip: false });
    expect(decide([absentTool], { CI: 'false' })).toMatchObject({ skip: true });
    expect(decide([absentTool], { CI: 'no' })).toMatchObject({ skip: true });
    expect(decide([absentTool], { CI: '' })).toMatchObject({ skip: true });
  });

  test('a reason found by the caller (a string; undefined when the tool is there) is a need too', () => {
    expect(decide([undefined], { CI: 'true' })).toEqual({ run: true });
    expect(decide(['cfn-lint 1.0 is not installed'], {})).toEqual({ run: false, skip: true, reason: 'cfn-lint 1.0 is not installed' });
    expect(decide(['cfn-lint 1.0 is not installed', absentTool], { CI: 'true' })).toEqual({ run: false, skip: false, reason: 'cfn-lint 1.0 is not installed; no frobnicator' });
  });

  test('another host architecture is a skip even under CI: nothing to install', () => {
    expect(decide([otherHost, absentTool], { CI: 'true' })).toEqual({ run: false, skip: true, reason: 'written for another host' });
  });

  test('onCi reads CI as CI services set it', () => {
    expect([onCi({}), onCi({ CI: 'true' }), onCi({ CI: 'TRUE' }), onCi({ CI: '0' }), onCi({ CI: 'false' })]).toEqual([false, true, true, false, false]);
  });
});

describe('needs read the machine when asked', () => {
  test('qemu-user: looked up on PATH, as the CLI does; the reason says what to install', () => {
    expect(withEnv({ PATH: '/nonexistent' }, () => needs.qemuUser().missing()))
      .toMatch(/^qemu-aarch64-static is not on PATH \(apt-get install qemu-user-static libc6-arm64-cross/);
    const bin = tempDir();
    writeFileSync(join(bin, 'qemu-aarch64-static'), '#!/bin/sh\n');
    chmodSync(join(bin, 'qemu-aarch64-static'), 0o755);
    // found on PATH now; what may still be missing is the arm64 C library, never qemu itself
    expect(withEnv({ PATH: bin }, () => needs.qemuUser().missing()) ?? '').not.toMatch(/not on PATH/);
  });

  test('prefetched engines: looked up under XDG_CACHE_HOME; the reason names the path and the script', () => {
    const cache = tempDir();
    withEnv({ XDG_CACHE_HOME: cache }, () => {
      expect(needs.bun('arm64').missing()).toBe(`no prefetched Bun ${process.env.BUN_VERSION ?? '1.4.5'} arm64 engine at ${prefetchedBun('arm64')} (run scripts/prefetch-engines.sh)`);
      expect(prefetchedBun('arm64').startsWith(join(cache, 'cdk-ts-lambda'))).toBe(true);
      expect(needs.arm64Node().missing()).toMatch(/^no prefetched arm64 Node\.js at .*\(run scripts\/prefetch-engines\.sh\)$/);
      for (const file of [prefetchedBun('arm64'), prefetchedArm64Node()]) {
        mkdirSync(join(file, '..'), { recursive: true });
        writeFileSync(file, '');
      }
      expect([needs.bun('arm64').missing(), needs.arm64Node().missing()]).toEqual([undefined, undefined]);
    });
  });

  test('AWS\'s runtime interface clients: looked up in the cache where scripts/prefetch-aws-ric.sh puts them, with their native part', () => {
    const cache = tempDir();
    withEnv({ XDG_CACHE_HOME: cache }, () => {
      const dir = prefetchedAwsRicDir('3.3.0');
      expect(dir).toBe(join(cache, 'cdk-ts-lambda', 'aws-ric', '3.3.0', 'node_modules', 'aws-lambda-ric'));
      expect(needs.awsRic('3.3.0').missing()).toBe(`AWS's runtime interface client aws-lambda-ric@3.3.0 is not in ${dir} `
        + '(run scripts/prefetch-aws-ric.sh; it compiles native code with cmake, autoconf, libtool and a C++ compiler)');
      mkdirSync(join(dir, 'dist'), { recursive: true });
      writeFileSync(join(dir, 'package.json'), JSON.stringify({ version: '3.3.0', bin: { 'aws-lambda-ric': 'bin/index.mjs' } }));
      // installed, but its install scripts did not build the native client
      expect(needs.awsRic('3.3.0').missing()).toMatch(/^aws-lambda-ric@3\.3\.0 in .* has no native client .*dist\/rapid-client\.node/);
      writeFileSync(join(dir, 'dist', 'rapid-client.node'), '');
      expect(needs.awsRic('3.3.0').missing()).toBeUndefined();
      expect(prefetchedAwsRic('3.3.0').entry).toBe(join(dir, 'bin', 'index.mjs'));
      // another version in the folder is not the one asked for
      expect(needs.awsRic('4.0.2').missing()).toMatch(/aws-lambda-ric@4\.0\.2 is not in /);
    });
  });
});

describe('in a jest run (a test file needing the Bun engine, with an empty cache)', () => {
  const run = (ci: string | undefined) => spawnSync(process.execPath, [
    join(ROOT, 'node_modules', 'jest', 'bin', 'jest.js'), '--ci', '--coverage=false', '--reporters=default',
    '--testPathIgnorePatterns=/node_modules/', '--testMatch=**/test/helpers/external-tool-fixture/needs.fixture.ts',
  ], {
    cwd: ROOT,
    encoding: 'utf8',
    timeout: 120_000,
    env: { ...process.env, CI: ci, XDG_CACHE_HOME: tempDir() },
  });

  test('off CI: skipped, the reason printed, the run green', () => {
    const r = run('');
    expect(r.stderr).toMatch(/skipped: "needs the prefetched Bun engine": no prefetched Bun .* x64 engine at .*\(run scripts\/prefetch-engines\.sh\)/);
    expect(r.stderr).toMatch(/Tests: +1 skipped, 1 passed, 2 total/);
    expect(r.status).toBe(0);
  }, 120_000);

  test('under CI=true: failed with the reason, the run red', () => {
    const r = run('true');
    expect(r.stderr).toContain('CI=true and this machine lacks what this test needs: no prefetched Bun');
    expect(r.stderr).toMatch(/needs the prefetched Bun engine \[needs: no prefetched Bun/);
    expect(r.stderr).toMatch(/Tests: +1 failed, 1 passed, 2 total/);
    expect(r.status).toBe(1);
  }, 120_000);
});
