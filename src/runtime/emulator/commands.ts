/**
 * Ready-made runtime process commands for `FunctionConfig.command` and
 * `commandPrefix`.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';

/** Runs an arm64 Linux executable on another architecture with qemu-user (Debian's qemu-user-static and libc6-arm64-cross). */
export const QEMU_ARM64_PREFIX: readonly string[] = ['qemu-aarch64-static', '-L', '/usr/aarch64-linux-gnu'];

/**
 * A Node.js function run by our runtime interface client, the way the
 * managed `nodejs*.x` runtimes run it.
 *
 * @param options.node the Node.js (or Bun...) executable; default: the running Node.js
 * @param options.bootstrap our client's bundle; default: `assets/ric/bootstrap.mjs` of this package
 */
export function nodejsCommand(options: { node?: string; bootstrap?: string } = {}): string[] {
  return [options.node ?? process.execPath, options.bootstrap ?? ricBootstrapPath()];
}

/** A custom runtime (`provided.al2023`): the function's own `bootstrap` executable. */
export function providedCommand(codeDir: string): string[] {
  return [join(codeDir, 'bootstrap')];
}

/**
 * Where our runtime client's bundle is: next to the CLI bundle in the
 * package (`assets/cli` → `assets/ric`), or under assets/ of a source checkout.
 */
export function ricBootstrapPath(): string {
  const candidates = [
    join(__dirname, '..', 'ric', 'bootstrap.mjs'),
    join(__dirname, '..', '..', '..', 'assets', 'ric', 'bootstrap.mjs'),
  ];
  const found = candidates.find((path) => existsSync(path));
  if (!found) {
    throw new Error(`The runtime client bundle is missing (looked in ${candidates.join(', ')}); run \`npm run build:runtime\`.`);
  }
  return found;
}

/**
 * A Bun asset of TypeScriptFunction (`FunctionRuntime.bun`): what its
 * `bootstrap` script runs, without the shell, so that a `commandPrefix`
 * (qemu-user, which runs ELF files only) applies to the arm64 engine itself.
 * The layout is the one src/function/private/bun.ts writes.
 */
export function bunAssetCommand(assetDir: string): string[] {
  return [join(assetDir, 'bin', 'bun'), '--no-install', join(assetDir, 'ric.mjs')];
}
