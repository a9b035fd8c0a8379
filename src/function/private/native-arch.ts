import { closeSync, openSync, readdirSync, readSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

/** ELF e_machine values of the two Lambda architectures. */
const ELF_MACHINES: { [machine: number]: string } = {
  0x3e: 'x86_64',
  0xb7: 'arm64',
  0x03: 'x86 (32-bit)',
  0x28: 'arm (32-bit)',
};

/** A native file found in an asset with its architecture. */
export interface NativeFile {
  /** Path relative to the asset folder. */
  readonly file: string;
  /** `x86_64`, `arm64`, another name, or `not ELF` (e.g. a macOS or Windows build). */
  readonly architecture: string;
}

/**
 * Reads the architecture of an ELF file (or says it is not ELF). Only the
 * header is read.
 */
export function elfArchitecture(path: string): string | undefined {
  const header = Buffer.alloc(20);
  const fd = openSync(path, 'r');
  let read: number;
  try {
    read = readSync(fd, header, 0, header.length, 0);
  } finally {
    closeSync(fd);
  }
  if (read < 20 || header.readUInt32BE(0) !== 0x7f454c46) return undefined;
  const littleEndian = header[5] === 1;
  const machine = littleEndian ? header.readUInt16LE(18) : header.readUInt16BE(18);
  return ELF_MACHINES[machine] ?? `machine 0x${machine.toString(16)}`;
}

/**
 * Lists every native file in an asset: each `.node` addon, and every other
 * file that is an ELF binary or library.
 */
export function findNativeFiles(dir: string): NativeFile[] {
  const found: NativeFile[] = [];
  const walk = (current: string): void => {
    for (const entry of readdirSync(current, { withFileTypes: true })) {
      const path = join(current, entry.name);
      if (entry.isDirectory()) {
        walk(path);
      } else if (entry.isFile()) {
        const isAddon = entry.name.endsWith('.node');
        // small text files can't be ELF binaries; skip reading most sources
        if (!isAddon && /\.(m?js|cjs|json|map|ts|md|txt|d\.ts)$/.test(entry.name)) continue;
        if (!isAddon && statSync(path).size < 64) continue;
        const arch = elfArchitecture(path);
        if (arch) found.push({ file: relative(dir, path), architecture: arch });
        else if (isAddon) found.push({ file: relative(dir, path), architecture: 'not ELF' });
      }
    }
  };
  walk(dir);
  return found;
}

/**
 * The native files of an asset whose architecture is not the function's.
 * @param expected `x86_64` or `arm64`
 */
export function nativeMismatches(dir: string, expected: string): NativeFile[] {
  return findNativeFiles(dir).filter((f) => f.architecture !== expected);
}
